"""Every page but sign-in requires a user; sign-in and sign-out work; the demo user can be created."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["home", "catalog_list", "job_list"])
def test_pages_redirect_anonymous_users_to_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login") + "?next=")


def test_the_sign_in_page_and_health_check_are_public(client):
    assert client.get(reverse("login")).status_code == 200
    assert client.get(reverse("healthz")).json()["database"] == "ok"


def test_a_user_signs_in_and_out(client, owner):
    response = client.post(reverse("login"), {"username": "owner", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


def test_a_wrong_password_is_refused_with_a_message(client, owner):
    response = client.post(reverse("login"), {"username": "owner", "password": "nope"})
    assert response.status_code == 200
    assert "didn't match. Please try again." in response.content.decode()


def test_the_demo_user_command_is_idempotent(client, django_user_model):
    call_command("ensure_demo_user")
    call_command("ensure_demo_user")
    assert django_user_model.objects.filter(username="demo").count() == 1
    response = client.post(reverse("login"), {"username": "demo", "password": "demo-studio-2026"})
    assert response.status_code == 302


def test_sign_in_is_rate_limited_per_user_name_and_address(client, owner, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post(reverse("login"), {"username": "owner", "password": "nope"}).status_code == 200
    locked = client.post(reverse("login"), {"username": "owner", "password": "nope"})
    assert locked.status_code == 429 and "Too many failed sign-ins" in locked.content.decode()
    assert "15 minutes" in locked.content.decode()
    # Even the right password is refused while locked out; another user is unaffected.
    assert client.post(reverse("login"), {"username": "owner", "password": PASSWORD}).status_code == 429
    assert client.post(reverse("login"), {"username": "nobody", "password": "nope"}).status_code == 200


def test_a_success_before_the_limit_resets_the_count(client, owner, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(reverse("login"), {"username": "owner", "password": "nope"})
    assert client.post(reverse("login"), {"username": "owner", "password": PASSWORD}).status_code == 302
    client.post(reverse("logout"))
    assert client.post(reverse("login"), {"username": "owner", "password": "nope"}).status_code == 200
