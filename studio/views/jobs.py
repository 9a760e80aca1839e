"""Background jobs: start the sample job, watch it with an htmx progress bar, see its result."""

from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from .. import jobs
from ..models import Job
from ..tasks import catalog_statistics_task

STATS_PACE_S = 0.25  # seconds between steps of the sample job, so that the progress bar is visible


def _get_job_for_user(request, code) -> Job:
    """The job if the user owns it; 404 for anyone else (a job's existence is not revealed)."""
    job = Job.objects.filter(code=code).first()
    if job is None or job.owner_id != request.user.id:
        raise Http404("No such job")
    return jobs.refresh_stale(job)


def design_job_or_404(queryset, job_code, what: str) -> Job:
    """One of a design's jobs (``queryset``: its estimate or proposal jobs), its staleness refreshed;
    404 naming ``what`` when the design has no such job."""
    job = queryset.filter(code=job_code).first()
    if job is None:
        raise Http404(f"No such {what}")
    return jobs.refresh_stale(job)


@require_GET
def job_list(request):
    return render(request, "studio/jobs.html", {"jobs": Job.objects.filter(owner=request.user)[:20]})


@require_POST
def job_start_catalog_stats(request):
    job = Job.objects.create(owner=request.user, kind="catalog_stats", params={"pace_s": STATS_PACE_S})
    jobs.enqueue(job, catalog_statistics_task)
    if request.htmx:
        return render(request, "studio/job_detail.html#job-card", {"job": job})
    return redirect("job_detail", code=job.code)


@require_POST
def job_retry(request, code):
    """Start a failed job again (same kind and parameters); the new job's page answers."""
    job = _get_job_for_user(request, code)
    if job.state != Job.FAILED:
        return HttpResponseBadRequest("Only a failed job can be retried; this one is " + job.state + ".")
    if "design" in job.params:  # a job on a design: only while its owner may still change that design
        from .designs import _get_design_for_user

        _get_design_for_user(request, job.params["design"], write=True)
    again = jobs.retry(job)
    if job.kind == "estimate":
        return redirect("design_estimate_detail", code=job.params["design"], job_code=again.code)
    return redirect("job_detail", code=again.code)


@require_GET
def job_detail(request, code):
    job = _get_job_for_user(request, code)
    template = "studio/job_detail.html#job-card" if request.htmx else "studio/job_detail.html"
    return render(request, template, {"job": job})
