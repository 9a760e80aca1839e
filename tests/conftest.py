"""Shared fixtures: the three personas (owner, collaborator, outsider) and a loaded catalog."""

from __future__ import annotations

import os
import socket

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

from tests.browser import browser, page  # noqa: E402,F401 - the one session-wide Chromium for browser tests

PASSWORD = "a-long-test-password-1"


def reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def require_or_skip(name: str, host: str, port: int) -> None:
    """Skip when a service is absent, unless STUDIO_REQUIRE_SERVICES=1 (CI), where it fails."""
    if reachable(host, port):
        return
    if os.environ.get("STUDIO_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{name} is not reachable at {host}:{port} and STUDIO_REQUIRE_SERVICES=1")
    pytest.skip(f"{name} is not reachable at {host}:{port}")


@pytest.fixture
def owner(django_user_model):
    return django_user_model.objects.create_user("owner", "owner@example.com", PASSWORD)


@pytest.fixture
def collaborator(django_user_model):
    return django_user_model.objects.create_user("collaborator", "collab@example.com", PASSWORD)


@pytest.fixture
def outsider(django_user_model):
    return django_user_model.objects.create_user("outsider", "outsider@example.com", PASSWORD)


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


@pytest.fixture
def loaded_catalog(db):
    from catalog.loading import load_catalog

    return load_catalog()


@pytest.fixture(autouse=True, scope="session")
def _in_memory_broker():
    """Tasks sent by tests go nowhere real (a worker of the developer's must not pick them up)."""
    from studio.celery import app

    app.conf.broker_url = "memory://"
    app.conf.broker_transport_options = {}
    yield


@pytest.fixture(autouse=True, scope="session")
def _catalog_checked_on_every_call():
    """Each test's database starts afresh (rolled back), so a catalog copy trusted for a while
    (``STUDIO_CATALOG_RECHECK_S``) could outlive the rows it came from: tests check on every call;
    tests/test_catalog_loading.py tests the interval itself."""
    from django.test.utils import override_settings

    with override_settings(STUDIO_CATALOG_RECHECK_S=0):
        yield


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hasher():
    """Tests hash passwords with MD5: PBKDF2's deliberate slowness buys nothing here (production keeps it)."""
    from django.test.utils import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield
