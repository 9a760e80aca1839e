"""A design's estimates: start one (a background job), watch its progress, see its charts; and the
design's workloads, added in one click from a preset."""

from __future__ import annotations

from dataclasses import replace

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from catalog.source import get_catalog
from studio.domain.catalog import LlmModel, System
from studio.domain.design import Workload
from studio.domain.edits.fields import add_workload, remove_workload
from studio.domain.perf import PRESETS, EstimateError, count_systems, preset_workload

from .. import editing, jobs, services
from ..estimating import smallest_build_for, workload_label
from ..models import Design, Job
from ..reports.charts import estimate_charts
from ..tasks import estimate_design_task
from .designs import _get_design_for_user


def _estimate_jobs(design: Design):
    return Job.objects.filter(kind="estimate", params__design=str(design.code))


def _page_context(design: Design, job: Job | None) -> dict:
    catalog = get_catalog()
    charts = []
    if job and job.state == Job.SUCCEEDED and job.result:
        charts = estimate_charts(job.result, design.it_power_kw, design.facility_power_kw)
    return {"design": design, "job": job, "charts": charts, "presets": PRESETS.values(),
            "models": sorted(catalog.of_kind(LlmModel), key=lambda m: m.params_total_b),
            "workloads": [(i, _with_label(w)) for i, w in enumerate(design.workloads or [])],
            "stale": bool(job and job.result and job.result.get("version") not in (None, design.version)),
            "history": _estimate_jobs(design)[:8]}


def _with_label(workload: dict) -> dict:
    label = workload_label(Workload(**workload), "workload")
    return {"ttft_p99_limit_ms": None, "tpot_p99_limit_ms": None, "train_tokens": None, **workload, "label": label}


def _target_answer(request, design: Design) -> dict | None:
    """Answer "what is the smallest build that reaches this target?" when the form was sent."""
    params = request.GET
    if "target_value" not in params:
        return None
    answer: dict = {"form": {k: params.get(k, "") for k in ("target_workload", "target_system", "target_value")}}
    try:
        index = int(params.get("target_workload", ""))
        workload = Workload(**design.workloads[index])
        value = float(params.get("target_value", ""))
        if not value > 0:
            raise ValueError
    except (ValueError, IndexError, TypeError):
        answer["error"] = "Pick a workload and give a positive number as the target."
        return answer
    catalog = get_catalog()
    system = params.get("target_system", "")
    if system not in catalog or not isinstance(catalog.get(system), System):
        answer["error"] = f"Unknown system '{system}'."
        return answer
    try:
        if workload.kind == "training":
            answer.update(smallest_build_for(services.design_to_domain(design), workload, system, catalog,
                                             target_time_to_train_s=value * 86400))
            answer["unit"] = "days"
        else:
            answer.update(smallest_build_for(services.design_to_domain(design), workload, system, catalog,
                                             target_tokens_per_s=value))
            answer["unit"] = "tokens/s"
    except EstimateError as exc:
        answer["error"] = str(exc)
    return answer


@require_GET
def estimates(request, code):
    design = _get_design_for_user(request, code)
    job = _estimate_jobs(design).first()
    if job:
        job = jobs.refresh_stale(job)
    context = _page_context(design, job)
    full = services.designs_with_content().get(pk=design.pk)
    catalog = get_catalog()
    context["target"] = _target_answer(request, full)
    context["systems"] = sorted(catalog.of_kind(System), key=lambda s: s.name)
    context["latest_systems"] = list(count_systems(services.design_to_domain(full), catalog))
    return render(request, "estimates/design.html", context)


@require_GET
def estimate_detail(request, code, job_code):
    design = _get_design_for_user(request, code)
    job = _estimate_jobs(design).filter(code=job_code).first()
    if job is None:
        raise Http404("No such estimate")
    job = jobs.refresh_stale(job)
    template = "estimates/design.html#estimate-status" if request.htmx else "estimates/design.html"
    return render(request, template, _page_context(design, job))


@require_POST
def estimate_start(request, code):
    design = _get_design_for_user(request, code, write=True)
    if not design.workloads:
        messages.error(request, "Add a workload (pick a preset below) before estimating.")
        return redirect("design_estimates", code=design.code)
    job = Job.objects.create(owner=request.user, kind="estimate",
                             params={"design": str(design.code), "version": design.version})
    jobs.enqueue(job, estimate_design_task)
    return redirect("design_estimate_detail", code=design.code, job_code=job.code)


@require_POST
def workload_add(request, code):
    """Append a preset workload for a model; version-checked like every edit."""
    design = _get_design_for_user(request, code, write=True)
    preset, model = request.POST.get("preset", ""), request.POST.get("model", "")
    catalog = get_catalog()
    if model not in catalog or not isinstance(catalog.get(model), LlmModel):
        messages.error(request, f"Cannot add that workload: unknown model '{model}'.")
        return redirect("design_estimates", code=design.code)
    if preset not in PRESETS:
        messages.error(request, f"Cannot add that workload: unknown preset '{preset}' "
                                f"(expected one of {', '.join(PRESETS)}).")
        return redirect("design_estimates", code=design.code)
    workload = replace(preset_workload(preset, model), name=f"{PRESETS[preset].label} · {model}")
    _save_workloads(request, design, lambda current, catalog, grid: add_workload(current, workload))
    return redirect("design_estimates", code=design.code)


@require_POST
def workload_remove(request, code, index: int):
    design = _get_design_for_user(request, code, write=True)
    _save_workloads(request, design, lambda current, catalog, grid: remove_workload(current, index))
    return redirect("design_estimates", code=design.code)


def _save_workloads(request, design: Design, edit) -> None:
    """A workload edit through the editor's one loop (``editing.run``): saved only if the design is
    still at the version the page showed."""
    try:
        expected = int(request.POST.get("version", ""))
    except ValueError:
        messages.error(request, "The form is missing the design's version; reload the page.")
        return
    try:
        editing.run(design, expected, edit)
    except services.StaleVersion:
        messages.warning(request, "This design was changed elsewhere; the page now shows the latest version.")
    except editing.EditError as exc:
        messages.error(request, str(exc))
