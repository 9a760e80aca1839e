"""The performance estimator (pure Python): first-principles model + a few calibrated factors.

Public entry points (plain dataclasses in and out; see each module's docstring):

* ``estimate_design(design, catalog, progress=None) -> DesignEstimate`` — a design's workloads
  on its racks' systems (``designs.py``).
* ``estimate_case(case, catalog) -> dict`` / ``estimate_cases(cases, catalog, progress=None)`` —
  the ``ai-factory-estimate-cases/1`` contract (``cases.py``).
* ``estimate_workload(workload, system_slug, gpus, catalog, ...) -> InferenceEstimate |
  TrainingEstimate`` — one ``design.Workload`` on ``gpus`` GPUs of a system.
* ``design_scaling_path(design, catalog, workload, system_slug, ...) -> ScalingPath`` and
  ``scale_design(design, catalog)`` — a design's own racks grown on validation's maximum-power basis
  (the estimates page and ``manage.py scaling``; ``design_scaling.py``).
* ``scaling_path(system_slug, workload, catalog, site=None, fabric=None, max_gpus=None,
  progress=None) -> ScalingPath`` and ``smallest_build(...)`` — one system type, "what if"
  (``scaling.py``).
* ``size_fabric(system, nodes, switch, topology, oversubscription) -> FabricEstimate``: the one
  sizer of ``studio.domain.fabric`` (``size_system_fabric``), re-exported.
* ``PRESETS`` / ``preset_workload(slug, model)`` (``presets.py``).
Errors: ``EstimateError`` with a message for the user.
"""

from __future__ import annotations

from studio.domain.catalog import Catalog
from studio.domain.design import Workload
from studio.domain.fabric import size_system_fabric as size_fabric

from .cases import estimate_case, estimate_cases, hardware_for, run_inference, run_training
from .cost import CostInputs
from .design_scaling import design_scaling_path, scale_design
from .designs import DesignEstimate, WorkloadResult, count_systems, estimate_design
from .errors import EstimateError
from .presets import PRESETS, Preset, preset_workload
from .results import Band, FabricEstimate, InferenceEstimate, TimeBreakdown, TrainingEstimate, TrainingLayout
from .scaling import ScalingPath, ScalingStep, scaling_path, smallest_build


def estimate_workload(workload: Workload, system_slug: str, gpus: int, catalog: Catalog,
                      cost_inputs: CostInputs = CostInputs()) -> InferenceEstimate | TrainingEstimate:
    """One workload on ``gpus`` GPUs of ``system_slug``."""
    hw = hardware_for(catalog, system_slug)
    wl = {k: v for k, v in vars(workload).items() if v is not None}
    if workload.kind == "inference":
        return run_inference(wl, hw, gpus, catalog, cost_inputs)
    if workload.kind == "training":
        return run_training(wl, hw, gpus, catalog, cost_inputs)
    raise EstimateError(f"workload kind '{workload.kind}' has no performance estimate (use size_fabric)")


__all__ = [
    "Band", "CostInputs", "DesignEstimate", "EstimateError", "FabricEstimate", "InferenceEstimate", "PRESETS",
    "Preset", "ScalingPath", "ScalingStep", "TimeBreakdown", "TrainingEstimate", "TrainingLayout", "WorkloadResult",
    "count_systems", "design_scaling_path", "estimate_case", "estimate_cases", "estimate_design", "estimate_workload",
    "preset_workload", "scale_design",
    "scaling_path", "size_fabric", "smallest_build",
]
