"""Recording a background job's life on its ``Job`` row: the only place job state changes.

Tasks call ``start``/``report_progress``/``succeed``/``fail``. A job can never hang or lie:

- ``enqueue`` fails the job at once, with the reason, when the broker cannot take it;
- the periodic ``sweep`` (Celery beat, every ``STUDIO_JOB_SWEEP_EVERY_S``) fails running jobs whose heartbeat is
  older than ``STUDIO_JOB_STALE_AFTER_S`` and queued jobs no worker took within
  ``STUDIO_JOB_QUEUE_TIMEOUT_S``, and records that a worker is alive (``WorkerBeat``);
- views still call ``refresh_stale`` before showing a job, so the answer is right between sweeps;
- ``retry`` starts a failed job again with the same parameters.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import Job, WorkerBeat

log = logging.getLogger(__name__)

WORKER_LOST_REASON = ("The worker stopped responding (no progress for {s} s); it was probably killed or "
                      "restarted. Start the job again.")
NEVER_STARTED_REASON = ("No worker took the job within {s} s: is the worker running? Start the job again "
                        "once it is.")
BROKER_DOWN_REASON = ("The job queue (broker) cannot be reached, so the job was not started: {error}. "
                      "Try again in a moment; if it persists, ask the operator to check the broker.")


def enqueue(job: Job, task) -> None:
    """Send the job to the worker once the row is committed (never a job the worker cannot see).

    When the broker refuses or cannot be reached, the job ends failed with the reason at once
    instead of waiting queued for ever (the user's page then shows why, and offers a retry).
    """

    def send():
        try:
            task.apply_async(args=[job.pk], retry=False)
        except Exception as exc:  # kombu/redis/OS errors all mean the same to the user
            log.error("job %s: broker refused the task: %s", job.code, exc)
            fail(job.pk, BROKER_DOWN_REASON.format(error=f"{type(exc).__name__}: {exc}"[:300]))

    transaction.on_commit(send)


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


#: The least time between two progress writes of one job: a job reporting many small steps (an
#: estimate reports ~40 in 50 ms) writes its first report and then at most this often, not once per
#: step; the page polls once a second, and the heartbeat goes stale only after minutes.
PROGRESS_WRITE_EVERY_S = 0.5


def report_progress(job: Job, percent: float, message: str = "") -> None:
    job.progress = max(0, min(100, int(round(percent))))
    job.message = message[:300]
    now = timezone.now()
    last = getattr(job, "_progress_written_at", None)
    if last is not None and (now - last).total_seconds() < PROGRESS_WRITE_EVERY_S:
        return  # kept on the object; the next write (or succeed) carries it
    job._progress_written_at = now
    job.heartbeat_at = now
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


def sweep(worker: str = "worker") -> dict:
    """Fail every job that can no longer finish; note that ``worker`` is alive. Returns the counts.

    Running jobs with a heartbeat older than ``STUDIO_JOB_STALE_AFTER_S`` lost their worker; queued
    jobs older than ``STUDIO_JOB_QUEUE_TIMEOUT_S`` were never taken. One UPDATE each, so the sweep
    costs two indexed queries however many jobs there are.
    """
    now = timezone.now()
    stale_s, queue_s = settings.STUDIO_JOB_STALE_AFTER_S, settings.STUDIO_JOB_QUEUE_TIMEOUT_S
    lost = Job.objects.filter(state=Job.RUNNING, heartbeat_at__lt=now - timedelta(seconds=stale_s)).update(
        state=Job.FAILED, error=WORKER_LOST_REASON.format(s=stale_s), message="Failed", finished_at=now)
    never = Job.objects.filter(state=Job.QUEUED, created_at__lt=now - timedelta(seconds=queue_s)).update(
        state=Job.FAILED, error=NEVER_STARTED_REASON.format(s=queue_s), message="Failed", finished_at=now)
    WorkerBeat.objects.update_or_create(name=worker[:200], defaults={"seen_at": now})
    if lost or never:
        log.warning("job sweep: %s lost their worker, %s were never started", lost, never)
    return {"lost": lost, "never_started": never}


def worker_alive(last_seen_s: float | None) -> bool:
    """A worker is alive when it ran the sweep within three sweep periods (one missed beat is no alarm)."""
    return last_seen_s is not None and last_seen_s <= 3 * settings.STUDIO_JOB_SWEEP_EVERY_S


def worker_last_seen_s() -> float | None:
    """Seconds since any worker last ran the sweep; None when none ever has."""
    beat = WorkerBeat.objects.order_by("-seen_at").first()
    return None if beat is None else (timezone.now() - beat.seen_at).total_seconds()


def retry(job: Job) -> Job:
    """A new job of the same kind and parameters as a failed one, queued by the same task."""
    from .tasks import TASKS_BY_KIND

    if job.state != Job.FAILED:
        raise ValueError("Only a failed job can be retried.")
    again = Job.objects.create(owner=job.owner, kind=job.kind, params=job.params)
    enqueue(again, TASKS_BY_KIND[job.kind])
    return again


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
