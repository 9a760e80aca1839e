"""The presentation tells the design's story in order: the workload and target, the hall, the power and
cooling budget, throughput and the frontier, the scaling path and its first wall, cost and capex, the
findings left open; the same slides print one a page."""

import re

import pytest
from django.urls import reverse

from studio.domain.design import Site, SiteCooling
from studio.domain.totals import Totals
from studio.models import Job
from studio.services import create_from_reference
from studio.tasks import estimate_design_task
from studio.templatetags.studio_tags import band_range
from studio.views.compare import budget_rows

pytestmark = pytest.mark.django_db

ORDER = ["slide-workload", "slide-hall", "slide-budget", "slide-throughput", "slide-scaling", "slide-cost",
         "slide-findings"]


def test_the_budget_rows_worked_example():
    site = Site(width_m=10, depth_m=10, it_power_kw=1500, facility_power_kw=0, cooling=SiteCooling(400, 0))
    rows = budget_rows(Totals(it_kw_max=1151, facility_kw=1381, heat_air_kw=500, heat_liquid_kw=850), site)
    it, facility, air, liquid = rows
    assert round(it["pct"]) == 77 and it["level"] == "ok"
    assert facility["pct"] is None and facility["limit_kw"] is None  # no facility limit set
    assert air["level"] == "over" and air["bar_pct"] == 100
    assert liquid["level"] is None


def test_the_slides_come_in_the_storys_order_with_the_estimate(owner_client, owner, loaded_catalog):
    design = create_from_reference(owner, "mi300x-inference-pod")
    html = owner_client.get(reverse("design_present", args=[design.code])).content.decode()
    assert re.findall(r'<section class="slide[^"]*" id="([a-z-]+)"', html) == ORDER
    assert "Not estimated yet" in html and "Capex (list prices)" in html
    job = Job.objects.create(owner=owner, kind="estimate", params={"design": str(design.code),
                                                                   "version": design.version})
    estimate_design_task.apply(args=[job.pk])
    job.refresh_from_db()
    html = owner_client.get(reverse("design_present", args=[design.code])).content.decode()
    result = next(r for r in job.result["results"] if r.get("inference"))
    assert f"{result['inference']['output_tokens_per_s']:,.0f} tok/s" in html
    assert f"{result['inference']['usd_per_million_tokens']:,.3f}" in html
    est = result["inference"]  # the latencies carry the published ranges the estimates page shows
    assert f"({band_range(est['ttft_ms'], est['ttft_band'])} / {band_range(est['tpot_ms'], est['tpot_band'])})" in html
    assert 'id="present-scaling-data"' in html
    assert "First wall" in html or "No wall within the sweep" in html


def test_open_findings_are_listed_on_the_last_slide(owner_client, owner, loaded_catalog):
    design = create_from_reference(owner, "dgx-h100-su")
    design.it_power_kw = 10  # far too little: site.power.exceeded
    design.save()
    html = owner_client.get(reverse("design_present", args=[design.code])).content.decode()
    findings = html[html.index('id="slide-findings"'):]
    assert "sev-error" in findings and "site" in findings


def test_an_outsider_cannot_see_the_presentation(client, outsider, owner, loaded_catalog):
    design = create_from_reference(owner, "starter-4-racks")
    client.force_login(outsider)
    assert client.get(reverse("design_present", args=[design.code])).status_code == 404
