"""A design's estimates: start one (a background job), watch its progress, see its charts; and the
design's workloads, added in one click from a preset or typed into the workload form (added or edited)."""

from __future__ import annotations

from dataclasses import replace

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from catalog.source import get_catalog
from studio.domain.catalog import LlmModel, System
from studio.domain.design import PRECISIONS, SCENARIOS, Workload
from studio.domain.edits.fields import add_workload, remove_workload, replace_workload
from studio.domain.fabric import design_systems
from studio.domain.limits import MAX_WORKLOADS
from studio.domain.perf import PRESETS, EstimateError, count_systems, preset_workload
from studio.domain.phases import phase_timeline, phases_of
from studio.domain.workloadform import KINDS, WorkloadFormError, fp4_support, read_workload

from .. import editing, jobs, services
from ..estimating import smallest_build_for, workload_label
from ..models import Design, Job
from ..reports.charts import estimate_charts
from ..tasks import estimate_design_task
from .designs import _get_design_for_user
from .jobs import design_job_or_404


def _estimate_jobs(design: Design):
    return Job.objects.filter(kind="estimate", params__design=str(design.code))


def _page_context(request, design: Design, job: Job | None, form: dict | None = None) -> dict:
    """Everything the estimates page shows; the same for the page, an estimate's own page and a
    refused form (one context, so no part of the page is left empty after a redirect)."""
    catalog = get_catalog()
    full = services.designs_with_content().get(pk=design.pk)
    domain = services.design_to_domain(full)
    charts = []
    if job and job.state == Job.SUCCEEDED and job.result:
        charts = estimate_charts(job.result, design.it_power_kw, design.facility_power_kw)
    workloads = [(i, _with_label(w)) for i, w in enumerate(full.workloads or [])]
    return {"design": design, "job": job, "charts": charts, "presets": PRESETS.values(),
            "models": sorted(catalog.of_kind(LlmModel), key=lambda m: m.params_total_b),
            "workloads": workloads, "max_workloads": MAX_WORKLOADS,
            "stale": bool(job and job.result and job.result.get("version") not in (None, design.version)),
            "history": _estimate_jobs(design)[:8],
            "target": _target_answer(request, full, domain, catalog),
            "systems": sorted(catalog.of_kind(System), key=lambda s: s.name),
            "latest_systems": list(count_systems(domain, catalog)),
            "fp4": fp4_support(design_systems(domain, catalog), catalog),
            "timeline": _timeline(domain, catalog, job),
            "precisions": PRECISIONS, "scenarios": SCENARIOS, "kinds": KINDS,
            "form": form if form is not None else _form_for(request, full.workloads or []),
            "active_tab": _active_tab(request, job, form)}


def _timeline(domain, catalog, job: Job | None) -> list[dict] | None:
    """The phase timeline (``phases.phase_timeline``) with each phase's estimated throughput from the
    latest estimate (its ``phases``; the final phase is the estimate itself); None without phases."""
    if len(phases_of(domain)) < 2:
        return None
    rows = phase_timeline(domain, catalog)
    result = job.result if job and job.state == Job.SUCCEEDED and job.result else {}
    by_phase = {p["phase"]: p["results"] for p in result.get("phases") or []}
    final = {r["label"]: {"tokens_per_s": (r["inference"] or {}).get("output_tokens_per_s")
                          or (r["training"] or {}).get("tokens_per_s"),
                          "time_to_train_s": (r["training"] or {}).get("time_to_train_s")}
             for r in result.get("results", []) if r.get("inference") or r.get("training")}
    for row in rows:
        figures = by_phase.get(row["phase"], final if row is rows[-1] else {})
        row["estimates"] = sorted(figures.items())
    return rows


TABS = ("results", "workloads", "target")


def _active_tab(request, job: Job | None, form: dict | None) -> str:
    """The tab the page opens on: the one asked for, the form's after a refused or chosen edit, the
    target's after a sizing question, the results when there is an estimate, else the workloads."""
    if form is not None or "edit" in request.GET:
        return "workloads"
    if "target_value" in request.GET:
        return "target"
    if request.GET.get("tab") in TABS:
        return request.GET["tab"]
    return "results" if job else "workloads"


FORM_FIELDS = ("kind", "name", "model", "precision", "scenario", "input_tokens", "output_tokens",
               "ttft_p99_limit_ms", "tpot_p99_limit_ms", "concurrency", "sequence_length", "global_batch_sequences",
               "train_tokens", "preset")


def _form_for(request, workloads: list[dict]) -> dict:
    """The workload form: empty for a new workload, or the one named by ``?edit=N`` filled in."""
    try:
        index = int(request.GET.get("edit", ""))
        current = workloads[index]
    except (ValueError, IndexError):
        return {"index": "", "values": {"kind": "inference", "precision": "fp8", "scenario": "server",
                                        "model": "llama-3.1-70b"}, "errors": {}}
    values = {k: ("" if current.get(k) is None else _plain(current.get(k))) for k in FORM_FIELDS}
    return {"index": str(index), "values": values, "errors": {}}


def _plain(value):
    """A number as a form shows it: 2000.0 → 2000."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _with_label(workload: dict) -> dict:
    label = workload_label(Workload(**workload), "workload")
    return {"ttft_p99_limit_ms": None, "tpot_p99_limit_ms": None, "train_tokens": None, "concurrency": None,
            **workload, "label": label}


def _target_answer(request, design: Design, domain, catalog) -> dict | None:
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
    system = params.get("target_system", "")
    if system not in catalog or not isinstance(catalog.get(system), System):
        answer["error"] = f"Unknown system '{system}'."
        return answer
    try:
        if workload.kind == "training":
            answer.update(smallest_build_for(domain, workload, system, catalog,
                                             target_time_to_train_s=value * 86400))
            answer["unit"] = "days"
        else:
            answer.update(smallest_build_for(domain, workload, system, catalog,
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
    return render(request, "estimates/design.html", _page_context(request, design, job))


@require_GET
def estimate_detail(request, code, job_code):
    design = _get_design_for_user(request, code)
    job = design_job_or_404(_estimate_jobs(design), job_code, "estimate")
    if request.htmx:
        charts = estimate_charts(job.result, design.it_power_kw, design.facility_power_kw) \
            if job.state == Job.SUCCEEDED and job.result else []
        return render(request, "estimates/design.html#estimate-status", {
            "design": design, "job": job, "charts": charts,
            "stale": bool(job.result and job.result.get("version") not in (None, design.version))})
    return render(request, "estimates/design.html", _page_context(request, design, job))


@require_POST
def estimate_start(request, code):
    design = _get_design_for_user(request, code, write=True)
    if not design.workloads:
        messages.error(request, "Add a workload (pick a preset below) before estimating.")
        return _back_to_workloads(design)
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
        return _back_to_workloads(design)
    if preset not in PRESETS:
        messages.error(request, f"Cannot add that workload: unknown preset '{preset}' "
                                f"(expected one of {', '.join(PRESETS)}).")
        return _back_to_workloads(design)
    workload = replace(preset_workload(preset, model), name=f"{PRESETS[preset].label} · {model}")
    _save_workloads(request, design, lambda current, catalog, grid: add_workload(current, workload))
    return _back_to_workloads(design)


@require_POST
def workload_save(request, code):
    """A workload typed into the form: added, or the one at ``index`` replaced. A refused form
    answers 400 with the page and the form's messages (the values typed are kept)."""
    design = _get_design_for_user(request, code, write=True)
    catalog = get_catalog()
    full = services.designs_with_content().get(pk=design.pk)
    domain = services.design_to_domain(full)
    values = {k: request.POST.get(k, "") for k in FORM_FIELDS}
    index_raw = request.POST.get("index", "").strip()
    form = {"index": index_raw, "values": values, "errors": {}}
    try:
        index = int(index_raw) if index_raw else None
        if index is not None and not 0 <= index < len(domain.workloads):
            raise WorkloadFormError({"index": "That workload no longer exists; reload the page."})
        if index is None and len(domain.workloads) >= MAX_WORKLOADS:
            raise WorkloadFormError({"index": f"A design holds at most {MAX_WORKLOADS} workloads; remove one first."})
        workload = read_workload(request.POST, catalog, fp4_support(design_systems(domain, catalog), catalog))
    except ValueError as exc:
        form["errors"] = exc.errors if isinstance(exc, WorkloadFormError) else {"index": "Unknown workload index."}
        job = _estimate_jobs(design).first()
        return render(request, "estimates/design.html", _page_context(request, design, job, form), status=400)
    if index is None:
        edit = lambda current, catalog, grid: add_workload(current, workload)  # noqa: E731
    else:
        old = domain.workloads[index]
        if old.model == workload.model and old.kind == workload.kind:  # how it was served still applies
            workload = replace(workload, tensor_parallel=old.tensor_parallel, config=old.config,
                               spec_decoding=old.spec_decoding)
        edit = lambda current, catalog, grid: replace_workload(current, index, workload)  # noqa: E731
    if _save_workloads(request, design, edit):
        messages.success(request, f"{'Added' if index is None else 'Updated'} the workload "
                                  f"“{workload_label(workload, 'workload')}”.")
    return _back_to_workloads(design)


@require_POST
def workload_remove(request, code, index: int):
    design = _get_design_for_user(request, code, write=True)
    _save_workloads(request, design, lambda current, catalog, grid: remove_workload(current, index))
    return _back_to_workloads(design)


def _back_to_workloads(design: Design):
    return redirect(reverse("design_estimates", args=[design.code]) + "?tab=workloads")


def _save_workloads(request, design: Design, edit) -> bool:
    """A workload edit through the editor's one loop (``editing.run``): saved only if the design is
    still at the version the page showed."""
    try:
        expected = int(request.POST.get("version", ""))
    except ValueError:
        messages.error(request, "The form is missing the design's version; reload the page.")
        return
    try:
        editing.run(design, expected, edit, user=request.user)
    except services.StaleVersion:
        messages.warning(request, "This design was changed elsewhere; the page now shows the latest version.")
    except editing.EditError as exc:
        messages.error(request, str(exc))
