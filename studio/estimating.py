"""The work behind a design's estimate job: the design's workloads on its systems, latency under
load, and the scaling path with its walls. Pure orchestration over ``studio.domain.perf``; the
result is plain JSON stored on the job row and rendered by the estimate page."""

from __future__ import annotations

from dataclasses import asdict
from typing import Callable

from catalog.source import get_catalog
from studio.domain import perf
from studio.domain.design import Design, Workload
from studio.domain.fabric import design_systems
from studio.domain.perf.cases import hardware_for, run_inference
from studio.domain.perf.cost import CostInputs
from studio.domain.perf.design_scaling import design_scaling_path, path_dict, rack_power_budget_w, scale_design
from studio.domain.perf.scaling import systems_per_rack
from studio.domain.phases import as_of_phase, phases_of

from .services import design_to_domain, designs_with_content

Progress = Callable[..., None]
CONCURRENCY_SWEEP = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512)  # in-flight requests per replica group


def workload_label(workload: Workload, fallback: str) -> str:
    """What a workload is called on the page: its name, else its preset and model, else kind and model."""
    if workload.name:
        return workload.name
    preset = perf.PRESETS.get(workload.preset or "")
    base = preset.label if preset else workload.kind.capitalize()
    return f"{base} · {workload.model}" if workload.model else (base or fallback)


def _result_dict(r: perf.WorkloadResult) -> dict:
    return {
        "id": r.id, "label": workload_label(r.workload, r.id), "system": r.system, "gpus": r.gpus, "error": r.error,
        "workload": {k: v for k, v in vars(r.workload).items() if v is not None},
        "inference": r.inference.to_dict() if r.inference else None,
        "training": r.training.to_dict() if r.training else None,
        "fabric": (r.fabric.contract_dict() | {"tiers": r.fabric.tiers, "switch": r.fabric.switch}) if r.fabric else None,
    }


def latency_curve(workload: Workload, system_slug: str, gpus: int, tensor_parallel: int, catalog,
                  inputs: CostInputs) -> list[dict]:
    """TTFT, TPOT and throughput as the number of in-flight requests grows (fixed TP)."""
    hw = hardware_for(catalog, system_slug)
    base = {k: v for k, v in vars(workload).items() if v is not None}
    points = []
    for concurrency in CONCURRENCY_SWEEP:
        case = {**base, "scenario": "concurrency", "concurrency": concurrency, "tensor_parallel": tensor_parallel}
        try:
            est = run_inference(case, hw, tensor_parallel, catalog, inputs)
        except perf.EstimateError:
            break  # beyond what fits in memory
        points.append({"concurrency": concurrency, "ttft_ms": est.ttft_ms, "tpot_ms": est.tpot_ms,
                       "tokens_per_s_per_replica": est.output_tokens_per_s,
                       "tokens_per_s": est.output_tokens_per_s * max(1, gpus // tensor_parallel)})
    return points


def frontier_of(workload: Workload, system_slug: str, gpus: int, catalog, inputs: CostInputs) -> dict | None:
    """The workload's throughput–interactivity frontier on its GPUs, the point the estimate chose and
    the speed per user its TPOT limit allows (``None`` when it cannot be estimated)."""
    hw = hardware_for(catalog, system_slug)
    case = {k: v for k, v in vars(workload).items() if v is not None}
    try:
        est = run_inference(case, hw, gpus, catalog, inputs, with_frontier=True)
    except perf.EstimateError:
        return None
    limit = workload.tpot_p99_limit_ms
    return {"points": list(est.frontier), "layout": est.layout, "slo_met": est.slo_met,
            "chosen": {"tokens_per_s_per_gpu": est.output_tokens_per_s / gpus,
                       "tokens_per_s_per_user": 1000.0 / est.tpot_ms if est.tpot_ms else 0.0},
            "min_tokens_per_s_per_user": 1000.0 / limit if limit else None}


def estimate_design_row(code, progress: Progress) -> dict:
    """Everything the estimate page shows, for the design with this code."""
    row = designs_with_content().get(code=code)
    return estimate_result(design_to_domain(row), get_catalog(), progress, version=row.version)


def estimate_result(design: Design, catalog, progress: Progress, *, version: int | None = None) -> dict:
    """Everything the estimate page shows for a design (the estimate job's result JSON); ``version``
    is the design row's version it was made from (None for a design file)."""
    if not design.workloads:
        raise perf.EstimateError("the design has no workloads: add one (or pick a preset) before estimating")
    progress(2, "Counting systems")
    estimate = perf.estimate_design(design, catalog,
                                    progress=lambda done, total, msg: progress(5 + 45 * done / max(total, 1), msg))
    inputs = CostInputs(electricity_usd_per_kwh=design.site.electricity_usd_per_kwh, pue=design.site.pue)
    results = [_result_dict(r) for r in estimate.results]
    curves, frontiers = {}, {}
    inference = [r for r in estimate.results if r.inference]
    for i, r in enumerate(inference):
        curves[r.id] = latency_curve(r.workload, r.system, r.gpus, r.inference.tensor_parallel, catalog, inputs)
        frontiers[r.id] = frontier_of(r.workload, r.system, r.gpus, catalog, inputs)
        progress(50 + 20 * (i + 1) / len(inference), f"Latency under load: {r.id}")
    # the design's own scaling path: its racks, maximum power, the one fabric sizer (= manage.py scaling)
    try:
        scaling = path_dict(scale_design(design, catalog, progress=lambda done, total, msg: progress(
            70 + 29 * done / max(total, 1), f"Scaling path: {msg}")))
    except perf.EstimateError:
        scaling = None
    return {"design": design.name, "version": version, "systems": estimate.systems, "results": results,
            "latency_curves": curves, "frontiers": {k: v for k, v in frontiers.items() if v}, "scaling": scaling,
            "phases": phase_estimates(design, catalog)}


def phase_estimates(design: Design, catalog) -> list[dict]:
    """Each workload on the build as of each phase before the final one (the final build is the
    estimate itself): ``[{"phase", "results": {label: {"tokens_per_s", "time_to_train_s", "gpus"}}}]``;
    empty for a design without phases. The same estimator, on the racks that phase holds."""
    out = []
    for phase in phases_of(design)[:-1]:
        figures: dict[str, dict] = {}
        for r in perf.estimate_design(as_of_phase(design, phase), catalog).results:
            if r.inference is None and r.training is None:
                continue
            figures[workload_label(r.workload, r.id)] = {
                "tokens_per_s": r.inference.output_tokens_per_s if r.inference else r.training.tokens_per_s,
                "time_to_train_s": r.training.time_to_train_s if r.training else None, "gpus": r.gpus}
        out.append({"phase": phase, "results": figures})
    return out


MAX_TARGET_GPUS = 1_000_000


def design_gpu_systems(design: Design, catalog) -> list[str]:
    """Slugs of the design's systems that hold GPUs."""
    return sorted({s.slug for s in design_systems(design, catalog) if s.accelerators > 0})


def smallest_build_for(design: Design, workload: Workload, system_slug: str, catalog, *,
                       target_tokens_per_s: float | None = None, target_time_to_train_s: float | None = None) -> dict:
    """The inverse question: the fewest racks of ``system_slug`` whose estimate reaches the target,
    and whether that build still fits the site (the walls met on the way are listed).

    Steps are one rack at a time, so the answer is at rack granularity. When every GPU of the design
    is a ``system_slug``, the design's own racks are grown (its rack types, network and storage, on
    validation's maximum-power basis: ``design_scaling_path``); for another system, racks of that
    system are assumed (``perf.scaling_path``), as many per rack as the design's own compute racks'
    power allows (``rack_power_budget_w``).
    """
    system = catalog.get(system_slug)
    fabric = design.fabrics.get("compute")
    if set(design_gpu_systems(design, catalog)) == {system_slug}:
        path = design_scaling_path(design, catalog, workload, system_slug, max_gpus=MAX_TARGET_GPUS, step_racks=1,
                                   target_tokens_per_s=target_tokens_per_s,
                                   target_time_to_train_s=target_time_to_train_s)
    else:
        budget = rack_power_budget_w(design, catalog)
        path = perf.scaling_path(system_slug, workload, catalog, site=design.site, fabric=fabric,
                                 max_gpus=MAX_TARGET_GPUS, su_systems=systems_per_rack(system, budget),
                                 target_tokens_per_s=target_tokens_per_s,
                                 target_time_to_train_s=target_time_to_train_s, rack_power_w=budget)
    last = path.steps[-1]
    reached = (target_tokens_per_s is not None and last.tokens_per_s >= target_tokens_per_s) or (
        target_time_to_train_s is not None and last.time_to_train_s is not None
        and last.time_to_train_s <= target_time_to_train_s)
    binding = [wall for wall, _ in path.walls if wall != "new fabric tier"]
    return {"reached": reached, "step": asdict(last), "system": system_slug,
            "walls": [wall for wall, _ in path.walls], "within_site": reached and not binding,
            "binding_walls": binding}
