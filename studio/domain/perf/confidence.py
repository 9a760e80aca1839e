"""Confidence bands: narrow where a measured point of the same family and regime calibrated
the factors, wide where the estimate leans on another family's or the cross-family default.

Widths follow the accuracy the literature reports for calibrated analytical models (Calculon
3.7 % avg / 8.9 % max, llm-analysis −5.6…+9.5 %) and for uncalibrated rooflines (≈2×), see
performance.md §0–1; our own leave-one-out check is in docs/accuracy.md.
"""

from __future__ import annotations

from .results import Band

NARROW = {"inference": 0.15, "training": 0.12, "latency": 0.25}
WIDE = {"inference": 0.40, "training": 0.35, "latency": 0.50}


def band(anchored: bool, regime: str, family: str, precision: str) -> Band:
    """±15 % (inference throughput), ±12 % (training), ±25 % (latency at an operating point)
    when anchored; ±40 % / ±35 % / ±50 % otherwise."""
    width = (NARROW if anchored else WIDE)[regime]
    if anchored:
        reason = f"calibrated on measured {family} {precision} {regime} results"
    else:
        reason = f"no measured {family} {precision} {regime} result: factors borrowed from a related family or the default"
    return Band(low=1 - width, high=1 + width, label="narrow" if anchored else "wide", reason=reason)
