"""Real background jobs: a Celery worker process on the embedded default (SQLite + filesystem broker)
and on the production path (PostgreSQL + Redis). Runs a job to success, a bad one to failure, and
kills a worker mid-job to see the job end as failed, never stuck at running.

The production path is skipped when PostgreSQL or Redis is absent, except when
STUDIO_REQUIRE_SERVICES=1 (CI), where it fails instead.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.conftest import require_or_skip

ROOT = Path(__file__).resolve().parent.parent
CELERY = str(Path(sys.executable).with_name("celery"))
pytestmark = pytest.mark.services


def manage(env, *args, timeout=120):
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=timeout)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def shell(env, code):
    return manage(env, "shell", "-c", code)


CREATE_JOB = """
from django.contrib.auth import get_user_model
from studio.models import Job
from studio.tasks import catalog_statistics_task
from django.db import transaction
user, _ = get_user_model().objects.get_or_create(username="worker-test")
with transaction.atomic():
    job = Job.objects.create(owner=user, kind="catalog_stats", params={params!r})
    transaction.on_commit(lambda: catalog_statistics_task.delay(job.pk))
print(job.pk)
"""

READ_JOB = """
import json
from studio import jobs
from studio.models import Job
job = jobs.refresh_stale(Job.objects.get(pk={pk}))
print(json.dumps({{"state": job.state, "progress": job.progress, "error": job.error}}))
"""


def create_job(env, params) -> int:
    return int(shell(env, CREATE_JOB.format(params=params)).strip().splitlines()[-1])


def read_job(env, pk) -> dict:
    return json.loads(shell(env, READ_JOB.format(pk=pk)).strip().splitlines()[-1])


def wait_for(env, pk, states, timeout_s=90) -> dict:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        job = read_job(env, pk)
        if job["state"] in states:
            return job
        time.sleep(0.5)
    raise AssertionError(f"job {pk} did not reach {states} in {timeout_s} s: {job}")


def start_worker(env, log_path):
    log = open(log_path, "w")  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen([CELERY, "-A", "studio", "worker", "--loglevel=INFO", "--concurrency=1",
                             "--pool=prefork", f"--hostname=test-{uuid.uuid4().hex[:6]}@%h"],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    return proc


def kill_tree(proc):
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(timeout=30)


def exercise_worker(env, tmp_path):
    manage(env, "migrate", "--noinput")
    manage(env, "load_catalog")
    worker = start_worker(env, tmp_path / "worker.log")
    try:
        good = create_job(env, {"pace_s": 0.0})
        done = wait_for(env, good, {"succeeded", "failed"})
        assert done == {"state": "succeeded", "progress": 100, "error": ""}, (tmp_path / "worker.log").read_text()[-3000:]

        bad = create_job(env, {"kinds": ["spaceship"]})
        failed = wait_for(env, bad, {"succeeded", "failed"})
        assert failed["state"] == "failed" and "unknown catalog kind(s) ['spaceship']" in failed["error"]

        slow = create_job(env, {"pace_s": 1.0})
        running = wait_for(env, slow, {"running", "succeeded", "failed"})
        assert running["state"] == "running"
    finally:
        kill_tree(worker)  # the worker dies mid-job (SIGKILL: no chance to clean up)
    time.sleep(env_stale_s(env) + 1)
    dead = read_job(env, slow)
    assert dead["state"] == "failed" and "worker stopped responding" in dead["error"]


def env_stale_s(env) -> int:
    return int(env["STUDIO_JOB_STALE_AFTER_S"])


def base_env(tmp_path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "CELERY_", "PYTEST", "DJANGO_SETTINGS"))}
    env.update({"STUDIO_VAR_DIR": str(tmp_path / "var"), "STUDIO_JOB_STALE_AFTER_S": "6",
                "DJANGO_SETTINGS_MODULE": "studio.settings",
                "STUDIO_CELERY_QUEUE": f"studio-test-{uuid.uuid4().hex[:8]}"})  # no other worker takes its jobs
    return env


def test_a_real_worker_on_the_embedded_default(tmp_path):
    exercise_worker(base_env(tmp_path), tmp_path)


def test_a_real_worker_on_postgresql_and_redis(tmp_path):
    require_or_skip("PostgreSQL", "127.0.0.1", 5432)
    require_or_skip("Redis", "127.0.0.1", 6379)
    import psycopg

    name = f"studio_worker_{uuid.uuid4().hex[:8]}"
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/test", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        env = base_env(tmp_path)
        env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{name}"
        env["CELERY_BROKER_URL"] = "redis://127.0.0.1:6379/15"
        exercise_worker(env, tmp_path)
    finally:
        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/test", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_the_catalog_and_job_tests_pass_on_postgresql(tmp_path):
    """The database-facing tests run again with DATABASE_URL pointing at PostgreSQL."""
    require_or_skip("PostgreSQL", "127.0.0.1", 5432)
    env = base_env(tmp_path)
    env["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/test"
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--create-db",
                             "tests/test_catalog_loading.py", "tests/test_jobs.py", "tests/test_catalog_views.py",
                             "tests/test_auth.py"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "passed" in result.stdout
