"""Read-only share links: the owner creates one (design or scenario comparison, label, optional
expiry), lists and revokes it; a visitor without an account sees the design and nothing else;
revoked, expired and unknown tokens answer 404; every persona on every sharing view; a comparison
link overlays each serving workload's frontiers as the owner's comparison does, with no "estimate it" links."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from studio import services
from studio.models import DesignMember, Job, ShareLink
from studio.tasks import estimate_design_task
from tests.editor_fixtures import design, hall  # noqa: F401 - fixtures
from tests.test_compare_view import curves, estimated, overlays, pair, stars  # noqa: F401 - helpers and fixture

pytestmark = pytest.mark.django_db


def create(client, d, **data):
    return client.post(reverse("design_share_create", args=[d.code]), {"label": "Customer review", **data})


def share_url(link):
    return reverse("share_view", args=[link.token])


def test_the_owner_creates_a_link_with_an_unguessable_token_and_sees_it_listed(owner_client, design):  # noqa: F811
    response = create(owner_client, design)
    assert response.status_code == 302 and response["Location"] == reverse("design_sharing", args=[design.code])
    link = ShareLink.objects.get(design=design)
    assert len(link.token) == 43 and re.fullmatch(r"[A-Za-z0-9_-]+", link.token)
    assert str(design.code) not in share_url(link)
    page = owner_client.get(reverse("design_sharing", args=[design.code])).content.decode()
    assert "Customer review" in page and link.token in page and 'data-state="active"' in page


def test_a_visitor_without_an_account_sees_floor_plan_elevations_findings_and_totals(owner_client, design):  # noqa: F811
    create(owner_client, design)
    link = ShareLink.objects.get()
    visitor = Client()
    response = visitor.get(share_url(link))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="share-floor"' in html and "elevation-svg" in html and 'id="shared-findings"' in html
    assert 'id="shared-totals"' in html and design.name in html
    assert "A01" in html and "and 3 more like it" in html  # four identical racks drawn once
    assert 'method="post"' not in html.lower() and "csrfmiddlewaretoken" not in html
    assert f"/designs/{design.code}/" not in html  # no way into the editor or the exports
    assert response["X-Robots-Tag"].startswith("noindex") and response["Referrer-Policy"] == "no-referrer"
    assert 'id="shared-no-estimate"' in html


def test_the_shared_page_shows_the_latest_estimate_with_its_charts(owner_client, owner, loaded_catalog):
    row = services.create_from_reference(owner, "dgx-h100-su")
    owner_client.post(reverse("design_estimate_start", args=[row.code]))
    job = Job.objects.get(kind="estimate")
    estimate_design_task.apply(args=[job.pk])
    job.refresh_from_db()
    assert job.state == Job.SUCCEEDED, job.error
    create(owner_client, row)
    html = Client().get(share_url(ShareLink.objects.get())).content.decode()
    assert 'id="estimate-table"' in html and 'data-plotly-figure="chart-throughput-data"' in html


def test_revoked_expired_and_unknown_links_answer_404(owner_client, design):  # noqa: F811
    create(owner_client, design)
    link = ShareLink.objects.get()
    visitor = Client()
    assert visitor.get(share_url(link)).status_code == 200
    assert visitor.get(reverse("share_view", args=[link.token[:-1] + "x"])).status_code == 404
    owner_client.post(reverse("design_share_revoke", args=[design.code, link.code]))
    link.refresh_from_db()
    assert link.revoked_at is not None and visitor.get(share_url(link)).status_code == 404
    expired = ShareLink.objects.create(design=design, label="old", created_by=design.owner,
                                       expires_at=timezone.now() - dt.timedelta(minutes=1))
    assert visitor.get(share_url(expired)).status_code == 404
    page = owner_client.get(reverse("design_sharing", args=[design.code])).content.decode()
    assert 'data-state="revoked"' in page and 'data-state="expired"' in page


def test_an_expiry_date_keeps_the_link_open_until_the_end_of_that_day(owner_client, design):  # noqa: F811
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    create(owner_client, design, expires=tomorrow.isoformat())
    link = ShareLink.objects.get()
    assert link.expires_at == dt.datetime.combine(tomorrow + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)
    assert Client().get(share_url(link)).status_code == 200


@pytest.mark.parametrize("data, message", [
    ({"label": ""}, "needs a label"),
    ({"label": "x" * 121}, "needs a label"),
    ({"kind": "everything"}, "Unknown kind of link"),
    ({"expires": "2001-01-01"}, "in the past"),
    ({"expires": "next week"}, "YYYY-MM-DD"),
    ({"expires": "2999-01-01"}, "within 366 days"),
    ({"kind": "compare"}, "Pick one or more scenarios"),
])
def test_bad_link_requests_are_refused_with_a_400_and_the_reason(owner_client, design, data, message):  # noqa: F811
    response = create(owner_client, design, **data)
    assert response.status_code == 400 and message in response.content.decode()
    assert not ShareLink.objects.exists()


def test_a_comparison_link_shows_the_chosen_scenarios_side_by_side(owner_client, owner, design, outsider):  # noqa: F811
    scenario = services.clone_as_scenario(design, owner, "Hall B200")
    foreign = services.create_design(outsider, hall("Someone else's"))
    response = create(owner_client, design, kind="compare", **{"with": [str(foreign.code)]})
    assert response.status_code == 400
    create(owner_client, design, kind="compare", **{"with": [str(scenario.code)]})
    link = ShareLink.objects.get()
    assert link.compare_with == [str(scenario.code)]
    html = Client().get(share_url(link)).content.decode()
    assert 'id="compare-table"' in html and "Hall B200" in html and design.name in html
    assert 'id="share-floor-1"' in html and "Someone else" not in html


def test_a_comparison_link_never_shows_a_scenario_someone_else_owns(owner_client, design, collaborator):  # noqa: F811
    DesignMember.objects.create(design=design, user=collaborator, role=DesignMember.EDIT)
    theirs = services.clone_as_scenario(design, collaborator, "Collaborator's private variant")
    DesignMember.objects.create(design=theirs, user=design.owner, role=DesignMember.VIEW)  # the owner may look
    assert "private variant" in owner_client.get(reverse("design_compare", args=[design.code])).content.decode()
    page = owner_client.get(reverse("design_sharing", args=[design.code])).content.decode()
    assert "Collaborator's private variant" not in page.replace("&#x27;", "'")
    response = create(owner_client, design, kind="compare", **{"with": [str(theirs.code)]})
    assert response.status_code == 400 and not ShareLink.objects.exists()
    link = ShareLink.objects.create(design=design, kind=ShareLink.COMPARE, compare_with=[str(theirs.code)],
                                    label="forged", created_by=design.owner)
    assert "private variant" not in Client().get(share_url(link)).content.decode()


def test_every_persona_on_the_sharing_views(client, design, collaborator, outsider):  # noqa: F811
    owner_client = Client()
    owner_client.force_login(design.owner)
    create(owner_client, design)
    link = ShareLink.objects.get()
    manage = reverse("design_sharing", args=[design.code])
    create_url = reverse("design_share_create", args=[design.code])
    revoke = reverse("design_share_revoke", args=[design.code, link.code])
    # anonymous and the share-link visitor: sign-in for everything but the link itself
    for url in (manage, create_url, revoke):
        response = client.get(url) if url == manage else client.post(url, {"label": "x"})
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert client.get(share_url(link)).status_code == 200
    assert client.post(share_url(link)).status_code == 405
    # members: 403, whatever their role; outsiders: 404
    member = DesignMember.objects.create(design=design, user=collaborator, role=DesignMember.EDIT)
    for role in (DesignMember.EDIT, DesignMember.VIEW):
        member.role = role
        member.save()
        client.force_login(collaborator)
        assert client.get(manage).status_code == 403
        assert client.post(create_url, {"label": "mine"}).status_code == 403
        assert client.post(revoke).status_code == 403
    client.force_login(outsider)
    assert client.get(manage).status_code == 404
    assert client.post(create_url, {"label": "mine"}).status_code == 404
    assert client.post(revoke).status_code == 404
    # a signed-in outsider, a member or the owner with the link sees the shared page, like anyone with it
    assert client.get(share_url(link)).status_code == 200
    assert owner_client.get(share_url(link)).status_code == 200
    client.force_login(collaborator)
    assert client.get(share_url(link)).status_code == 200
    assert ShareLink.objects.count() == 1 and ShareLink.objects.get().revoked_at is None
    # the owner: another design's link cannot be revoked through this design
    other = services.create_design(design.owner, hall("Other"))
    foreign = ShareLink.objects.create(design=other, label="other", created_by=design.owner)
    assert owner_client.post(reverse("design_share_revoke", args=[design.code, foreign.code])).status_code == 404


def test_deleting_the_design_ends_its_links(owner_client, design):  # noqa: F811
    create(owner_client, design)
    link = ShareLink.objects.get()
    owner_client.post(reverse("design_delete", args=[design.code]))
    assert Client().get(share_url(link)).status_code == 404


def test_the_shared_page_makes_no_more_queries_for_forty_racks_than_for_four(owner, loaded_catalog):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from studio import editing

    counts = []
    for racks in (4, 40):
        row = services.create_design(owner, hall(f"Hall {racks}", racks))
        link = ShareLink.objects.create(design=row, label="q", created_by=owner)
        editing.forget_states()  # no validation kept in memory: the page loads the design itself
        with CaptureQueriesContext(connection) as queries:
            assert Client().get(share_url(link)).status_code == 200
        counts.append(len(queries))
    assert counts[1] <= counts[0] <= 10, counts  # the first request also loads the catalog


# --- a comparison link: each serving workload's frontiers overlaid, as on the owner's comparison ---

def script_tags(html: str) -> list[str]:
    return re.findall(r"<script\b[^>]*>", html)


def test_the_shared_comparison_overlays_the_frontiers_without_estimate_links(owner_client, owner, pair):  # noqa: F811
    from studio.middleware import CONTENT_SECURITY_POLICY

    base, scenario = pair
    estimated(base)
    estimated(scenario)
    scenario.version += 1  # the scenario changed after its estimate: the owner's page offers "estimate it again"
    scenario.save(update_fields=["version"])
    link = ShareLink.objects.create(design=base, kind=ShareLink.COMPARE, compare_with=[str(scenario.code)],
                                    created_by=owner, label="workshop")
    response = Client().get(share_url(link))
    html = response.content.decode()
    assert response.status_code == 200
    charts = overlays(html)
    assert list(charts) == ["chart-frontier-1", "chart-frontier-2"]  # one chart per shared serving workload
    chat = charts["chart-frontier-1"]
    assert chat["layout"]["title"]["text"].startswith("Chat 8B")
    assert [t["name"] for t in curves(chat)] == [base.name, f"{scenario.name} (estimated before the last change)"]
    assert len(stars(chat)) == 2
    # the same figures as the owner's comparison, from the same code
    owner_html = owner_client.get(reverse("design_compare", args=[base.code]),
                                  {"with": str(scenario.code)}).content.decode()
    assert overlays(owner_html) == charts
    # the owner may estimate again; a visitor with the link may not, and sees no way into the studio
    assert "estimate it again" in owner_html and reverse("design_estimates", args=[scenario.code]) in owner_html
    assert f"<strong>{scenario.name}</strong>: estimated before the last change to the design" in html
    assert "estimate it" not in html and "/estimates" not in html
    assert f"/designs/{base.code}/" not in html and f"/designs/{scenario.code}/" not in html
    # Plotly and charts.js from the studio's own origin, which the CSP allows; no inline script runs
    assert 'src="/static/vendor/plotly-7.1.0.min.js"' in html and 'src="/static/js/charts.js"' in html
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "script-src 'self';" in response["Content-Security-Policy"]
    for tag in script_tags(html):
        assert 'src="/static/' in tag or 'type="application/json"' in tag, tag
    assert response["Referrer-Policy"] == "no-referrer" and response["X-Robots-Tag"].startswith("noindex")


def test_a_shared_comparison_lists_an_unestimated_scenario_without_a_link_and_loads_no_plotly_without_charts(
        owner_client, owner, pair):  # noqa: F811
    base, scenario = pair
    link = ShareLink.objects.create(design=base, kind=ShareLink.COMPARE, compare_with=[str(scenario.code)],
                                    created_by=owner, label="workshop")
    html = Client().get(share_url(link)).content.decode()  # nothing estimated: no chart, no Plotly
    assert 'id="compare-table"' in html
    assert "compare-frontiers" not in html and "plotly" not in html and "charts.js" not in html
    assert not overlays(html)
    estimated(base)
    html = Client().get(share_url(link)).content.decode()
    charts = overlays(html)
    assert len(charts) == 2 and all([t["name"] for t in curves(f)] == [base.name] for f in charts.values())
    assert html.count(f"<strong>{scenario.name}</strong>: no estimate yet") == 2
    assert "estimate it" not in html and reverse("design_estimates", args=[scenario.code]) not in html
    owner_html = owner_client.get(reverse("design_compare", args=[base.code]),
                                  {"with": str(scenario.code)}).content.decode()
    assert owner_html.count(f"no estimate yet · <a href=\"{reverse('design_estimates', args=[scenario.code])}\">"
                            "estimate it</a>") == 2  # the owner's page keeps its links


def test_a_revoked_expired_or_wrong_comparison_token_still_answers_404_with_no_chart(owner_client, owner, pair):  # noqa: F811
    base, scenario = pair
    estimated(base)
    link = ShareLink.objects.create(design=base, kind=ShareLink.COMPARE, compare_with=[str(scenario.code)],
                                    created_by=owner, label="workshop")
    visitor = Client()
    assert overlays(visitor.get(share_url(link)).content.decode())
    wrong = visitor.get(reverse("share_view", args=[link.token[:-1] + ("x" if link.token[-1] != "x" else "y")]))
    assert wrong.status_code == 404 and b"chart-frontier" not in wrong.content
    expired = ShareLink.objects.create(design=base, kind=ShareLink.COMPARE, compare_with=[str(scenario.code)],
                                       created_by=owner, label="old",
                                       expires_at=timezone.now() - dt.timedelta(minutes=1))
    response = visitor.get(share_url(expired))
    assert response.status_code == 404 and b"chart-frontier" not in response.content
    owner_client.post(reverse("design_share_revoke", args=[base.code, link.code]))
    response = visitor.get(share_url(link))
    assert response.status_code == 404 and b"chart-frontier" not in response.content and b"Chat 8B" not in response.content
    assert visitor.post(share_url(expired)).status_code == 405  # still read-only: GET only


def test_a_forged_comparison_link_never_draws_a_scenario_someone_else_owns(owner, pair, collaborator):  # noqa: F811
    base, scenario = pair
    DesignMember.objects.create(design=base, user=collaborator, role=DesignMember.EDIT)
    theirs = services.clone_as_scenario(base, collaborator, "Collaborator's private variant")
    estimated(base)
    estimated(theirs)
    link = ShareLink.objects.create(design=base, kind=ShareLink.COMPARE,
                                    compare_with=[str(scenario.code), str(theirs.code)], label="forged",
                                    created_by=owner)
    html = Client().get(share_url(link)).content.decode()
    names = {t["name"] for f in overlays(html).values() for t in curves(f)}
    assert names == {base.name} and "private variant" not in html
