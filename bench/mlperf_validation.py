"""The estimator against MLPerf Inference v6.0's DeepSeek-R1 and gpt-oss-120b results — offline fitted, the rest a check.

    .venv/bin/python bench/mlperf_validation.py [--cases FILE.json] [--calibration FILE.json] [--worst N]

``bench/data/mlperf-v60-reasoning.json`` holds every closed-division MLPerf Inference v6.0 result (February
2026) for DeepSeek-R1 and gpt-oss-120b that the public results repository gives with a system this
catalog knows: 67 results of 13 submitters on B200, B300, GB200, GB300, H200 and MI355X, each an
``ai-factory-estimate-cases/1`` case (provenance and how each field was read in ``bench/data/README.md``):

* the scenario as MLPerf runs it: ``offline`` (every query at once), ``server`` (Poisson arrivals with p99
  limits: DeepSeek-R1 TTFT 2 s and TPOT 80 ms, gpt-oss 3 s and 80 ms) or ``interactive`` (1.5 s / 15 ms and
  2 s / 15 ms);
* the datasets' mean prompt (DeepSeek-R1 804 tokens, gpt-oss 5,011) and the run's own mean output
  (its output tokens per second over its completed queries per second);
* ``measured``: the run's output tokens per second and, for server and interactive, its mean TTFT and
  TPOT; ``published``: its p99s and target load, which the estimate does not read;
* ``config`` only where the submission's own configuration file gives the layout (10 results); the rest
  are searched, as a user's workload would be.

The 32 offline results are fitted (``bench/calibrate.py``, weight 0.5, ``calibrate.extra_sources``): every
query is queued at once, so they measure throughput alone, on more GPU families than the reference files.
The 35 server and interactive results — their throughput at the limits, TTFT and TPOT — are not fitted.
The check reads apart from the InferenceX capture in three ways: open Poisson
arrivals with p99 limits (the capture is closed loops of clients), variable prompt and output lengths, and
submitters who choose their own load — a server result below the hardware's capacity is the submitter's
choice of target, not the machine's. So the table also gives the server and interactive results whose p99
TTFT or TPOT reached 90 % of its limit (``at the limits``: the load was pushed as far as the limits allow,
which is what the estimate computes) apart from the rest, and each system's best throughput per GPU
(``best per system``). About 5 s.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.inferencex_validation import cases_file, print_groups, print_worst, scored_cases_file, summary_line  # noqa: E402
from studio.domain.perf.fitting import DEFAULT_EMPHASIS  # noqa: E402

CASES = ROOT / "bench" / "data" / "mlperf-v60-reasoning.json"
#: A p99 at this share of its limit or above: the submitter pushed the load to the limits [M].
AT_LIMIT_SHARE = 0.9


def load_cases(path: Path = CASES) -> list[dict]:
    return cases_file(path)


def at_limits(case: dict) -> bool:
    """Whether a server or interactive result's published p99 TTFT or TPOT reached ``AT_LIMIT_SHARE`` of its
    limit. 77.9 ms against 80 ms: yes; 54.4 ms against 80 ms and 737 ms against 2 s: no."""
    w, pub = case["workload"], case.get("published", {})
    pairs = ((pub.get("ttft_p99_ms"), w.get("ttft_p99_limit_ms")), (pub.get("tpot_p99_ms"), w.get("tpot_p99_limit_ms")))
    return any(p is not None and lim and p >= AT_LIMIT_SHARE * lim for p, lim in pairs)


def best_per_system(cases: list[dict]) -> set[str]:
    """Ids of the results with the highest measured output per GPU of their model, scenario and system."""
    best: dict[tuple, dict] = {}
    for c in cases:
        key = (c["workload"]["model"], c["workload"]["scenario"], c["cluster"]["system"])
        per_gpu = c["measured"]["output_tokens_per_s"] / c["cluster"]["gpus"]
        if key not in best or per_gpu > best[key]["measured"]["output_tokens_per_s"] / best[key]["cluster"]["gpus"]:
            best[key] = c
    return {c["id"] for c in best.values()}


def submitter_spread(cases: list[dict]) -> dict[str, list[float]]:
    """|a/b − 1| and |b/a − 1| per value (output per GPU, TTFT, TPOT) for every two server or interactive results
    of one model, scenario and system from different submitters: how far one submitter's result is from
    another's on the same hardware and benchmark (a floor for any estimate told the system and the workload
    and not the submitter's engine settings and target load). Offline, fitted, is left out."""
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for c in cases:
        w = c["workload"]
        if w["scenario"] != "offline":
            groups[(w["model"], w["scenario"], c["cluster"]["system"])].append(c)
    out: dict[str, list[float]] = defaultdict(list)
    for results in groups.values():
        for i, a in enumerate(results):
            for b in results[i + 1:]:
                for key in ("output_tokens_per_s", "ttft_ms", "tpot_ms"):
                    x, y = a["measured"].get(key), b["measured"].get(key)
                    if x and y:
                        if key == "output_tokens_per_s":  # per GPU: submitters run different GPU counts
                            x, y = x / a["cluster"]["gpus"], y / b["cluster"]["gpus"]
                        out[key] += [abs(x / y - 1), abs(y / x - 1)]
    return out


def groups_of(cases: list[dict], rows: list) -> dict[str, dict[str, list[float]]]:
    by_id = {c["id"]: c for c in cases}
    best = best_per_system(cases)
    groups: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for r in rows:
        c = by_id[r.case_id]
        w, sc = c["workload"], c["workload"]["scenario"]
        groups["all"]["all"].append(r.error)
        groups["value"][r.key].append(r.error)
        groups["model and scenario"][f"{w['model']} {sc}"].append(r.error)
        groups["system"][c["cluster"]["system"]].append(r.error)
        groups["layout"]["given (config)" if "config" in c else "searched"].append(r.error)
        if sc != "offline":
            groups["load (server, interactive)"]["at the limits" if at_limits(c) else "below the limits"].append(r.error)
        if r.key == "output_tokens_per_s":
            groups["throughput"]["best per system" if r.case_id in best else "other submitters"].append(r.error)
    return groups


def main(argv: list[str] | None = None) -> int:
    args, cases, rows = scored_cases_file(argv, __doc__.split("\n")[0], CASES)
    print(f"# {len(cases)} MLPerf Inference v6.0 results of {args.cases.name} ({len(rows)} values; the offline "
          f"ones fitted at weight {DEFAULT_EMPHASIS[CASES.name]:g}, the rest out of sample); "
          "error = |predicted / measured - 1|")
    print_groups(groups_of(cases, rows))
    spread = submitter_spread(cases)
    print("\n# submitter spread: server and interactive results of one model, scenario and system by two submitters")
    for key in ("output_tokens_per_s", "ttft_ms", "tpot_ms"):
        if spread.get(key):
            print(summary_line(f"{key} ({len(spread[key]) // 2} pairs)", spread[key]))
    if spread:
        print(summary_line("all", [e for v in spread.values() for e in v]))
    print("\n# predicted / measured per result: output, TTFT, TPOT")
    by_case: dict[str, dict[str, float]] = defaultdict(dict)
    for r in rows:
        by_case[r.case_id][r.key] = r.predicted / r.measured if r.predicted else float("nan")
    for c in cases:
        ratios = by_case[c["id"]]
        cells = [f"{ratios[k]:6.2f}" if k in ratios else "     -" for k in ("output_tokens_per_s", "ttft_ms", "tpot_ms")]
        per_gpu = c["measured"]["output_tokens_per_s"] / c["cluster"]["gpus"]
        print(f"{c['id']:78s} {per_gpu:8.0f} tok/s/GPU  " + " ".join(cells))
    if args.worst:
        print_worst(rows, args.worst, id_width=78)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
