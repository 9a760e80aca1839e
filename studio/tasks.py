"""Thin Celery tasks: take ids, call services, record progress/result/failure on the Job row."""

from __future__ import annotations

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from . import jobs
from .services import catalog_statistics

log = logging.getLogger(__name__)


def run_job(job_id: int, work) -> None:
    """Run ``work(job, progress)`` for a job and record its outcome; exceptions become 'failed'."""
    job = jobs.start(job_id)
    if job is None:
        return
    try:
        result = work(job, lambda pct, msg="": jobs.report_progress(job, pct, msg))
    except SoftTimeLimitExceeded:
        jobs.fail(job_id, "The job ran past its time limit and was stopped.")
    except Exception as exc:  # the reason is shown to the user
        log.exception("job %s failed", job_id)
        jobs.fail(job_id, f"{type(exc).__name__}: {exc}")
    else:
        jobs.succeed(job, result)


@shared_task(name="studio.catalog_statistics")
def catalog_statistics_task(job_id: int) -> None:
    run_job(job_id, lambda job, progress: catalog_statistics(progress, **job.params))


@shared_task(name="studio.estimate_design")
def estimate_design_task(job_id: int) -> None:
    from .estimating import estimate_design_row

    run_job(job_id, lambda job, progress: estimate_design_row(job.params["design"], progress))


@shared_task(name="studio.make_proposal")
def make_proposal_task(job_id: int) -> None:
    from .reports.proposal_job import make_proposal

    run_job(job_id, make_proposal)


@shared_task(name="studio.sweep_jobs", ignore_result=True, soft_time_limit=50, time_limit=60)
def sweep_jobs_task() -> dict:
    """Periodic (beat): fail jobs that cannot finish any more; record that a worker is alive."""
    from celery import current_task

    hostname = getattr(getattr(current_task, "request", None), "hostname", None) or "worker"
    return jobs.sweep(hostname)


#: Which task runs a job of each kind (``jobs.retry`` starts the same one again).
TASKS_BY_KIND = {"catalog_stats": catalog_statistics_task, "estimate": estimate_design_task,
                 "proposal": make_proposal_task}
