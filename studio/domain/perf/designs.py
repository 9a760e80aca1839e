"""Estimate a design's workloads on the systems placed in its racks.

Systems are counted from the racks: a device that is a catalog ``System`` counts once per
placement; a rack whose model is a rack-scale system (GB200/GB300 NVL72) counts as one system.
Each workload runs on all GPUs of each system type the design holds (one result per type).
Every result line carries the design's compute fabric (``design.fabrics["compute"]``) sized by the
one sizer for all the systems in the racks (``studio.domain.fabric.design_compute_fabric``): the
same leaf/spine/core as ``validate``'s totals, inference and training lines alike.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Callable

from studio.domain.catalog import Catalog, System
from studio.domain.design import Design, Workload
from studio.domain.fabric import FabricError, FabricSize, design_compute_fabric

from . import calibration as cal
from .cases import hardware_for, inference_output, run_inference, run_training, training_output
from .cost import CostInputs
from .errors import EstimateError
from .results import InferenceEstimate, TrainingEstimate

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class WorkloadResult:
    id: str
    workload: Workload
    system: str | None
    gpus: int
    inference: InferenceEstimate | None = None
    training: TrainingEstimate | None = None
    fabric: FabricSize | None = None
    error: str | None = None

    def output(self) -> dict:
        """The ``estimate`` command's line for this result."""
        if self.error:
            return {"id": self.id, "error": self.error}
        out: dict = {"id": self.id, "system": self.system, "gpus": self.gpus}
        if self.inference:
            out.update(inference_output(self.inference))
        if self.training:
            out.update(training_output(self.training))
        if self.fabric:
            out["fabric"] = self.fabric.contract_dict() | {"tiers": self.fabric.tiers}
        return out


@dataclass(frozen=True)
class DesignEstimate:
    design: str
    systems: dict[str, int]
    results: tuple[WorkloadResult, ...] = field(default=())

    @property
    def has_errors(self) -> bool:
        return any(r.error for r in self.results)

    def lines(self) -> list[dict]:
        return [r.output() for r in self.results]


def count_systems(design: Design, catalog: Catalog) -> dict[str, int]:
    """Systems by slug: ``{"dgx-h100": 2}`` for one rack holding two DGX H100 (U 1 and 9)."""
    counts: Counter[str] = Counter()
    for rack in design.racks:
        if rack.model in catalog and isinstance(catalog.get(rack.model), System):
            counts[rack.model] += 1
        for device in rack.devices:
            if device.model in catalog and isinstance(catalog.get(device.model), System):
                counts[device.model] += 1
    return dict(counts)


def _workload_dict(w: Workload) -> dict:
    return {k: v for k, v in vars(w).items() if v is not None}


def estimate_design(design: Design, catalog: Catalog, progress: Progress | None = None,
                    calibration: cal.CalibrationData | None = None) -> DesignEstimate:
    """Every workload of ``design`` on every system type in its racks.

    ``progress(done, total, message)`` is called after each estimate (for job progress bars).
    """
    systems = count_systems(design, catalog)
    site = design.site
    inputs = CostInputs(electricity_usd_per_kwh=site.electricity_usd_per_kwh, pue=site.pue)
    try:
        fabric = design_compute_fabric(design, catalog)
        fabric_error = None
    except FabricError as exc:
        fabric, fabric_error = None, str(exc)
    jobs = [(i, w, slug, n) for i, w in enumerate(design.workloads) for slug, n in sorted(systems.items())]
    results: list[WorkloadResult] = []
    for i, w in enumerate(design.workloads):
        if not systems:
            results.append(WorkloadResult(_id(w, i, None, 1), w, None, 0, error="the design holds no systems to run on"))
    total = len(jobs)
    for done, (i, w, slug, count) in enumerate(jobs, start=1):
        rid = _id(w, i, slug, len(systems))
        try:
            hw = hardware_for(catalog, slug)
            gpus = count * hw.gpus_per_system
            if fabric_error:
                raise EstimateError(f"compute fabric: {fabric_error}")
            inf = tr = None
            if w.kind == "inference":
                inf = run_inference(_workload_dict(w), hw, gpus, catalog, inputs, calibration)
            elif w.kind == "training":
                tr = run_training(_workload_dict(w), hw, gpus, catalog, inputs, calibration)
            elif w.kind == "fabric" and fabric is None:
                raise EstimateError("a fabric workload needs a compute fabric in the design")
            results.append(WorkloadResult(rid, w, slug, gpus, inf, tr, fabric))
        except (EstimateError, KeyError) as exc:
            results.append(WorkloadResult(rid, w, slug, 0, error=str(exc).strip("'\"")))
        if progress:
            progress(done, total, f"{rid} on {count} × {slug}")
    return DesignEstimate(design.name, systems, tuple(results))


def _id(w: Workload, index: int, slug: str | None, types: int) -> str:
    base = w.name or f"workload-{index + 1}"
    return f"{base}@{slug}" if slug and types > 1 else base


__all__ = ["DesignEstimate", "WorkloadResult", "count_systems", "estimate_design"]
