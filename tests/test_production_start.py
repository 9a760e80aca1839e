"""The production start, as the ``Procfile`` runs it: ``DEBUG=0`` on PostgreSQL + Redis, the web process
(migrate, collectstatic, load_catalog, gunicorn) and the worker process, behind a TLS-terminating proxy
(simulated by the ``X-Forwarded-Proto: https`` header the proxy would set). A user signs in, opens the
editor of a design made from a reference, and runs an estimate to the end on the real worker.

Skipped when PostgreSQL or Redis is absent, except when STUDIO_REQUIRE_SERVICES=1 (CI), where it fails.
"""

from __future__ import annotations

import http.client
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import uuid
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest

from tests.conftest import require_or_skip

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.services

USERNAME, PASSWORD = "prod-user", "a-long-production-password-7"


def procfile() -> dict[str, str]:
    """The ``Procfile``'s process types and their command lines."""
    lines = (ROOT / "Procfile").read_text().splitlines()
    return dict(line.split(":", 1) for line in lines if line.strip() and not line.startswith("#"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Browser:
    """A minimal HTTPS-behind-a-proxy client: keeps cookies (Secure ones too: the proxy speaks TLS to the
    user, plain HTTP to gunicorn) and sends the headers a TLS-terminating proxy adds."""

    def __init__(self, port: int):
        self.port, self.cookies = port, SimpleCookie()
        self.origin = f"https://127.0.0.1:{port}"

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, dict, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Host": f"127.0.0.1:{self.port}", "X-Forwarded-Proto": "https"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={m.value}" for k, m in self.cookies.items())
        body = None
        if form is not None:
            form = {"csrfmiddlewaretoken": self.cookies["csrftoken"].value, **form}
            body = urlencode(form)
            headers.update({"Content-Type": "application/x-www-form-urlencoded", "Origin": self.origin,
                            "Referer": self.origin + path})
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        for value in response.headers.get_all("Set-Cookie") or []:
            self.cookies.load(value)
        result = (response.status, {k.lower(): v for k, v in response.getheaders()}, text)
        conn.close()
        return result

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, form):
        return self.request("POST", path, form)


def wait_until_up(browser: Browser, procs, timeout_s: float = 240) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for name, proc, log in procs:
            assert proc.poll() is None, f"{name} exited early:\n{Path(log).read_text()[-4000:]}"
        try:
            status, _, body = browser.get("/healthz")
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(1)
    raise AssertionError("the web process did not answer /healthz in time")


def stop(proc) -> None:
    try:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(proc.pid, 9)
        except ProcessLookupError:
            pass
        proc.wait(timeout=20)


@pytest.fixture
def production_env(tmp_path):
    require_or_skip("PostgreSQL", "127.0.0.1", 5432)
    require_or_skip("Redis", "127.0.0.1", 6379)
    import psycopg

    name = f"studio_prod_{uuid.uuid4().hex[:8]}"
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/test", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DATABASE_URL", "CELERY_", "PYTEST", "DJANGO_", "STUDIO_", "SECRET_KEY", "DEBUG"))}
    env.update({"DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "127.0.0.1,localhost",
                "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{name}",
                "CELERY_BROKER_URL": "redis://127.0.0.1:6379/13", "STUDIO_VAR_DIR": str(tmp_path / "var"),
                "STUDIO_BEHIND_TLS_PROXY": "1", "PORT": str(free_port()), "WEB_CONCURRENCY": "2",
                "WORKER_CONCURRENCY": "1"})
    try:
        yield env
    finally:
        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/test", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_the_procfile_serves_the_studio_with_debug_off_on_postgresql_and_redis(production_env, tmp_path):
    env, processes = production_env, procfile()
    check = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                           cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert check.returncode == 0, check.stdout + check.stderr

    procs = []
    for name in ("web", "worker"):
        log = tmp_path / f"{name}.log"
        proc = subprocess.Popen(["bash", "-c", processes[name]], cwd=ROOT, env=env, start_new_session=True,
                                stdout=open(log, "w"), stderr=subprocess.STDOUT)  # noqa: SIM115 - closed with it
        procs.append((name, proc, log))
    try:
        browser = Browser(int(env["PORT"]))
        wait_until_up(browser, procs)
        subprocess.run([sys.executable, "manage.py", "shell", "-c",
                        "from django.contrib.auth import get_user_model; "
                        f"get_user_model().objects.create_user({USERNAME!r}, password={PASSWORD!r})"],
                       cwd=ROOT, env=env, check=True, capture_output=True, timeout=120)

        # Plain HTTP (no proxy header) is redirected to HTTPS; HTTPS answers carry HSTS.
        plain = http.client.HTTPConnection("127.0.0.1", browser.port, timeout=30)
        plain.request("GET", "/accounts/login/", headers={"Host": f"127.0.0.1:{browser.port}"})
        redirect = plain.getresponse()
        assert redirect.status == 301 and redirect.getheader("Location").startswith("https://")
        status, headers, page = browser.get("/accounts/login/")
        assert status == 200 and "max-age=" in headers["strict-transport-security"]
        assert "content-security-policy" in headers

        # The static files were collected and are served with their hashed names.
        css = re.search(r'href="(/static/[^"]+\.css)"', page).group(1)
        assert browser.get(css)[0] == 200

        status, headers, _ = browser.post("/accounts/login/", {"username": USERNAME, "password": PASSWORD})
        assert status == 302, "signing in failed"
        assert "Secure" in "".join(m.output() for m in browser.cookies.values() if m.key == "sessionid")

        status, headers, _ = browser.post("/designs/new/", {"template": "starter-4-racks"})
        assert status == 302
        editor = urlsplit(headers["location"]).path
        status, _, page = browser.get(editor)
        assert status == 200 and "Findings" in page

        status, headers, _ = browser.post(editor + "estimates/start/", {})
        assert status == 302
        job_page = urlsplit(headers["location"]).path
        deadline, state = time.monotonic() + 180, ""
        while time.monotonic() < deadline:
            status, _, page = browser.get(job_page)
            assert status == 200
            state = re.search(r'id="estimate-status" data-state="(\w+)"', page).group(1)
            if state in ("succeeded", "failed"):
                break
            time.sleep(1)
        worker_log = (tmp_path / "worker.log").read_text()[-3000:]
        assert state == "succeeded", worker_log
    finally:
        for _, proc, _ in procs:
            stop(proc)
