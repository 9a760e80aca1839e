"""The few named efficiency factors, per accelerator family × precision × regime.

They are fitted by ``bench/calibrate.py`` to ``bench/data/calibration.json`` and committed in
``calibration_data.json`` next to this module; each value carries a ``note`` saying where it came
from. Lookup order for a (family, precision): the exact fitted value; the family's lineage parent
(``blackwell-ultra`` → ``blackwell``, ``cdna4`` → ``cdna3``); the same family at another
precision; then the cross-family default for that precision. ``Factors.anchored_*`` tells the
confidence band whether a measured point of the same family and regime stood behind the value.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

DATA_FILE = Path(__file__).resolve().parent / "calibration_data.json"
FORMAT = "ai-factory-perf-calibration/1"

#: Families that inherit a parent's factors when they have none of their own [M: same
#: tensor-core generation / same software stack].
LINEAGE = {"blackwell-ultra": "blackwell", "cdna4": "cdna3", "ampere": "hopper"}
#: AMD Instinct families: their HBM efficiency is the global one × ``cdna_hbm_ratio`` (eight HBM stacks
#: behind chiplet NUMA domains and ROCm's kernels reach a smaller share of the spec-sheet bandwidth in
#: decode; fitted, prior 1 = no difference).
CDNA_FAMILIES = ("cdna3", "cdna4")

#: Values used before any calibration is written (physics-only priors, performance.md §1:
#: HBM 0.8 (AIConfigurator), GEMM 0.5–0.7 (llm-analysis), training MFU ceiling 0.5; the MoE
#: all-to-all's fixed cost per phase 20 µs: a kernel launch, the token count exchange and the
#: cross-rank barrier, each a few µs on NVLink; 3 µs per kernel (AIConfigurator); an API request's
#: HTTP, tokenising and first-token return 20 ms, the disaggregated path's router hop and KV-transfer
#: handshake 100 ms, an eager prefill's dispatch 30 µs per counted kernel (a few framework ops of ~10 µs
#: each) [M]).
PRIORS: dict[str, float] = {
    "hbm_efficiency": 0.8,
    "kernel_overhead_s": 3e-6,
    "step_overhead_s": 2e-3,
    "moe_gemm_ratio": 0.6,
    "prefill_fixed_s": 0.02,
    "disagg_fixed_s": 0.1,
    "prefill_kernel_overhead_s": 30e-6,
    "moe_all_to_all_overhead_s": 20e-6,
    "cdna_hbm_ratio": 1.0,
    "inference_gemm_efficiency": 0.55,
    "training_gemm_efficiency": 0.5,
}


@dataclass(frozen=True)
class Factors:
    """Efficiency factors for one (family, precision); fractions of the catalog peak."""

    family: str
    precision: str
    inference_gemm_efficiency: float
    training_gemm_efficiency: float
    hbm_efficiency: float
    kernel_overhead_s: float
    step_overhead_s: float
    moe_gemm_ratio: float
    prefill_fixed_s: float
    disagg_fixed_s: float = 0.0
    prefill_kernel_overhead_s: float = 0.0
    moe_all_to_all_overhead_s: float = 0.0
    anchored_inference: bool = False
    anchored_training: bool = False
    notes: tuple[str, ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class CalibrationData:
    """The parsed calibration file: global factors and per-family, per-precision ones."""

    global_factors: dict[str, float]
    per_family: dict[str, dict[str, dict[str, float]]]  # factor -> family -> precision -> value
    notes: dict[str, str]

    def factors_for(self, family: str, precision: str) -> Factors:
        g = {**PRIORS, **self.global_factors}
        values: dict[str, float] = {}
        anchored: dict[str, bool] = {}
        notes: list[str] = []
        for name in ("inference_gemm_efficiency", "training_gemm_efficiency"):
            value, how = self._lookup(name, family, precision)
            values[name] = value if value is not None else g[name]
            anchored[name] = how == "exact"
            notes.append(f"{name} {values[name]:.3f} ({how or 'prior'} for {family}/{precision})")
        return Factors(
            family=family, precision=precision,
            inference_gemm_efficiency=values["inference_gemm_efficiency"],
            training_gemm_efficiency=values["training_gemm_efficiency"],
            hbm_efficiency=g["hbm_efficiency"] * (g["cdna_hbm_ratio"] if family in CDNA_FAMILIES else 1.0),
            kernel_overhead_s=g["kernel_overhead_s"],
            step_overhead_s=g["step_overhead_s"], moe_gemm_ratio=g["moe_gemm_ratio"],
            prefill_fixed_s=g["prefill_fixed_s"], disagg_fixed_s=g["disagg_fixed_s"],
            prefill_kernel_overhead_s=g["prefill_kernel_overhead_s"], moe_all_to_all_overhead_s=g["moe_all_to_all_overhead_s"],
            anchored_inference=anchored["inference_gemm_efficiency"],
            anchored_training=anchored["training_gemm_efficiency"],
            notes=tuple(notes),
        )

    def _lookup(self, name: str, family: str, precision: str) -> tuple[float | None, str]:
        table = self.per_family.get(name, {})
        chain = [family]
        while chain[-1] in LINEAGE and LINEAGE[chain[-1]] not in chain:
            chain.append(LINEAGE[chain[-1]])
        for i, fam in enumerate(chain):
            if precision in table.get(fam, {}):
                return table[fam][precision], "exact" if i == 0 else f"from {fam}"
        for fam in chain:
            if table.get(fam):
                # same family, other precision: the nearest format's value
                other = sorted(table[fam].items())[0]
                return other[1], f"{fam} at {other[0]}"
        default = table.get("default", {}).get(precision)
        if default is not None:
            return default, "cross-family default"
        return None, ""

    def with_overrides(self, **global_overrides: float) -> "CalibrationData":
        return replace(self, global_factors={**self.global_factors, **global_overrides})


def parse(data: dict[str, Any]) -> CalibrationData:
    """Read the committed JSON shape: ``{"format", "global": {name: {"value", "note"}},
    "families": {factor: {family: {precision: {"value", "note"}}}}}``."""
    if data.get("format") != FORMAT:
        raise ValueError(f"calibration file: expected format {FORMAT!r}")
    global_factors = {k: float(v["value"]) for k, v in data.get("global", {}).items()}
    per_family: dict[str, dict[str, dict[str, float]]] = {}
    notes = {f"global.{k}": v.get("note", "") for k, v in data.get("global", {}).items()}
    for name, families in data.get("families", {}).items():
        for fam, precisions in families.items():
            for prec, entry in precisions.items():
                per_family.setdefault(name, {}).setdefault(fam, {})[prec] = float(entry["value"])
                notes[f"{name}.{fam}.{prec}"] = entry.get("note", "")
    return CalibrationData(global_factors, per_family, notes)


@lru_cache(maxsize=1)
def load() -> CalibrationData:
    """The committed calibration; priors alone when the file is missing (fresh generation)."""
    if not DATA_FILE.exists():
        return CalibrationData({}, {}, {})
    return parse(json.loads(DATA_FILE.read_text(encoding="utf-8")))
