"""The estimator against InferenceMAX's published gpt-oss-120b sweeps (a calibration source at weight 0.5).

    .venv/bin/python bench/gptoss_validation.py [--rows FILE.csv] [--calibration FILE.json] [--worst N]
    .venv/bin/python bench/gptoss_validation.py --holdout    # leave-one-family-out, about 2 minutes

``bench/data/inferencemax-gptoss-120b.csv`` holds 236 single-node gpt-oss-120b (MXFP4) runs of SemiAnalysis
InferenceMAX (December 2025 – January 2026: vLLM on H100, H200 and B200, TensorRT-LLM on B200, ATOM on
MI355X; TP1–TP8, 1k/1k, 1k/8k and 8k/1k, 4–128 clients; provenance in ``bench/data/README.md``). Each row
becomes a case of the ``ai-factory-estimate-cases/1`` format in its published layout (``single-node``, its
TP and EP, no data-parallel attention, no speculative decoding), measured as

* ``output_tokens_per_s`` = output throughput per GPU × TP,
* ``tpot_ms`` = the mean time per output token,
* ``ttft_ms`` = the mean time to first token, only at 16 clients or fewer: the table gives means, and the
  estimate's TTFT is the median request's, which the mean overstates once requests queue (at 64 clients
  of 8k prompts on one B200 the mean is 382 ms and the p99 4.3 s).

``bench/calibrate.py`` fits these runs with the two reference files, weighing them 0.5 (``fitting.
DEFAULT_EMPHASIS``): they pin what the reference files cannot — gpt-oss's per-kernel, per-iteration and
per-request costs — so the figures printed are in-sample. Prints median and p90 of
|predicted / measured − 1| overall and per value, GPU, engine and lengths, the signed median per value and
GPU, TPOT's per GPU and tensor parallelism, then the worst values. About 1 s. ``--holdout`` instead refits ``bench/calibrate.py``'s sources
without each accelerator family (its sweeps and its reference cases) and scores that family's sweeps: the
sweeps out of sample.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import statistics
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.inferencex_validation import print_groups, print_worst  # noqa: E402
from catalog.datafiles import file_catalog  # noqa: E402
from studio.domain.perf import calibration as cal  # noqa: E402
from studio.domain.perf.accuracy import score  # noqa: E402

ROWS = ROOT / "bench" / "data" / "inferencemax-gptoss-120b.csv"
SYSTEMS = {"b200": "dgx-b200", "h100": "dgx-h100", "h200": "dgx-h200", "mi355x": "mi355x-oam8"}
#: Most clients at which the table's mean TTFT stands for the median request's (see the module doc).
TTFT_MAX_CLIENTS = 16


def case_of(row: dict, index: int) -> dict:
    """One table row as an estimate case in its published layout."""
    tp, ep, conc = int(row["tp"]), int(row["ep"]), int(row["conc"])
    isl, osl = int(row["isl"]), int(row["osl"])
    measured = {"output_tokens_per_s": round(float(row["output_tput_per_gpu"]) * tp, 2),
                "tpot_ms": float(row["mean_tpot_ms"])}
    if conc <= TTFT_MAX_CLIENTS:
        measured["ttft_ms"] = float(row["mean_ttft_ms"])
    return {"id": f"imx-gptoss-{row['gpu']}-{row['framework']}-{isl // 1024}k{osl // 1024}k-tp{tp}ep{ep}-c{conc}-{index}",
            "source": f"InferenceMAX gpt-oss-120b, {row['gpu']} {row['framework']}, run {row['date']} "
                      f"(bench/data/inferencemax-gptoss-120b.csv row {index + 1})",
            "workload": {"kind": "inference", "model": "gpt-oss-120b", "precision": "fp4",
                         "scenario": "concurrency", "input_tokens": isl, "output_tokens": osl,
                         "concurrency": conc},
            "cluster": {"system": SYSTEMS[row["gpu"]], "gpus": tp},
            "config": {"serving": "single-node", "tp": tp, "ep": ep, "dp_attention": False,
                       "spec_decoding": "none", "framework": row["framework"], "run_date": row["date"]},
            "measured": measured}


def load_cases(path: Path = ROWS) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [case_of(row, i) for i, row in enumerate(csv.DictReader(f))]


def holdout() -> list:
    """The sweeps of each family, estimated with the factors refitted without that family (every source
    ``bench/calibrate.py`` fits, at its default weights): ``fitting.holdout`` over the sweeps' families."""
    from bench.calibrate import default_sources
    from studio.domain.perf.fitting import family_of
    from studio.domain.perf.fitting import holdout as refit_without

    catalog = file_catalog()
    sources = default_sources()
    sweeps = [{**c, "_source": ROWS.name} for c in sources.pop(ROWS.name)]
    references = [{**c, "_source": name} for name, cases in sources.items() for c in cases]
    families = {family_of(c, catalog) for c in sweeps}
    result = refit_without(references, catalog, case_ids=set(), extra=sweeps, families=families,
                           progress=lambda m: print(m, file=sys.stderr))
    return result["family_extra"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=Path, default=ROWS)
    ap.add_argument("--calibration", type=Path, help="a calibration file instead of the committed one")
    ap.add_argument("--worst", type=int, default=15)
    ap.add_argument("--holdout", action="store_true", help="leave-one-family-out instead of the committed factors")
    args = ap.parse_args(argv)
    cases = load_cases(args.rows)
    if args.holdout:
        rows = holdout()
    else:
        data = cal.parse(json.loads(args.calibration.read_text(encoding="utf-8"))) if args.calibration else None
        rows = score(cases, file_catalog(), data)
    by_id = {c["id"]: c for c in cases}
    groups: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    signed: dict[tuple[str, str], list[float]] = defaultdict(list)
    tpot_by_tp: dict[tuple[str, int], list[float]] = defaultdict(list)
    for r in rows:
        c = by_id[r.case_id]
        w = c["workload"]
        gpu = c["cluster"]["system"]
        groups["all"]["all"].append(r.error)
        groups["value"][r.key].append(r.error)
        groups["system"][gpu].append(r.error)
        groups["engine"][c["config"]["framework"]].append(r.error)
        groups["lengths"][f"{w['input_tokens']}/{w['output_tokens']}"].append(r.error)
        if r.predicted:
            signed[(r.key, gpu)].append(math.log(r.predicted / r.measured))
            if r.key == "tpot_ms":
                tpot_by_tp[(gpu, c["config"]["tp"])].append(math.log(r.predicted / r.measured))
    print(f"# {len(cases)} InferenceMAX gpt-oss-120b runs of {args.rows.name}; error = |predicted / measured - 1|")
    print_groups(groups)
    print("\n# predicted / measured, median per value and GPU")
    for (key, gpu), logs in sorted(signed.items()):
        print(f"{key:20s} {gpu:16s} {math.exp(statistics.median(logs)):6.2f}  ({len(logs)} values)")
    print("\n# TPOT predicted / measured, median per GPU and tensor parallelism (at TP1 one GPU streams all the weights)")
    for (gpu, tp), logs in sorted(tpot_by_tp.items()):
        print(f"{gpu:16s} TP{tp:<3d} {math.exp(statistics.median(logs)):6.2f}  ({len(logs)} values)")
    if args.worst:
        print_worst(rows, args.worst, id_width=50)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
