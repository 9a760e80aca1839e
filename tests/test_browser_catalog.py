"""In a real browser: sign in, open the catalog, filter it (htmx), open an item, run the sample job."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser import screenshot, sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_user_signs_in_and_filters_the_catalog(page, live_server, owner, loaded_catalog):
    sign_in(page, live_server, "owner", PASSWORD)
    page.click("text=Catalog")
    expect(page.locator("#catalog-count")).to_have_text(re.compile(r"\d+ items"))
    total = int(page.locator("#catalog-count").inner_text().split()[0])
    assert total >= 60

    page.select_option("#id_kind", "switch")
    expect(page.locator("tr[data-slug=quantum-2-ndr]")).to_be_visible()
    expect(page.locator("tr[data-slug=dgx-h100]")).to_have_count(0)
    assert "kind=switch" in page.url  # the filter is in the address bar, so it can be shared

    page.fill("#id_q", "x800")
    expect(page.locator("#catalog-count")).to_have_text("1 item")
    expect(page.locator("tr[data-slug=quantum-x800-xdr]")).to_be_visible()

    page.fill("#id_q", "")
    page.select_option("#id_kind", "system")
    expect(page.locator("tr[data-slug=dgx-h100]")).to_be_visible()
    screenshot(page, "catalog")

    page.click("tr[data-slug=dgx-h100] a")
    expect(page.locator("h1")).to_have_text("NVIDIA DGX H100")
    expect(page.locator("#spec-table")).to_contain_text("Max power")
    screenshot(page, "catalog-item")


def test_the_sample_job_runs_with_a_live_progress_bar(page, live_server, owner, loaded_catalog, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    sign_in(page, live_server, "owner", PASSWORD)
    page.goto(f"{live_server.url}/jobs/")
    from studio.models import Job

    # No worker runs in this test process: the page must say the job waits for one, then show
    # progress as the worker (simulated through the same job API the task uses) reports it.
    page.click("#start-catalog-stats")
    expect(page.locator("#job-card")).to_have_attribute("data-state", "queued")
    job = Job.objects.get(owner=owner)
    from studio import jobs

    started = jobs.start(job.pk)
    jobs.report_progress(started, 45, "Counted systems")
    expect(page.locator("#job-message")).to_contain_text("Counted systems")
    expect(page.locator(".progress-bar")).to_have_text("45%")
    from studio.services import catalog_statistics

    jobs.succeed(started, catalog_statistics(lambda *a: None))
    expect(page.locator("#job-card")).to_have_attribute("data-state", "succeeded")
    expect(page.locator("#job-result")).to_contain_text("System density")
    screenshot(page, "job")
