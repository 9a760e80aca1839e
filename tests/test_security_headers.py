"""Headers every page carries (Content-Security-Policy, framing, referrer, no-sniff) and compressed pages."""

import gzip

import pytest
from django.urls import reverse

from studio.middleware import CONTENT_SECURITY_POLICY
from tests.editor_fixtures import design  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


def test_pages_carry_the_csp_and_the_hardening_headers(client):
    response = client.get(reverse("login"))
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "script-src 'self';" in CONTENT_SECURITY_POLICY and "unsafe-eval" not in CONTENT_SECURITY_POLICY
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_a_large_page_is_sent_gzipped_to_browsers_that_accept_it(owner_client, design):  # noqa: F811
    plain = owner_client.get(reverse("design_editor", args=[design.code]))
    packed = owner_client.get(reverse("design_editor", args=[design.code]), HTTP_ACCEPT_ENCODING="gzip")
    assert packed["Content-Encoding"] == "gzip" and "Content-Encoding" not in plain
    assert len(packed.content) * 3 < len(plain.content)
    assert b'id="floor-svg"' in gzip.decompress(packed.content)
