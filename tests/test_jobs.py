"""Background jobs: progress, success, failure with a reason, stale workers, and who may see a job."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from studio import jobs
from studio.models import Job
from studio.tasks import catalog_statistics_task, run_job

pytestmark = pytest.mark.django_db


def make_job(user, **kw):
    return Job.objects.create(owner=user, kind="catalog_stats", **kw)


def test_a_job_runs_to_success_recording_progress_on_the_way(owner, loaded_catalog, monkeypatch):
    monkeypatch.setattr(jobs, "PROGRESS_WRITE_EVERY_S", 0)  # every report written (see the next test)
    job = make_job(owner)
    seen = []

    def work(job, progress):
        for pct in (10, 50, 90):
            progress(pct, f"step {pct}")
            seen.append(Job.objects.get(pk=job.pk).progress)
        return {"answer": 42}

    run_job(job.pk, work)
    job.refresh_from_db()
    assert seen == [10, 50, 90]
    assert job.state == Job.SUCCEEDED and job.progress == 100 and job.result == {"answer": 42}
    assert job.started_at and job.finished_at and job.duration_s >= 0


def test_rapid_progress_reports_are_written_at_most_every_half_second(owner, monkeypatch,
                                                                      django_assert_num_queries):
    """An estimate reports ~40 steps in 50 ms: the first is written, then one per PROGRESS_WRITE_EVERY_S."""
    t0 = timezone.now()
    clock = [t0]
    monkeypatch.setattr(jobs.timezone, "now", lambda: clock[0])
    job = jobs.start(make_job(owner).pk)
    with django_assert_num_queries(1):
        for step in range(40):  # 40 steps within 0.39 s: one write, the first
            clock[0] = t0 + timedelta(seconds=step * 0.01)
            jobs.report_progress(job, step, f"step {step}")
    assert Job.objects.get(pk=job.pk).progress == 0 and job.progress == 39  # the object has the latest
    clock[0] = t0 + timedelta(seconds=0.6)
    jobs.report_progress(job, 60, "later")
    stored = Job.objects.get(pk=job.pk)
    assert (stored.progress, stored.message, stored.heartbeat_at) == (60, "later", clock[0])


def test_a_job_that_raises_ends_failed_with_the_reason(owner):
    job = make_job(owner)

    def work(job, progress):
        progress(30, "half way")
        raise ValueError("the hall has no power")

    run_job(job.pk, work)
    job.refresh_from_db()
    assert job.state == Job.FAILED
    assert job.error == "ValueError: the hall has no power"
    assert job.finished_at is not None


def test_the_catalog_statistics_task_summarises_the_catalog(owner, loaded_catalog):
    job = make_job(owner)
    catalog_statistics_task.apply(args=[job.pk])  # run in this process, as the worker would
    job.refresh_from_db()
    assert job.state == Job.SUCCEEDED
    assert job.result["items"] == len(loaded_catalog.created)
    slugs = {s["slug"] for s in job.result["systems"]}
    assert {"dgx-h100", "dgx-b200", "gb200-nvl72"} <= slugs
    h100 = next(s for s in job.result["systems"] if s["slug"] == "dgx-h100")
    assert h100["kw_per_gpu"] == pytest.approx(10.2 / 8, abs=0.001)


def test_an_unknown_kind_fails_the_statistics_job_with_a_clear_reason(owner, loaded_catalog):
    job = make_job(owner, params={"kinds": ["spaceship"]})
    catalog_statistics_task.apply(args=[job.pk])
    job.refresh_from_db()
    assert job.state == Job.FAILED and "unknown catalog kind(s) ['spaceship']" in job.error


def test_a_running_job_whose_worker_died_shows_as_failed(owner, settings):
    settings.STUDIO_JOB_STALE_AFTER_S = 60
    long_ago = timezone.now() - timedelta(seconds=300)
    job = make_job(owner, state=Job.RUNNING, started_at=long_ago, heartbeat_at=long_ago, progress=40)
    job = jobs.refresh_stale(job)
    assert job.state == Job.FAILED and "worker stopped responding" in job.error


def test_a_fresh_running_job_is_left_alone(owner):
    job = make_job(owner, state=Job.RUNNING, started_at=timezone.now(), heartbeat_at=timezone.now())
    assert jobs.refresh_stale(job).state == Job.RUNNING


def test_a_finished_job_is_not_restarted_by_a_duplicate_delivery(owner):
    job = make_job(owner, state=Job.SUCCEEDED, progress=100, result={"x": 1})
    assert jobs.start(job.pk) is None


def test_starting_a_job_from_the_page_queues_it_after_commit(owner_client, owner, django_capture_on_commit_callbacks, monkeypatch):
    sent = []
    monkeypatch.setattr(catalog_statistics_task, "apply_async", lambda args, **kw: sent.extend(args))
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(reverse("job_start_catalog_stats"))
    job = Job.objects.get(owner=owner)
    assert response.status_code == 302 and response["Location"] == reverse("job_detail", args=[job.code])
    assert sent == [job.pk] and job.state == Job.QUEUED


def test_the_status_fragment_polls_while_running_and_stops_when_done(owner_client, owner):
    job = make_job(owner, state=Job.RUNNING, started_at=timezone.now(), heartbeat_at=timezone.now(), progress=35,
                   message="Counted systems")
    html = owner_client.get(reverse("job_detail", args=[job.code]), HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in html and "35%" in html and "Counted systems" in html
    assert "<html" not in html
    Job.objects.filter(pk=job.pk).update(state=Job.SUCCEEDED, progress=100, result={"items": 1, "per_kind": [], "systems": []})
    html = owner_client.get(reverse("job_detail", args=[job.code]), HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in html and "Succeeded" in html


def test_a_failed_job_shows_why(owner_client, owner):
    job = make_job(owner, state=Job.FAILED, error="ValueError: the hall has no power")
    html = owner_client.get(reverse("job_detail", args=[job.code])).content.decode()
    assert "Why it failed:" in html and "the hall has no power" in html


def test_outsiders_get_404_for_someone_elses_job(client, owner, outsider):
    job = make_job(owner)
    client.force_login(outsider)
    assert client.get(reverse("job_detail", args=[job.code])).status_code == 404


def test_starting_a_job_needs_post(owner_client):
    assert owner_client.get(reverse("job_start_catalog_stats")).status_code == 405
