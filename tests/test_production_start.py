"""The production start, as the ``Procfile`` runs it: ``DEBUG=0`` on PostgreSQL + Redis, the web process
(migrate, collectstatic, load_catalog, gunicorn) and the worker process (with beat), behind a
TLS-terminating proxy (simulated by the ``X-Forwarded-Proto: https`` header it would set). A user signs
in, opens the editor of a design made from a reference, and runs an estimate to the end on the real
worker; the health check reports the worker alive.

Skipped when PostgreSQL or Redis is absent, except when STUDIO_REQUIRE_SERVICES=1 (CI), where it fails.
"""

from __future__ import annotations

import http.client
import re
import time
from urllib.parse import urlsplit

import pytest

from tests.conftest import require_or_skip
from tests.prodstack import Browser, Stack, fresh_database, manage, production_env

pytestmark = pytest.mark.services
USERNAME, PASSWORD = "prod-user", "a-long-production-password-7"


@pytest.fixture
def env(tmp_path):
    require_or_skip("PostgreSQL", "127.0.0.1", 5432)
    require_or_skip("Redis", "127.0.0.1", 6379)
    with fresh_database() as database_url:
        yield production_env(database_url, tmp_path / "var")


def test_the_procfile_serves_the_studio_with_debug_off_on_postgresql_and_redis(env, tmp_path):
    manage(env, "check", "--deploy", "--fail-level", "WARNING")
    with Stack(env, tmp_path) as stack:
        manage(env, "shell", "-c", "from django.contrib.auth import get_user_model; "
                                   f"get_user_model().objects.create_user({USERNAME!r}, password={PASSWORD!r})")
        browser = Browser(stack.port)

        # Plain HTTP (no proxy header) is redirected to HTTPS; HTTPS answers carry HSTS and the CSP.
        plain = http.client.HTTPConnection("127.0.0.1", stack.port, timeout=30)
        plain.request("GET", "/accounts/login/", headers={"Host": f"127.0.0.1:{stack.port}"})
        redirect = plain.getresponse()
        assert redirect.status == 301 and redirect.getheader("Location").startswith("https://")
        status, headers, page = browser.get("/accounts/login/")
        assert status == 200 and "max-age=" in headers["strict-transport-security"]
        assert "script-src 'self'" in headers["content-security-policy"]

        # The static files were collected and are served under their hashed names.
        css = re.search(r'href="(/static/[^"]+\.css)"', page).group(1)
        assert re.search(r"\.[0-9a-f]{12}\.css$", css) and browser.get(css)[0] == 200

        browser.sign_in(USERNAME, PASSWORD)
        assert any(m.key == "sessionid" and m["secure"] for m in browser.cookies.values())

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
        assert state == "succeeded", stack.log("worker")[-3000:]

        # The worker's beat ran the job sweep: the health check sees a live worker and a reachable broker.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            health = browser.get("/healthz?strict=1")
            if health[0] == 200:
                break
            time.sleep(1)
        assert health[0] == 200 and '"alive": true' in health[2], health[2]
