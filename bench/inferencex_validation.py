"""The estimator against every DeepSeek-R1 row of the public InferenceX capture — a check, not a fit.

    .venv/bin/python bench/inferencex_validation.py [--rows FILE.jsonl] [--calibration FILE.json]
        [--only KEY=VALUE ...] [--worst N] [--cases-out FILE.json] [--ttft-by-utilisation] [--by-regime]
        [--resized-pools] [--mtp-by-load]

``bench/data/inferencex-benchmarks-dsr1.jsonl`` holds the rows of InferenceX-app's API capture
(``packages/app/cypress/fixtures/api/benchmarks.json``, sha256 f46823a76cb63248…, 775,884 bytes — the
file ``../shared/reference/inferencex-calibration.json`` drew its 18 DeepSeek-R1 cases from), one row per
line with the columns an estimate reads (``bench/data/README.md``). Each row becomes a case of the
``ai-factory-estimate-cases/1`` format exactly as the reference file's cases were made (a test checks
that the 18 reference cases come out of their rows with the same measured values):

* ``output_tokens_per_s`` = ``output_tput_per_gpu`` × the decode GPUs (all the GPUs of a single-node run),
* ``tpot_ms`` = 1000 / ``median_intvty``, ``ttft_ms`` = 1000 × ``median_ttft``,
* ``config`` from the row's layout columns (serving mode, TP/EP/DP-attention per pool, workers, MTP).

Rows that cannot be read as a layout (a disaggregated pool whose GPUs are not max(TP, EP) × workers, or
that has no workers; EP wider than TP on one node) or whose measurements contradict each other (Little's
law off by more than 1.5×) are left out and counted by reason.

Nothing here is fitted: the factors are those of ``calibration_data.json`` (fitted on the two reference
files only); the rows that are reference cases are reported apart, so the rest is out of sample. Prints
median and p90 of |predicted / measured − 1| overall and per value, family, engine, serving mode and
precision; the *engine spread* — rows with the same system, layout, lengths and concurrency measured
with two engines, each engine's figure taken as an estimate of the other's (a floor for any estimate that
is told the layout and not the engine) and, per pair, the least error one estimate can have against both
(``spread_floor``); then the worst values. About 3 s for the 409 rows.
``--ttft-by-utilisation`` also prints the out-of-sample TTFTs by the estimate's prefill utilisation ρ (its
assumption line): values, predicted / measured at the median, values off by more than half; and how many
would be off by more than half if each TTFT below ρ = 0.85 were stretched by 1/(1 − ρ)^k.
``--resized-pools`` also estimates the disaggregated rows whose pool columns do not add up to the pool's
GPUs (most are Dynamo's GB200 runs of December 2025), with the worker counts as logged, for the estimator
to read at the pool's width (``layouts.pool_from_config``); they are reported apart, never in the
out-of-sample figures, and those it refuses (TP 36 does not divide 128 heads) count as not estimated.
``--ttft-by-prompt`` prints a lone prompt's TTFT (8 clients or fewer, one node) at 1k and at 8k tokens where
both were measured on the same system, engine and layout, and the ratio of the measured to the estimated
slope between them.
``--by-regime`` prints the out-of-sample rows by serving mode, the closed loop's regime as the estimate
names it (``fixed concurrency``: every client decoding or in its first token; ``… requests queue``: clients
beyond what the prefill or the KV cache takes wait) and prefill utilisation: predicted / measured at the
median for throughput, TPOT and TTFT, and the share of the clients decoding at once (output × TPOT ÷
clients, Little's law: what TTFT leaves), measured and estimated.
``--mtp-by-load`` prints the out-of-sample rows with speculative decoding (MTP) by engine, the decode
attention's layout (tensor-parallel or data-parallel) and the clients (``MTP_LOADS``): TPOT predicted /
measured at the median and its range — where the estimate's one-draft MTP model parts from the engines'
own speculative loops (stop 31).
"""

from __future__ import annotations

import argparse
import json
import math
import re
import statistics
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.accuracy_frontier import reference_file  # noqa: E402
from catalog.datafiles import file_catalog  # noqa: E402
from studio.domain.perf import calibration as cal  # noqa: E402
from studio.domain.perf.accuracy import percentile, score  # noqa: E402
from studio.domain.perf.cases import estimate_cases  # noqa: E402
from studio.domain.perf.fitting import family_of  # noqa: E402
from studio.domain.perf.layouts import config_label  # noqa: E402
from studio.domain.perf.specdec import CAUTION_SEQUENCES  # noqa: E402

ROWS = ROOT / "bench" / "data" / "inferencex-benchmarks-dsr1.jsonl"
SYSTEMS = {"h100": "dgx-h100", "h200": "dgx-h200", "b200": "dgx-b200", "b300": "dgx-b300",
           "gb200": "gb200-nvl72", "gb300": "gb300-nvl72", "mi300x": "mi300x-oam8",
           "mi325x": "mi325x-oam8", "mi355x": "mi355x-oam8"}
VALUES = ("output_tokens_per_s", "tpot_ms", "ttft_ms")
#: Little's law tolerance for a closed-loop row (measured output ÷ C·out/(TTFT + out·TPOT)).
LITTLE_TOLERANCE = 1.5
#: Mean output of a benchmark request as a share of the nominal OSL (lengths uniform in [0.8·L, L]).
MEAN_OUTPUT_SHARE = 0.9
#: Prefill utilisation bands (%) of ``--ttft-by-utilisation``, and the estimate's line that gives it.
UTILISATION_BANDS = ((0, 10), (10, 30), (30, 60), (60, 85), (85, 101))
UTILISATION_LINE = re.compile(r"prefill server utilisation (\d+)%")
#: The estimate's line that names the closed loop's regime (``inference.concurrency_point``).
REGIME_LINE = re.compile(r"sequences decoding per decode worker \((.*)\)$")
#: Utilisation bands (%) of ``--by-regime``.
REGIME_BANDS = ((0, 30), (30, 60), (60, 90), (90, 101))


def reference_cases() -> list[dict]:
    """The cases of the reference file (``accuracy_frontier.reference_file``: the shared copy, else the repo's)."""
    return json.loads(reference_file().read_text(encoding="utf-8"))["cases"]


def _pool(row: dict, side: str, as_logged: bool = False) -> dict:
    """A pool's columns as a ``config`` pool; ``as_logged``: the worker count as the row gives it (none
    when it gives 0), for the estimator to read against the pool's GPUs (``layouts.pool_from_config``)."""
    layout = {"tp": int(row[f"{side}_tp"]), "ep": int(row[f"{side}_ep"] or 1),
              "dp_attention": bool(row[f"{side}_dp_attention"])}
    workers = int(row.get(f"{side}_num_workers") or 0)
    if as_logged:
        return ({"workers": workers} if workers else {}) | layout
    return {"workers": max(1, workers)} | layout


def consistent(measured: dict, osl: int, conc: int) -> bool:
    """Whether a closed-loop row obeys Little's law: output ≈ C · out / (TTFT + out · TPOT) with the
    client's mean output of 0.9 × OSL, within 1.5× either way. The capture's rows give 0.96 at the
    median; one MI355X ATOM row reports 202 tok/s for 512 clients at 11 ms per token (0.02)."""
    if "ttft_ms" not in measured:
        return True
    out = MEAN_OUTPUT_SHARE * osl
    little = conc * out / (measured["ttft_ms"] / 1000 + out * measured["tpot_ms"] / 1000)
    return 1 / LITTLE_TOLERANCE <= measured["output_tokens_per_s"] / little <= LITTLE_TOLERANCE


def case_of(row: dict, index: int, resized_pools: bool = False) -> tuple[dict | None, str | None]:
    """The row as an estimate case, or (None, why it was left out). ``resized_pools``: a disaggregated
    row whose pool columns do not add up to the pool's GPUs is kept with its columns as logged (the
    estimator reads the workers at the pool's width) and marked ``_row["resized"]``."""
    system = SYSTEMS.get(str(row.get("hardware", "")).lower())
    m = row.get("metrics") or {}
    if row.get("model") != "dsr1":
        return None, "not DeepSeek-R1"
    if system is None:
        return None, "system not in the catalog"
    if not m.get("median_intvty") or not m.get("output_tput_per_gpu"):
        return None, "no throughput or interactivity"
    spec = "mtp" if row.get("spec_method") == "mtp" else "none"
    if row.get("disagg"):
        prefill_gpus, decode_gpus = int(row["num_prefill_gpu"]), int(row["num_decode_gpu"])
        config = {"serving": "disaggregated", "prefill_gpus": prefill_gpus, "decode_gpus": decode_gpus,
                  "prefill": _pool(row, "prefill"), "decode": _pool(row, "decode")}
        resized = any(not row.get(f"{side}_num_workers")
                      or max(config[side]["tp"], config[side]["ep"]) * config[side]["workers"] != total
                      for side, total in (("prefill", prefill_gpus), ("decode", decode_gpus)))
        if resized and not resized_pools:
            return None, "layout columns do not add up to the GPUs"
        if resized:
            config |= {"prefill": _pool(row, "prefill", True), "decode": _pool(row, "decode", True)}
        gpus, out_gpus = prefill_gpus + decode_gpus, decode_gpus
    else:
        resized = False
        tp = int(row["decode_tp"])
        if int(row["decode_ep"] or 1) > tp:
            return None, "layout columns do not add up to the GPUs"
        config = {"serving": "single-node", "tp": tp, "ep": int(row["decode_ep"] or 1),
                  "dp_attention": bool(row["decode_dp_attention"])}
        gpus = out_gpus = tp  # the num_*_gpu columns of single-node rows are not always the GPUs used
    config["spec_decoding"] = spec
    measured = {"output_tokens_per_s": round(m["output_tput_per_gpu"] * out_gpus, 2),
                "tpot_ms": round(1000 / m["median_intvty"], 3)}
    if m.get("median_ttft"):
        measured["ttft_ms"] = round(1000 * m["median_ttft"], 1)
    isl, osl, conc = int(row["isl"]), int(row["osl"]), int(row["conc"])
    if not consistent(measured, osl, conc):
        return None, "measurements contradict Little's law"
    cid = (f"ixv-{row['hardware']}-{row['framework']}-{row['precision']}-{spec}-{isl // 1024}k{osl // 1024}k-"
           f"c{conc}-{'disagg' if row.get('disagg') else 'single'}-{index}")
    case = {"id": cid, "workload": {"kind": "inference", "model": "deepseek-v3", "precision": row["precision"],
                                    "scenario": "concurrency", "input_tokens": isl, "output_tokens": osl,
                                    "concurrency": conc},
            "cluster": {"system": system, "gpus": gpus}, "measured": measured,
            "config": {**config, "framework": row.get("framework"), "image": row.get("image"),
                       "run_date": row.get("date")},
            "_row": {"framework": row.get("framework"), "date": row.get("date"), "resized": resized}}
    return case, None


def layout_key(case: dict) -> tuple:
    """System, precision, MTP, lengths, concurrency and layout: what an estimate is told."""
    w, cfg = case["workload"], case.get("config") or {}
    layout = json.dumps({k: cfg.get(k) for k in ("serving", "tp", "ep", "dp_attention", "prefill", "decode",
                                                 "prefill_gpus", "decode_gpus")}, sort_keys=True)
    return (case["cluster"]["system"], w["precision"], cfg.get("spec_decoding", "none"), w["input_tokens"],
            w["output_tokens"], w["concurrency"], layout)


def load_cases(path: Path = ROWS, resized_pools: bool = False) -> tuple[list[dict], Counter]:
    """The rows' cases (a row repeated in the capture once) and the left-out rows counted by reason
    (``resized_pools``: see ``case_of``)."""
    cases, seen, left_out = [], set(), Counter()
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        if not line.strip():
            continue
        case, why = case_of(json.loads(line), i, resized_pools)
        if case is None:
            left_out[why] += 1
            continue
        key = layout_key(case) + (case["_row"]["date"], case["_row"]["framework"])
        if key in seen:
            left_out["repeated row"] += 1
            continue
        seen.add(key)
        cases.append(case)
    return cases, left_out


def reference_keys() -> set[tuple]:
    """(layout key, run date) of the DeepSeek-R1 cases of the reference file."""
    return {layout_key(c) + ((c.get("config") or {}).get("run_date"),) for c in reference_cases()
            if c["workload"].get("model") == "deepseek-v3"}


def in_reference(case: dict, keys: set[tuple]) -> bool:
    return layout_key(case) + (case["_row"]["date"],) in keys


def engine_spread(cases: list[dict]) -> dict[str, list[float]]:
    """|a/b − 1| and |b/a − 1| per value for every two rows with the same layout key and different
    engines: how far one engine's measurement is from another's on the same system, layout and load."""
    groups = defaultdict(list)
    for c in cases:
        groups[layout_key(c)].append(c)
    out = defaultdict(list)
    for rows in groups.values():
        for i, a in enumerate(rows):
            for b in rows[i + 1:]:
                if a["_row"]["framework"] == b["_row"]["framework"]:
                    continue
                for key in VALUES:
                    x, y = a["measured"].get(key), b["measured"].get(key)
                    if x and y:
                        out[key] += [abs(x / y - 1), abs(y / x - 1)]
    return out


def spread_floor(errors: list[float]) -> list[float]:
    """Per pair of ``engine_spread``'s errors (|a/b − 1| and |b/a − 1|, one after the other): the least error a
    single estimate can have against both measurements, ``(b − a) / (a + b)`` = ``x / (x + 2)`` with ``x`` the
    larger of the two (the estimate ``2ab / (a + b)`` is that far from each). 10 and 12.5: 0.25 / 2.25 = 0.111."""
    return [max(errors[i], errors[i + 1]) / (max(errors[i], errors[i + 1]) + 2) for i in range(0, len(errors) - 1, 2)]


def summary_line(label: str, errors: list[float]) -> str:
    """One table row: values, median, p90 and the count beyond 50 % (also ``trtllm_validation``'s)."""
    failed = sum(1 for e in errors if e == float("inf"))
    over = sum(1 for e in errors if e > 0.5)
    def pct(q: float) -> str:  # a percentile that lands on a value not estimated is "n/a"
        value = percentile(errors, q)
        return f"{100 * value:7.1f}%" if math.isfinite(value) else f"{'n/a':>8s}"

    return (f"{label:36s} {len(errors):6d} {pct(0.5)} {pct(0.9)} {over:5d}"
            + (f"  ({failed} not estimated)" if failed else ""))


def print_groups(groups: dict[str, dict[str, list[float]]]) -> None:
    """The group table: its header, then each group's name and one ``summary_line`` per label (also
    ``trtllm_validation``'s and ``gptoss_validation``'s)."""
    print(f"\n{'group':36s} {'values':>6s} {'median':>8s} {'p90':>8s} {'>50%':>5s}")
    for name, sub in groups.items():
        print(f"-- {name}")
        for label, errs in sorted(sub.items()):
            print(summary_line(label, errs))


def print_worst(rows: list, n: int, id_width: int = 58) -> None:
    """The ``n`` largest errors: case, value, measured, predicted ("-" when not estimated), error."""
    print(f"\n# worst {n} values")
    for r in sorted(rows, key=lambda r: -r.error)[:n]:
        pred = "-" if r.predicted is None else f"{r.predicted:.5g}"
        print(f"{r.case_id:{id_width}s} {r.key:20s} {r.measured:11.5g} {pred:>11s} {100 * r.error:8.1f}%")


def print_worst_per_gpu(rows: list, by_id: dict, n: int, unit: str, id_width: int = 58) -> None:
    """The ``n`` largest errors of a cases file whose cases name their GPUs: case, measured and predicted
    ``unit`` per GPU ("-" when not estimated), error (``trtllm_validation``, ``training_validation``)."""
    print(f"\n# worst {n}: measured and predicted {unit} per GPU")
    for r in sorted(rows, key=lambda r: -r.error)[:n]:
        gpus = by_id[r.case_id]["cluster"]["gpus"]
        pred = "-" if r.predicted is None else f"{r.predicted / gpus:.0f}"
        print(f"{r.case_id:{id_width}s} {r.measured / gpus:9.0f} {pred:>9s} {100 * r.error:8.1f}%")


def cases_file(path: Path) -> list[dict]:
    """The cases of an ``ai-factory-estimate-cases/1`` file (``trtllm_validation``'s and ``mlperf_validation``'s)."""
    return json.loads(path.read_text(encoding="utf-8"))["cases"]


def scored_cases_file(argv: list[str] | None, description: str, default: Path) -> tuple[argparse.Namespace, list, list]:
    """A cases-file check's command line (``--cases``, ``--calibration``, ``--worst``), its cases and their
    rows scored with the committed factors or the ``--calibration`` file's (``trtllm_validation``,
    ``mlperf_validation``)."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--cases", type=Path, default=default)
    ap.add_argument("--calibration", type=Path, help="a calibration file instead of the committed one")
    ap.add_argument("--worst", type=int, default=15)
    args = ap.parse_args(argv)
    cases = cases_file(args.cases)
    data = cal.parse(json.loads(args.calibration.read_text(encoding="utf-8"))) if args.calibration else None
    return args, cases, score(cases, file_catalog(), data)


def assumption(out: dict, pattern: re.Pattern) -> re.Match | None:
    """The first of the estimate's assumption lines that ``pattern`` matches (its match), or None."""
    return next((m for a in out.get("assumptions", ()) if (m := pattern.search(a))), None)


def ttft_by_utilisation(cases: list[dict], outputs: list[dict], refs: set[tuple]) -> None:
    """The out-of-sample TTFTs by the estimate's prefill utilisation and serving mode (see the module doc)."""
    rows = []  # (serving, utilisation 0..1, predicted / measured)
    for c, out in zip(cases, outputs):
        measured = c["measured"].get("ttft_ms")
        line = assumption(out, UTILISATION_LINE)
        if not measured or not out.get("ttft_ms") or line is None or in_reference(c, refs):
            continue
        rows.append((c["config"]["serving"], int(line.group(1)) / 100, out["ttft_ms"] / measured))
    print("\n# TTFT by the estimate's prefill utilisation (out of sample)")
    print(f"{'serving':16s} {'utilisation':>12s} {'values':>6s} {'pred/meas':>10s} {'>50%':>5s}")
    for serving in sorted({r[0] for r in rows}):
        for lo, hi in UTILISATION_BANDS:
            ratios = [r for s, u, r in rows if s == serving and lo <= 100 * u < hi]
            if ratios:
                print(f"{serving:16s} {f'{lo}-{hi} %':>12s} {len(ratios):6d} {statistics.median(ratios):10.2f} "
                      f"{sum(1 for r in ratios if abs(r - 1) > 0.5):5d}")
    for k in (0.0, 0.5, 1.0, 2.0):
        over = sum(1 for _, u, r in rows if abs(r / ((1 - u) ** k if u < 0.85 else 1.0) - 1) > 0.5)
        print(f"stretched by 1/(1 - utilisation)^{k:g} below 0.85: {over} of {len(rows)} off by more than half")


def decoding_share(values: dict, concurrency: int) -> float:
    """Share of the clients decoding at once: output tok/s × TPOT ÷ clients (the rest wait for a first token).
    12,000 tok/s at 40 ms a token for 600 clients: 12,000 × 0.04 / 600 = 0.8."""
    return values["output_tokens_per_s"] * values["tpot_ms"] / 1000 / concurrency


def by_regime(cases: list[dict], outputs: list[dict], refs: set[tuple]) -> None:
    """The out-of-sample rows by serving mode, closed-loop regime and prefill utilisation (see the module doc)."""
    groups: dict[tuple, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for c, out in zip(cases, outputs):
        regime, rho = assumption(out, REGIME_LINE), assumption(out, UTILISATION_LINE)
        if in_reference(c, refs) or regime is None or rho is None or not out.get("tpot_ms"):
            continue
        band = next(f"{lo}-{hi} %" for lo, hi in REGIME_BANDS if lo <= int(rho.group(1)) < hi)
        g = groups[(c["config"]["serving"], regime.group(1), band)]
        for key in VALUES:
            if c["measured"].get(key) and out.get(key):
                g[key].append(out[key] / c["measured"][key])
        conc = c["workload"]["concurrency"]
        g["measured"].append(decoding_share(c["measured"], conc))
        g["estimated"].append(decoding_share(out, conc))
    print("\n# by closed-loop regime and prefill utilisation (out of sample): predicted / measured at the median;"
          " share of the clients decoding at once, measured and estimated")
    print(f"{'serving':14s} {'regime':36s} {'utilisation':>11s} {'rows':>5s} {'output':>7s} {'TPOT':>6s} "
          f"{'TTFT':>6s} {'decoding':>9s} {'(est.)':>7s}")
    for (serving, regime, band), g in sorted(groups.items()):
        med = {k: (f"{statistics.median(v):.2f}" if v else "-") for k, v in g.items()}
        print(f"{serving:14s} {regime:36s} {band:>11s} {len(g['measured']):5d} {med.get('output_tokens_per_s', '-'):>7s} "
              f"{med.get('tpot_ms', '-'):>6s} {med.get('ttft_ms', '-'):>6s} {med['measured']:>9s} {med['estimated']:>7s}")


#: Client counts ``--mtp-by-load`` groups the MTP rows by: at most this many (the last group: more, the regime
#: of ``specdec.large_batch_caution``).
MTP_LOADS = (16, CAUTION_SEQUENCES)


def mtp_by_load(cases: list[dict], outputs: list[dict], refs: set[tuple]) -> None:
    """The out-of-sample MTP rows' TPOT, predicted / measured, by engine, decode attention (TP or DP) and
    clients (``MTP_LOADS``): rows, median, lowest and highest."""
    groups: dict[tuple, list[float]] = defaultdict(list)
    for c, out in zip(cases, outputs):
        cf = c["config"]
        if cf["spec_decoding"] != "mtp" or in_reference(c, refs) or not out.get("tpot_ms"):
            continue
        decode = cf if cf["serving"] == "single-node" else cf["decode"]
        conc = c["workload"]["concurrency"]
        load = next((i for i, n in enumerate(MTP_LOADS) if conc <= n), len(MTP_LOADS))
        attention = "DP" if decode["dp_attention"] else "TP"
        groups[(c["_row"]["framework"], cf["serving"], attention, load)].append(out["tpot_ms"] / c["measured"]["tpot_ms"])
    labels = [f"<= {n}" for n in MTP_LOADS] + [f"> {MTP_LOADS[-1]}"]
    print("\n# MTP rows (out of sample): TPOT predicted / measured by engine, decode attention and clients")
    print(f"{'engine':14s} {'serving':14s} {'attention':>9s} {'clients':>8s} {'rows':>5s} {'median':>7s} {'range':>11s}")
    for (engine, serving, attention, load), ratios in sorted(groups.items()):
        print(f"{engine:14s} {serving:14s} {attention:>9s} {labels[load]:>8s} {len(ratios):5d} {statistics.median(ratios):7.2f} "
              f"{min(ratios):5.2f}–{max(ratios):.2f}")


#: A lone prompt: single-node rows at this many clients or fewer (``--ttft-by-prompt``).
FEW_CLIENTS = 8


def ttft_by_prompt(cases: list[dict], outputs: list[dict]) -> None:
    """TTFT at a few clients (``FEW_CLIENTS``), 1k against 8k prompts, where both were measured on the same
    system, engine, precision, layout (``layouts.config_label``, speculative decoding included) and clients
    (1k outputs, single node; reference rows included — this compares two lengths, it scores nothing):
    measured and estimated TTFT at each length and the ratio of the two slopes (measured 8k − 1k over estimated 8k − 1k). A slope ratio above 1 with the
    1k TTFT over-estimated says the estimate's fixed part of a lone prompt's TTFT is too long and its
    per-token part too short."""
    pairs: dict[tuple, dict[int, tuple[float, float]]] = defaultdict(dict)
    for c, out in zip(cases, outputs):
        w, cf = c["workload"], c["config"]
        if (cf["serving"] != "single-node" or w["concurrency"] > FEW_CLIENTS or w["output_tokens"] != 1024
                or w["input_tokens"] not in (1024, 8192) or not out.get("ttft_ms")):
            continue
        key = (c["cluster"]["system"], c["_row"]["framework"], w["precision"], config_label(cf), w["concurrency"])
        pairs[key][w["input_tokens"]] = (c["measured"]["ttft_ms"], out["ttft_ms"])
    print(f"\n# TTFT at {FEW_CLIENTS} clients or fewer, 1k against 8k prompts (ms, measured / estimated)")
    print(f"{'system':12s} {'engine':7s} {'prec':4s} {'layout':34s} {'clients':>7s} {'1k':>11s} "
          f"{'8k':>11s} {'slope ratio':>11s}")
    ratios = []
    for key, by_len in sorted(pairs.items()):
        if len(by_len) < 2:
            continue
        (m1, e1), (m8, e8) = by_len[1024], by_len[8192]
        ratios.append((m8 - m1) / (e8 - e1))
        print(f"{key[0]:12s} {key[1]:7s} {key[2]:4s} {key[3]:34s} {key[4]:7d} {m1:5.0f}/{e1:<5.0f} "
              f"{m8:5.0f}/{e8:<5.0f} {ratios[-1]:11.2f}")
    if ratios:
        print(f"slope ratio: median {statistics.median(ratios):.2f} over {len(ratios)} pairs "
              f"({min(ratios):.2f}–{max(ratios):.2f})")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=Path, default=ROWS)
    ap.add_argument("--calibration", type=Path, help="a calibration file instead of the committed one")
    ap.add_argument("--only", action="append", default=[], help="keep rows whose KEY equals VALUE "
                    "(keys: system, engine, precision, serving, spec)")
    ap.add_argument("--worst", type=int, default=25)
    ap.add_argument("--cases-out", type=Path, help="also write the cases (ai-factory-estimate-cases/1)")
    ap.add_argument("--ttft-by-utilisation", action="store_true",
                    help="also print the TTFTs by the estimate's prefill utilisation")
    ap.add_argument("--by-regime", action="store_true",
                    help="also print the rows by closed-loop regime and prefill utilisation")
    ap.add_argument("--ttft-by-prompt", action="store_true",
                    help="also print TTFT at a few clients, 1k against 8k prompts, and the ratio of the slopes")
    ap.add_argument("--resized-pools", action="store_true",
                    help="also estimate the disaggregated rows whose pool columns do not add up to the pool's "
                         "GPUs, as logged (reported apart)")
    ap.add_argument("--mtp-by-load", action="store_true",
                    help="also print the MTP rows' TPOT by engine, decode attention and clients")
    args = ap.parse_args(argv)
    cases, left_out = load_cases(args.rows, args.resized_pools)
    getters = {"system": lambda c: c["cluster"]["system"], "engine": lambda c: c["_row"]["framework"],
               "precision": lambda c: c["workload"]["precision"], "serving": lambda c: c["config"]["serving"],
               "spec": lambda c: c["config"]["spec_decoding"]}
    for flt in args.only:
        key, _, value = flt.partition("=")
        if key not in getters:
            ap.error(f"--only {flt}: KEY must be one of {', '.join(getters)}")
        cases = [c for c in cases if str(getters[key](c)) == value]
    blind = [{k: v for k, v in c.items() if k != "_row"} for c in cases]
    if args.cases_out:
        args.cases_out.write_text(json.dumps({"format": "ai-factory-estimate-cases/1", "cases": blind}, indent=1))
    catalog = file_catalog()
    data = cal.parse(json.loads(args.calibration.read_text(encoding="utf-8"))) if args.calibration else None
    rows = score(blind, catalog, data)
    by_id = {c["id"]: c for c in cases}
    refs = reference_keys()

    groups: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for r in rows:
        c = by_id[r.case_id]
        sample = ("pools resized (--resized-pools)" if c["_row"].get("resized") else
                  "in the reference file" if in_reference(c, refs) else "out of sample")
        groups["all"][sample].append(r.error)
        if sample == "out of sample":
            groups["value (out of sample)"][r.key].append(r.error)
            groups["family (out of sample)"][family_of(c, catalog)].append(r.error)
            groups["engine (out of sample)"][c["_row"]["framework"]].append(r.error)
            groups["serving (out of sample)"][f"{c['config']['serving']}, MTP {c['config']['spec_decoding']}"].append(
                r.error)
            groups["precision (out of sample)"][c["workload"]["precision"]].append(r.error)
    print(f"# {len(cases)} DeepSeek-R1 rows of {args.rows.name}; error = |predicted / measured - 1|")
    if left_out:
        print("# left out: " + "; ".join(f"{n} {why}" for why, n in sorted(left_out.items())))
    print_groups(groups)
    spread = engine_spread(cases)
    print("\n# engine spread: the same system, layout, lengths and concurrency measured with two engines")
    for key in VALUES:
        if spread.get(key):
            print(summary_line(f"{key} ({len(spread[key]) // 2} pairs)", spread[key]))
    if spread:
        print(summary_line("all", [e for v in spread.values() for e in v]))
        print("# the least error one estimate can have against both engines of a pair: (b - a) / (a + b)")
        for key in VALUES:
            if spread.get(key):
                print(summary_line(f"{key} floor ({len(spread[key]) // 2} pairs)", spread_floor(spread[key])))
    if args.ttft_by_utilisation or args.by_regime or args.ttft_by_prompt or args.mtp_by_load:
        outputs = estimate_cases(blind, catalog, calibration=data)
        if args.ttft_by_prompt:
            ttft_by_prompt(cases, outputs)
        if args.ttft_by_utilisation:
            ttft_by_utilisation(cases, outputs, refs)
        if args.by_regime:
            by_regime(cases, outputs, refs)
        if args.mtp_by_load:
            mtp_by_load(cases, outputs, refs)
    if args.worst:
        print_worst(rows, args.worst)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
