"""The production configuration, started for real: a fresh PostgreSQL database, Redis, and the
``Procfile``'s web (gunicorn) and worker processes with ``DEBUG=0``, behind a simulated TLS proxy.

Used by ``tests/test_production_start.py`` and ``bench/load_test.py``. ``Browser`` is a minimal
client that speaks to gunicorn as a TLS-terminating proxy would (``X-Forwarded-Proto: https``) and
keeps cookies, Secure ones included.
"""

from __future__ import annotations

import contextlib
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
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/test"
VERSION_RE = re.compile(r'id="design-version"[^>]*value="(\d+)"')


def procfile() -> dict[str, str]:
    """The ``Procfile``'s process types and their command lines."""
    lines = (ROOT / "Procfile").read_text().splitlines()
    return dict(line.split(":", 1) for line in lines if line.strip() and not line.startswith("#"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def fresh_database():
    """A new, empty PostgreSQL database (dropped afterwards); yields its ``DATABASE_URL``."""
    import psycopg

    name = f"studio_prod_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgres://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(ADMIN_DSN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def production_env(database_url: str, var_dir: Path, *, redis_db: int = 13, web_workers: int = 2,
                   worker_concurrency: int = 1, web_threads: int = 4) -> dict[str, str]:
    """The environment of a production start: DEBUG off, a strong key, PostgreSQL, Redis, TLS proxy."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DATABASE_URL", "CELERY_", "PYTEST", "DJANGO_", "STUDIO_", "SECRET_KEY", "DEBUG"))}
    env.update({"DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "127.0.0.1,localhost",
                "DATABASE_URL": database_url, "CELERY_BROKER_URL": f"redis://127.0.0.1:6379/{redis_db}",
                "STUDIO_VAR_DIR": str(var_dir), "STUDIO_BEHIND_TLS_PROXY": "1", "PORT": str(free_port()),
                "WEB_CONCURRENCY": str(web_workers), "WEB_THREADS": str(web_threads),
                "WORKER_CONCURRENCY": str(worker_concurrency),
                # a queue of its own: a worker left over from another run on this Redis cannot take its jobs
                "STUDIO_CELERY_QUEUE": f"studio-test-{uuid.uuid4().hex[:8]}"})
    return env


def manage(env: dict, *args: str, timeout: float = 300) -> str:
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=timeout)
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args[:2])} failed:\n{result.stderr[-3000:]}")
    return result.stdout


class Browser:
    """Speaks HTTP to gunicorn as a TLS-terminating proxy would; keeps cookies. Not thread-safe: one
    per simulated user."""

    def __init__(self, port: int):
        self.port, self.cookies = port, SimpleCookie()
        self.origin = f"https://127.0.0.1:{port}"
        self.conn: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, form: dict | list | None = None) -> tuple[int, dict, str]:
        headers = {"Host": f"127.0.0.1:{self.port}", "X-Forwarded-Proto": "https"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={m.value}" for k, m in self.cookies.items())
        body = None
        if form is not None:
            pairs = list(form.items()) if isinstance(form, dict) else list(form)
            body = urlencode([("csrfmiddlewaretoken", self.cookies["csrftoken"].value), *pairs])
            headers.update({"Content-Type": "application/x-www-form-urlencoded", "Origin": self.origin,
                            "Referer": self.origin + path, "HX-Request": "true"})
        for attempt in (1, 2):  # a kept-alive connection the server closed is retried once on a new one
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                text = response.read().decode("utf-8", "replace")
                break
            except Exception as exc:
                self.conn.close()
                self.conn = None
                retry = isinstance(exc, (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError))
                if attempt == 2 or not retry:
                    raise
        for value in response.headers.get_all("Set-Cookie") or []:
            self.cookies.load(value)
        if response.getheader("Connection", "").lower() == "close":
            self.conn.close()
            self.conn = None
        return response.status, {k.lower(): v for k, v in response.getheaders()}, text

    def get(self, path: str):
        return self.request("GET", path)

    def post(self, path: str, form):
        return self.request("POST", path, form)

    def ensure_csrf(self, path: str = "/accounts/login/") -> None:
        """Fetch a page that sets the CSRF cookie (a signed-in user: any studio page, e.g. "/designs/")."""
        if "csrftoken" not in self.cookies:
            self.get(path)

    def sign_in(self, username: str, password: str) -> None:
        self.ensure_csrf()
        status, _, _ = self.post("/accounts/login/", {"username": username, "password": password})
        if status != 302:
            raise RuntimeError(f"signing in as {username} answered {status}")


class Stack:
    """The web and worker processes of the ``Procfile``, started with ``env``; logs under ``log_dir``."""

    def __init__(self, env: dict, log_dir: Path):
        self.env, self.log_dir, self.procs = env, log_dir, []
        self.port = int(env["PORT"])

    def start(self, timeout_s: float = 240) -> Stack:
        try:
            return self._start(timeout_s)
        except BaseException:
            self.stop()  # never leave a web or worker process behind
            raise

    def _start(self, timeout_s: float) -> Stack:
        commands = procfile()
        for name in ("web", "worker"):
            log = open(self.log_dir / f"{name}.log", "w")  # noqa: SIM115 - closed with the process
            proc = subprocess.Popen(["bash", "-c", commands[name]], cwd=ROOT, env=self.env, start_new_session=True,
                                    stdout=log, stderr=subprocess.STDOUT)
            self.procs.append((name, proc))
        deadline, probe = time.monotonic() + timeout_s, Browser(self.port)
        while time.monotonic() < deadline:
            for name, proc in self.procs:
                if proc.poll() is not None:
                    raise RuntimeError(f"{name} exited early:\n{self.log(name)[-4000:]}")
            with contextlib.suppress(OSError):
                if probe.get("/healthz")[0] == 200:
                    return self
            time.sleep(1)
        raise RuntimeError("the web process did not answer /healthz in time")

    def log(self, name: str) -> str:
        return (self.log_dir / f"{name}.log").read_text(errors="replace")

    def stop(self) -> None:
        for _, proc in self.procs:
            for sig in (15, 9):
                try:
                    os.killpg(proc.pid, sig)
                    proc.wait(timeout=20)
                    break
                except ProcessLookupError:
                    break
                except subprocess.TimeoutExpired:
                    continue

    def __enter__(self) -> Stack:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
