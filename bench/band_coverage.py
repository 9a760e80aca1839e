"""How many published results lie inside the confidence band their estimate states — a check, not a fit.

    .venv/bin/python bench/band_coverage.py

Each estimate carries a band (``confidence.band``: low and high multipliers and a label). For the four
published sets the estimator is checked against — every DeepSeek-R1 row of the InferenceX capture
(``bench/inferencex_validation.py``), MLPerf Inference v6.0 (``bench/mlperf_validation.py``), TensorRT-LLM's
throughput table (``bench/trtllm_validation.py``) and Megatron-Bridge's pre-training figures
(``bench/training_validation.py``) — prints, per scenario and band
label, how many measured throughputs fall within [low, high] × the estimate. A band that says 80 % should
hold about 80 % or more; the rest is what it says it leaves out. The capture's rows that are cases of the
reference file (fitted) are left out.

Then the same for time to first token and time per output token (``confidence.latency_band``): per band
regime and serving mode, the range of measured ÷ estimated that holds 80 % of the values (``middle_range``) —
the range ``confidence.LATENCY_SPREAD`` states, rounded outward — its median, and how many measured values fall
inside the band each estimate states. About 5 s.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import inferencex_validation, mlperf_validation, training_validation, trtllm_validation  # noqa: E402
from catalog.datafiles import file_catalog  # noqa: E402
from studio.domain.perf.accuracy import percentile  # noqa: E402
from studio.domain.perf.cases import estimate_cases  # noqa: E402
from studio.domain.perf.confidence import LATENCY_VALUES  # noqa: E402

#: A measured latency's key in a case (``ttft_ms``) and the name of its band in an estimate's ``confidence``.
LATENCY_KEYS = {f"{name}_ms": name for name in LATENCY_VALUES}


def published_sets() -> dict[str, list[dict]]:
    """The four published sets as estimate cases (the capture's out-of-sample rows, bookkeeping ``_row``
    dropped)."""
    capture, _ = inferencex_validation.load_cases()
    refs = inferencex_validation.reference_keys()
    capture = [c for c in capture if not inferencex_validation.in_reference(c, refs)]
    return {"InferenceX capture (DeepSeek-R1)": [{k: v for k, v in c.items() if k != "_row"} for c in capture],
            "MLPerf Inference v6.0": mlperf_validation.load_cases(),
            "TensorRT-LLM throughput table": trtllm_validation.load_cases(),
            "Megatron-Bridge pre-training": training_validation.load_cases()}


def coverage(cases: list[dict], outputs: list[dict]) -> tuple[Counter, Counter]:
    """(estimates, measured throughputs inside the band) per (scenario, band label)."""
    total, inside = Counter(), Counter()
    for case, out in zip(cases, outputs):
        key = "tokens_per_s" if case["workload"]["kind"] == "training" else "output_tokens_per_s"
        measured, band = case["measured"].get(key), out.get("confidence")
        if not measured or not band or not out.get(key):
            continue
        group = (case["workload"].get("scenario", "training"), band["band"])
        total[group] += 1
        inside[group] += band["low"] <= measured / out[key] <= band["high"]
    return total, inside


def latency_group(case: dict, out: dict) -> str | None:
    """The latency band an estimate reads (``confidence.latency_key``), in words: a closed loop on one node or
    disaggregated (the estimate's own layout), or an open load under p99 limits; None for the rest."""
    w = case["workload"]
    if w.get("scenario") == "concurrency":
        return f"closed loop, {(out.get('layout') or {}).get('serving', 'single-node')}"
    if w.get("ttft_p99_limit_ms") is not None or w.get("tpot_p99_limit_ms") is not None:
        return "under p99 limits"
    return None


def latency_coverage(cases: list[dict], outputs: list[dict]) -> dict[tuple[str, str], list[tuple[float, bool]]]:
    """Per (latency group, value): each published value's measured ÷ estimated and whether it lies inside the
    band its estimate states (``confidence.ttft`` / ``confidence.tpot`` of the output)."""
    found: dict[tuple[str, str], list[tuple[float, bool]]] = {}
    for case, out in zip(cases, outputs):
        group = latency_group(case, out)
        for key, name in LATENCY_KEYS.items():
            measured, band = case["measured"].get(key), (out.get("confidence") or {}).get(name)
            if group is None or not measured or not out.get(key) or not band:
                continue
            ratio = measured / out[key]
            found.setdefault((group, name), []).append((ratio, band["low"] <= ratio <= band["high"]))
    return found


def main(argv: list[str] | None = None) -> int:
    catalog = file_catalog()
    latency: dict[tuple[str, str], list[tuple[float, bool]]] = {}
    print(f"{'published set':34s} {'scenario':12s} {'band':7s} {'inside':>7s} {'of':>5s} {'share':>6s}")
    for name, cases in published_sets().items():
        outputs = estimate_cases(cases, catalog)
        total, inside = coverage(cases, outputs)
        for group in sorted(total):
            print(f"{name:34s} {group[0]:12s} {group[1]:7s} {inside[group]:7d} {total[group]:5d} "
                  f"{inside[group] / total[group]:6.0%}")
        for group, values in latency_coverage(cases, outputs).items():
            latency.setdefault(group, []).extend(values)
    print(f"\n{'latency (measured / estimated)':34s} {'value':5s} {'low':>7s} {'median':>7s} {'high':>7s} "
          f"{'inside':>7s} {'of':>5s} {'share':>6s}")
    for (group, name), values in sorted(latency.items()):
        ratios = [r for r, _ in values]
        low, high = middle_range(ratios)
        inside = sum(1 for _, ok in values if ok)
        print(f"{group:34s} {name:5s} {low:7.4f} {percentile(ratios, 0.5):7.4f} {high:7.4f} "
              f"{inside:7d} {len(values):5d} {inside / len(values):6.0%}")
    return 0


def middle_range(ratios: list[float]) -> tuple[float, float]:
    """The range of ``ratios`` with the ⌊n/10⌋ lowest and the ⌊n/10⌋ highest left out: at least 80 % of them
    lie inside it (an interpolated p10–p90 can hold fewer in a small set). 24 values: the 3rd to the 22nd,
    20 of 24 (83 %)."""
    xs = sorted(ratios)
    cut = len(xs) // 10
    return xs[cut], xs[len(xs) - 1 - cut]


if __name__ == "__main__":
    raise SystemExit(main())
