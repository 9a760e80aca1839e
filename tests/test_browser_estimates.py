"""In a real browser: add a preset workload, estimate the design, see the charts drawn by Plotly."""

import pytest
from playwright.sync_api import expect

from studio.models import Job
from studio.services import create_from_reference
from studio.tasks import estimate_design_task
from tests.browser import screenshot, sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_user_estimates_a_design_and_sees_the_charts(page, live_server, owner, loaded_catalog):
    design = create_from_reference(owner, "mi300x-inference-pod")
    sign_in(page, live_server, "owner", PASSWORD)
    page.goto(f"{live_server.url}/designs/{design.code}/")
    page.click("#estimates-link")
    rows_before = page.locator("#workloads tbody tr").count()
    page.select_option("#id_preset", "chat")
    page.select_option("#id_model", "llama-3.1-8b")
    page.click("#add-workload button[type=submit]")
    expect(page.locator("#workloads tbody tr")).to_have_count(rows_before + 1)

    page.click("#start-estimate")
    expect(page.locator("#estimate-status")).to_have_attribute("data-state", "queued")
    # no worker runs inside the test server: run the queued job here, as the worker would
    job = Job.objects.get(kind="estimate", params__design=str(design.code))
    estimate_design_task.apply(args=[job.pk])
    expect(page.locator("#estimate-status")).to_have_attribute("data-state", "succeeded", timeout=20000)
    expect(page.locator("#estimate-table")).to_contain_text("tok/s")
    expect(page.locator("#chart-frontier .main-svg").first).to_be_visible()
    page.wait_for_timeout(300)
    screenshot(page, "estimates")
    page.click("#res-tab-performance")  # the results in sections that each fit a screen
    expect(page.locator("#chart-throughput .main-svg").first).to_be_visible()
    page.click("#res-tab-scaling")
    expect(page.locator("#chart-scaling .main-svg").first).to_be_visible()
    page.wait_for_timeout(300)
    screenshot(page, "scaling")
