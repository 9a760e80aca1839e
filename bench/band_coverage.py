"""How many published results lie inside the confidence band their estimate states — a check, not a fit.

    .venv/bin/python bench/band_coverage.py

Each estimate carries a band (``confidence.band``: low and high multipliers and a label). For the four
published sets the estimator is checked against — every DeepSeek-R1 row of the InferenceX capture
(``bench/inferencex_validation.py``), MLPerf Inference v6.0 (``bench/mlperf_validation.py``), TensorRT-LLM's
throughput table (``bench/trtllm_validation.py``) and Megatron-Bridge's pre-training figures
(``bench/training_validation.py``) — prints, per scenario and band
label, how many measured throughputs fall within [low, high] × the estimate. A band that says 80 % should
hold about 80 % or more; the rest is what it says it leaves out. About 5 s.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import inferencex_validation, mlperf_validation, training_validation, trtllm_validation  # noqa: E402
from catalog.datafiles import file_catalog  # noqa: E402
from studio.domain.perf.cases import estimate_cases  # noqa: E402


def published_sets() -> dict[str, list[dict]]:
    """The four published sets as estimate cases (the capture's bookkeeping ``_row`` dropped)."""
    capture, _ = inferencex_validation.load_cases()
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


def main(argv: list[str] | None = None) -> int:
    catalog = file_catalog()
    print(f"{'published set':34s} {'scenario':12s} {'band':7s} {'inside':>7s} {'of':>5s} {'share':>6s}")
    for name, cases in published_sets().items():
        total, inside = coverage(cases, estimate_cases(cases, catalog))
        for group in sorted(total):
            print(f"{name:34s} {group[0]:12s} {group[1]:7s} {inside[group]:7d} {total[group]:5d} "
                  f"{inside[group] / total[group]:6.0%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
