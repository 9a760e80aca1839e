"""Jobs that cannot hang or lie: a broker outage, a dead worker, a job no worker takes, a retry, and a
health check that tells the operator which of them is wrong."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from kombu import Connection
from kombu.exceptions import OperationalError

from studio import jobs
from studio.celery import app
from studio.models import Job, WorkerBeat
from studio.tasks import TASKS_BY_KIND, catalog_statistics_task

pytestmark = pytest.mark.django_db
REFUSED = OperationalError("Error 111 connecting to 127.0.0.1:1. Connection refused.")


def refuse(*args, **kwargs):
    raise REFUSED


def test_a_broker_outage_fails_the_job_at_once_with_a_clear_reason(owner_client, owner, monkeypatch,
                                                                   django_capture_on_commit_callbacks):
    monkeypatch.setattr(catalog_statistics_task, "apply_async", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(reverse("job_start_catalog_stats"))
    assert response.status_code == 302  # never a 500
    job = Job.objects.get(owner=owner)
    assert job.state == Job.FAILED
    assert "job queue (broker) cannot be reached" in job.error and "Connection refused" in job.error
    page = owner_client.get(response["Location"]).content.decode()
    assert "cannot be reached" in page and reverse("job_retry", args=[job.code]) in page


def test_the_sweep_fails_jobs_whose_worker_died_and_jobs_no_worker_took(owner, settings):
    now = timezone.now()
    dead = Job.objects.create(owner=owner, kind="catalog_stats", state=Job.RUNNING,
                              heartbeat_at=now - timedelta(seconds=settings.STUDIO_JOB_STALE_AFTER_S + 5))
    alive = Job.objects.create(owner=owner, kind="catalog_stats", state=Job.RUNNING, heartbeat_at=now)
    waiting = Job.objects.create(owner=owner, kind="catalog_stats")
    Job.objects.filter(pk=waiting.pk).update(
        created_at=now - timedelta(seconds=settings.STUDIO_JOB_QUEUE_TIMEOUT_S + 5))
    fresh = Job.objects.create(owner=owner, kind="catalog_stats")

    assert jobs.sweep("w1@host") == {"lost": 1, "never_started": 1}
    states = {j.pk: (j.state, j.error) for j in Job.objects.all()}
    assert states[dead.pk][0] == Job.FAILED and "stopped responding" in states[dead.pk][1]
    assert states[waiting.pk][0] == Job.FAILED and "No worker took the job" in states[waiting.pk][1]
    assert states[alive.pk][0] == Job.RUNNING and states[fresh.pk][0] == Job.QUEUED
    assert WorkerBeat.objects.get(name="w1@host").seen_at >= now


def test_the_sweep_runs_on_the_beat_schedule_as_a_task_with_a_time_limit(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE["sweep-jobs"]
    assert schedule["task"] == "studio.sweep_jobs" and schedule["schedule"] == settings.STUDIO_JOB_SWEEP_EVERY_S
    task = app.tasks["studio.sweep_jobs"]
    assert task.time_limit and task.soft_time_limit < task.time_limit
    assert settings.CELERY_TASK_TIME_LIMIT and settings.CELERY_TASK_SOFT_TIME_LIMIT  # every other task


def test_healthz_reports_the_database_the_broker_and_the_worker(client, settings, monkeypatch):
    body = client.get(reverse("healthz")).json()
    assert body["database"] == "ok" and body["broker"] == "ok"
    assert body["worker"] == {"alive": False, "last_seen_s": None} and body["status"] == "degraded"
    assert client.get(reverse("healthz") + "?strict=1").status_code == 503

    jobs.sweep("w1@host")
    body = client.get(reverse("healthz") + "?strict=1").json()
    assert body["status"] == "ok" and body["worker"]["alive"] is True

    monkeypatch.setattr(app, "connection_for_write", lambda: Connection("redis://127.0.0.1:1/0", connect_timeout=1))
    response = client.get(reverse("healthz"))
    assert response.status_code == 200  # pages still work: a load balancer keeps this process
    assert response.json()["status"] == "degraded" and response.json()["broker"].startswith("unreachable")


def test_a_worker_that_missed_three_sweeps_is_not_alive(settings):
    assert jobs.worker_alive(2.5 * settings.STUDIO_JOB_SWEEP_EVERY_S)
    assert not jobs.worker_alive(3.5 * settings.STUDIO_JOB_SWEEP_EVERY_S)
    assert not jobs.worker_alive(None)


def test_a_failed_job_can_be_retried_by_its_owner_only(owner_client, owner, outsider, monkeypatch,
                                                     django_capture_on_commit_callbacks):
    sent = []
    monkeypatch.setattr(catalog_statistics_task, "apply_async", lambda args, **kw: sent.append(args))
    failed = Job.objects.create(owner=owner, kind="catalog_stats", state=Job.FAILED, error="boom",
                                params={"pace_s": 0.0})
    stranger = Client()
    stranger.force_login(outsider)
    assert stranger.post(reverse("job_retry", args=[failed.code])).status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(reverse("job_retry", args=[failed.code]))
    again = Job.objects.exclude(pk=failed.pk).get()
    assert response.status_code == 302 and response["Location"] == reverse("job_detail", args=[again.code])
    assert (again.kind, again.params, again.state) == ("catalog_stats", {"pace_s": 0.0}, Job.QUEUED)
    assert sent == [[again.pk]]
    assert owner_client.post(reverse("job_retry", args=[again.code])).status_code == 400  # not failed


def test_every_job_kind_has_a_task_to_retry_it():
    assert set(TASKS_BY_KIND) == {kind for kind, _ in Job.KIND_CHOICES}


def test_a_former_member_cannot_retry_an_estimate_of_a_design_they_no_longer_see(client, owner, outsider,
                                                                                 loaded_catalog):
    from studio import services
    from studio.models import DesignMember

    design = services.create_from_reference(owner, "starter-4-racks")
    member = DesignMember.objects.create(design=design, user=outsider, role=DesignMember.EDIT)
    failed = Job.objects.create(owner=outsider, kind="estimate", state=Job.FAILED, error="boom",
                                params={"design": str(design.code), "version": design.version})
    member.delete()
    client.force_login(outsider)
    assert client.post(reverse("job_retry", args=[failed.code])).status_code == 404
    assert Job.objects.count() == 1
