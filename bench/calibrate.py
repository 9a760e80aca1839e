"""Fit the estimator's few efficiency factors to measured cases and write the committed file.

    .venv/bin/python bench/calibrate.py [CASES.json ...] [--holdout]

Reads both reference files by default (``../shared/reference/calibration.json`` and
``inferencex-calibration.json``, else their copies in ``bench/data/``),
fits the global factors and one GEMM efficiency per (accelerator family, precision, regime) that
has a measured case (``studio.domain.perf.fitting``), and writes
``studio/domain/perf/calibration_data.json`` with a note per factor saying where it came from.
``--holdout`` also prints leave-one-case-out and leave-one-family-out errors (refits without
the held-out cases; nothing is written for those). ``--add FILE`` fits a further cases file beside the
default sources, each source weighing the same (an experiment, with ``--out`` elsewhere: does a check that
is kept out of the fit move when it is fitted?).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from catalog.datafiles import file_catalog  # noqa: E402
from studio.domain.perf import calibration as cal  # noqa: E402
from studio.domain.perf.accuracy import score, summarize  # noqa: E402
from studio.domain.perf.fitting import REGIME_OF, case_factor_key, fit, holdout, to_data  # noqa: E402

GLOBAL_NOTES = {
    "hbm_efficiency": "share of HBM peak bandwidth reached when streaming weights and KV; prior 0.8 (AIConfigurator "
                      "mem_bw_empirical_scaling_factor), fitted to all inference cases",
    "kernel_overhead_s": "fixed time per kernel per iteration (launch gap, small kernels' floor; AIConfigurator 3 µs "
                         "per kernel) times models.kernels_per_layer, fitted to all inference cases",
    "prefill_kernel_overhead_s": "host time per kernel of a prefill batch behind an API server (engines run prefill "
                                 "eagerly, without CUDA graphs) in closed-loop TTFT, fitted to measured TTFT",
    "disagg_fixed_s": "fixed time of the disaggregated path in closed-loop TTFT (router, prefill queue, KV-transfer "
                      "handshake) on top of the API server's, fitted to measured disaggregated TTFT",
    "step_overhead_s": "fixed host time per iteration/step (scheduling, sampling, optimizer launch), fitted to all cases",
    "moe_gemm_ratio": "grouped-GEMM efficiency of MoE experts relative to dense GEMMs (routing imbalance, small "
                      "per-expert batches), fitted to the MoE inference cases",
    "moe_all_to_all_overhead_s": "fixed time of one MoE dispatch or combine with data-parallel attention (kernel "
                                 "launch, token-count exchange, cross-rank barrier) on top of its bytes on the link; "
                                 "prior 20 µs, fitted to the expert-parallel inference cases",
    "cdna_hbm_ratio": "share of the fitted HBM efficiency that AMD Instinct (CDNA3/CDNA4) GPUs reach in decode "
                      "(chiplet NUMA HBM, ROCm kernels); prior 1, fitted to the AMD inference cases",
    "prefill_fixed_s": "fixed time of a benchmark client's request through the API server (HTTP, tokenisation, "
                       "scheduling, first-token return) in closed-loop TTFT, fitted to measured TTFT",
}


#: A source with more cases than this behind one factor is named by its count, not its case ids.
LISTED_CASES = 20


def cases_named(cases: list[dict]) -> str:
    """The cases behind a factor: their ids, or for a source with more than ``LISTED_CASES`` of them its
    count and name ("116 cases of inferencemax-gptoss-120b.csv")."""
    by_source: dict[str, list[str]] = {}
    for c in cases:
        by_source.setdefault(c.get("_source", ""), []).append(c["id"])
    return ", ".join(", ".join(ids) if len(ids) <= LISTED_CASES else f"{len(ids)} cases of {name}"
                     for name, ids in by_source.items())


def annotated(params: dict, cases: list[dict], catalog, source: str) -> dict:
    data = to_data(params)
    for name, entry in data["global"].items():
        entry["note"] = GLOBAL_NOTES.get(name, "fitted") + f" [{source}]"
    for factor, fams in data["families"].items():
        regime = [k for k, v in REGIME_OF.items() if v == factor][0]
        for fam, precs in fams.items():
            for prec, entry in precs.items():
                if fam == "default":
                    entry["note"] = f"median of the fitted families at {prec}: used for families without a case"
                    continue
                fitted = [c for c in cases if c.get("workload", {}).get("kind") == regime
                          and case_factor_key(c, catalog) == (fam, prec)]
                other = (" (cases at other precisions read through the published training speed-ups)"
                         if regime == "training" else "")
                entry["note"] = (f"share of {prec} dense peak in {regime} GEMMs{other}, fitted to "
                                 f"{cases_named(fitted)} [{source}]")
    data["generated_by"] = "python bench/calibrate.py"
    data["lineage"] = cal.LINEAGE
    return data


def default_sources() -> dict[str, list[dict]]:
    """The cases fitted by default, by source: both reference files (``default_files``) and the published
    results ``extra_sources`` names."""
    sources = {f.name: json.loads(f.read_text(encoding="utf-8"))["cases"] for f in default_files()}
    sources.update(extra_sources())
    return sources


def extra_sources() -> dict[str, list[dict]]:
    """Published results fitted beside the reference files, by source (``fitting.DEFAULT_EMPHASIS`` weighs
    each): InferenceMAX's gpt-oss-120b sweeps (``bench/gptoss_validation.py``; the reference files hold two
    gpt-oss points, both on MI300X, which cannot tell the per-kernel and per-request costs of gpt-oss's 36
    light layers from DeepSeek-R1's 61 heavy ones) and MLPerf Inference v6.0's offline results for
    DeepSeek-R1 and gpt-oss-120b (``bench/mlperf_validation.py``: every query queued at once, so throughput
    alone, on B200 to MI355X — the GEMM efficiencies that two or three reference cases per family leave
    loose; the server and interactive results stay out of the fit), and Megatron-Bridge's published
    pre-training figures of dense models (``bench/training_validation.py``: the reference files hold four
    H100 and one GB200 training case for each family's one training efficiency; its MoE figures stay out of
    the fit, a check of ``training.MOE_TRAINING_GEMM_RATIO``)."""
    from bench.gptoss_validation import ROWS, load_cases
    from bench.mlperf_validation import CASES
    from bench.mlperf_validation import load_cases as mlperf_cases
    from bench.training_validation import CASES as TRAINING
    from bench.training_validation import dense_cases

    return {ROWS.name: load_cases(),
            CASES.name: [c for c in mlperf_cases() if c["workload"]["scenario"] == "offline"],
            TRAINING.name: dense_cases()}


def default_files() -> list[Path]:
    """Both reference files from ``../shared/reference`` when present, else the in-repo copies."""
    shared = ROOT.parent / "shared" / "reference"
    names = ("calibration.json", "inferencex-calibration.json")
    if all((shared / n).exists() for n in names):
        return [shared / n for n in names]
    return [ROOT / "bench" / "data" / n for n in names]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("cases", nargs="*", help="cases files (default: both reference files and extra_sources())")
    parser.add_argument("--add", action="append", default=[], metavar="FILE",
                        help="a cases file fitted on top of the default sources (an experiment: write it with --out "
                             "elsewhere; e.g. the capture from bench/inferencex_validation.py --cases-out)")
    parser.add_argument("--holdout", action="store_true", help="also report leave-one-out errors")
    parser.add_argument("--out", default=str(cal.DATA_FILE))
    parser.add_argument("--emphasis", action="append", default=[], metavar="FILE=W",
                        help="weigh a cases file W times the others (default: fitting.DEFAULT_EMPHASIS)")
    args = parser.parse_args(argv)
    from bench.inferencex_validation import cases_file

    sources = {Path(f).name: cases_file(Path(f)) for f in args.cases} if args.cases else default_sources()
    for f in args.add:
        if Path(f).name in sources:
            parser.error(f"--add {f}: a source named {Path(f).name} is already fitted (rename the file)")
        sources[Path(f).name] = cases_file(Path(f))
    by_file = {name: [{**c, "_source": name} for c in cases] for name, cases in sources.items()}
    cases = [c for cs in by_file.values() for c in cs]
    catalog = file_catalog()
    emphasis = {k: float(v) for k, v in (e.split("=", 1) for e in args.emphasis)} or None
    params = fit(cases, catalog, progress=lambda m: print(m, file=sys.stderr), emphasis=emphasis)
    data = annotated(params, cases, catalog, " + ".join(by_file))
    Path(args.out).write_text(json.dumps(data, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    for name, file_cases in by_file.items():
        s = summarize(score(file_cases, catalog, cal.parse(data)))
        print(f"{name} in-sample: {s.values} values, median {s.median:.1%}, p90 {s.p90:.1%}, "
              f"fabric {s.fabric_exact}/{s.fabric_total} exact")
    print(f"wrote {args.out}")
    if args.holdout:
        ho = holdout(cases, catalog)
        ids = {name: {c.get("id") for c in cs} for name, cs in by_file.items()}
        for label, rows in ho.items():
            for name in by_file:
                s = summarize([r for r in rows if r.case_id in ids[name]])
                print(f"{name} leave-one-{label}-out: {s.values} values, median {s.median:.1%}, p90 {s.p90:.1%}")
            for r in rows:
                if not r.is_fabric:
                    print(f"  {r.case_id:45s} {r.key:22s} measured {r.measured:>12g} predicted "
                          f"{(r.predicted if r.predicted is not None else float('nan')):>12g} error {r.error:.1%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
