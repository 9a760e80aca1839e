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
    assert client.get(reverse("healthz")).json() == {"status": "ok"}


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
    assert client.login(username="demo", password="demo-studio-2026")
