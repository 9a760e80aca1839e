"""Accuracy of the estimator against measured cases: |predicted / measured − 1| per value.

``score(cases, catalog)`` estimates every case (``measured`` is hidden from the estimator: the
case is copied without it) and compares each measured value; fabric counts must be exact.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable

from studio.domain.catalog import Catalog

from . import calibration as cal
from .cases import estimate_cases

VALUE_KEYS = ("output_tokens_per_s", "ttft_ms", "tpot_ms", "tokens_per_joule", "usd_per_million_tokens",
              "tokens_per_s", "mfu", "step_time_s", "time_to_train_s")
FABRIC_KEYS = ("leaf", "spine", "core", "cables", "transceivers")


@dataclass(frozen=True)
class Row:
    case_id: str
    key: str
    measured: float
    predicted: float | None
    error: float  # |pred/measured − 1|; inf when the case failed

    @property
    def is_fabric(self) -> bool:
        return self.key.startswith("fabric.")


@dataclass(frozen=True)
class Summary:
    values: int
    median: float
    p90: float
    fabric_exact: int
    fabric_total: int


def percentile(values: list[float], q: float) -> float:
    """Linear-interpolated percentile (q in 0..1) of ``values``; NaN for an empty list."""
    if not values:
        return math.nan
    xs = sorted(values)
    pos = (len(xs) - 1) * q
    lo, hi = math.floor(pos), math.ceil(pos)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def compare(case: dict, output: dict) -> list[Row]:
    measured = case.get("measured") or {}
    rows = []
    cid = str(case.get("id"))
    for key in VALUE_KEYS:
        if key in measured:
            pred = output.get(key)
            err = abs(pred / measured[key] - 1) if isinstance(pred, (int, float)) and measured[key] else math.inf
            rows.append(Row(cid, key, float(measured[key]), pred, err))
    for key, value in (measured.get("fabric") or {}).items():
        pred = (output.get("fabric") or {}).get(key)
        err = abs(pred / value - 1) if isinstance(pred, (int, float)) and value else (0.0 if pred == value else math.inf)
        rows.append(Row(cid, f"fabric.{key}", float(value), pred, err))
    return rows


def score(cases: Iterable[dict], catalog: Catalog, calibration: cal.CalibrationData | None = None) -> list[Row]:
    cases = list(cases)
    blind = [{k: v for k, v in c.items() if k != "measured"} for c in cases]
    outputs = estimate_cases(blind, catalog, calibration=calibration)
    rows: list[Row] = []
    for case, out in zip(cases, outputs):
        rows.extend(compare(case, out))
    return rows


def summarize(rows: list[Row]) -> Summary:
    values = [r.error for r in rows if not r.is_fabric]
    fabric = [r for r in rows if r.is_fabric]
    return Summary(len(values), percentile(values, 0.5), percentile(values, 0.9),
                   sum(1 for r in fabric if r.predicted == r.measured), len(fabric))
