"""Recording a background job's life on its ``Job`` row: the only place job state changes.

Tasks call ``start``/``report_progress``/``succeed``/``fail``; views call ``refresh_stale`` before
showing a job, so a job whose worker died shows as failed with a reason, never running forever.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import Job

log = logging.getLogger(__name__)

WORKER_LOST_REASON = ("The worker stopped responding (no progress for {s} s); it was probably killed or "
                      "restarted. Start the job again.")


def enqueue(job: Job, task) -> None:
    """Send the job to the worker once the row is committed (never a job the worker cannot see)."""
    task.delay_on_commit(job.pk)


def start(job_id: int) -> Job | None:
    """Mark the job running; returns None when it is already finished (a duplicate delivery)."""
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.is_finished:
            return None
        now = timezone.now()
        job.state, job.started_at, job.heartbeat_at = Job.RUNNING, now, now
        job.progress, job.message = 0, "Started"
        job.save(update_fields=["state", "started_at", "heartbeat_at", "progress", "message"])
        return job


def report_progress(job: Job, percent: float, message: str = "") -> None:
    job.progress = max(0, min(100, int(round(percent))))
    job.message = message[:300]
    job.heartbeat_at = timezone.now()
    Job.objects.filter(pk=job.pk, state=Job.RUNNING).update(
        progress=job.progress, message=job.message, heartbeat_at=job.heartbeat_at)


def succeed(job: Job, result) -> None:
    now = timezone.now()
    Job.objects.filter(pk=job.pk).update(state=Job.SUCCEEDED, progress=100, message="Done", result=result,
                                         finished_at=now, heartbeat_at=now, error="")


def fail(job_id: int, reason: str) -> None:
    now = timezone.now()
    Job.objects.filter(pk=job_id).exclude(state=Job.SUCCEEDED).update(
        state=Job.FAILED, error=reason[:5000], message="Failed", finished_at=now)


def refresh_stale(job: Job) -> Job:
    """Fail a running job whose heartbeat is too old; returns the (possibly updated) job."""
    if job.state != Job.RUNNING:
        return job
    limit_s = settings.STUDIO_JOB_STALE_AFTER_S
    beat = job.heartbeat_at or job.started_at or job.created_at
    if timezone.now() - beat > timedelta(seconds=limit_s):
        log.warning("job %s: no heartbeat for %s s, marking failed", job.code, limit_s)
        fail(job.pk, WORKER_LOST_REASON.format(s=limit_s))
        job.refresh_from_db()
    return job
