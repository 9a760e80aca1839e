"""The findings panel stays small for a large hall: grouped by severity and code, a few of each shown,
the rest a page at a time ("show more")."""

from dataclasses import replace

import pytest
from django.urls import reverse

from studio import services
from studio.views.editor import FINDINGS_PAGE, FINDINGS_SHOWN
from tests.editor_fixtures import big_hall

pytestmark = pytest.mark.django_db


@pytest.fixture
def crowded(owner, loaded_catalog):
    """300 racks, each with more systems than its PDUs carry: one A/B feed warning per rack."""
    hall = big_hall(300, devices=5)
    return services.create_design(owner, replace(hall, site=replace(hall.site, it_power_kw=100_000,
                                                                       facility_power_kw=130_000)))


def test_the_panel_shows_a_few_of_each_code_and_the_count(owner_client, crowded):
    html = owner_client.get(reverse("design_editor", args=[crowded.code])).content.decode()
    panel = html[html.index('id="findings-panel"'):]
    errors = panel.count('data-code="rack.power.feed_redundancy"')
    assert errors == FINDINGS_SHOWN + 1  # the shown findings and the code's heading
    assert "× 300" in panel and f"Show {300 - FINDINGS_SHOWN} more rack.power.feed_redundancy" in panel


def test_show_more_pages_through_a_codes_findings(owner_client, crowded):
    url = reverse("design_findings", args=[crowded.code])
    first = owner_client.get(url, {"severity": "warning", "code": "rack.power.feed_redundancy",
                                   "offset": FINDINGS_SHOWN}).content.decode()
    assert first.count('class="finding finding-warning"') == FINDINGS_PAGE
    assert f"offset={FINDINGS_SHOWN + FINDINGS_PAGE}" in first
    last = owner_client.get(url, {"severity": "warning", "code": "rack.power.feed_redundancy", "offset": 250}).content
    assert last.decode().count('class="finding finding-warning"') == 50 and b"Show" not in last
    assert owner_client.get(url, {"severity": "warning", "code": "x", "offset": "many"}).status_code == 400
