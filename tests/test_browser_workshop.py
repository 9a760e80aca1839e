"""In a real browser, the workshop walk (issue 12): the rack panel follows a site change, workloads are
typed and edited on the estimates page, the comparison and the presentation tell their story."""

import pytest
from playwright.sync_api import expect

from studio.services import create_from_reference
from tests.browser import screenshot, sign_in
from tests.conftest import PASSWORD
from tests.test_browser_editor import drag, tile_point

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_open_rack_panel_is_repainted_after_a_site_change(page, live_server, owner, loaded_catalog):
    design = create_from_reference(owner, "starter-4-racks")
    sign_in(page, live_server, "owner", PASSWORD)
    page.goto(f"{live_server.url}/designs/{design.code}/")
    page.locator("#rack-S01 .rack-body").click()
    expect(page.locator("#rack-panel .rack-panel-id")).to_have_text("S01")
    page.evaluate("document.getElementById('rack-panel').dataset.painted = 'before'")
    page.click("#site-tab")
    page.fill("#id_pue", "1.25")
    with page.expect_response(lambda r: "/edit/site/" in r.url):
        page.locator("#id_pue").press("Tab")
    expect(page.locator("#rack-panel .rack-panel-id")).to_have_text("S01")
    expect(page.locator("#rack-panel[data-painted='before']")).to_have_count(0)  # a new panel, not the stale one


def test_a_workload_is_typed_then_edited_on_the_estimates_page(page, live_server, owner, loaded_catalog):
    design = create_from_reference(owner, "dgx-b200-su")
    sign_in(page, live_server, "owner", PASSWORD)
    page.goto(f"{live_server.url}/designs/{design.code}/estimates/")
    page.click("#tab-workloads")
    rows = page.locator("#workloads tbody tr").count()
    page.fill("#wf_name", "Reasoning 70B")
    page.select_option("#wf_model", "llama-3.1-70b")
    page.select_option("#wf_precision", "fp4")  # B200 has FP4 units
    page.fill("#wf_input_tokens", "1000")
    page.fill("#wf_output_tokens", "8000")
    page.fill("#wf_tpot", "25")
    page.click("#workload-save")
    expect(page.locator("#workloads tbody tr")).to_have_count(rows + 1)
    expect(page.locator("#workloads")).to_contain_text("Reasoning 70B")
    expect(page.locator("#workloads")).to_contain_text("FP4")

    page.locator("#workloads tbody tr").last.locator(".workload-edit").click()
    expect(page.locator("#wf_name")).to_have_value("Reasoning 70B")
    page.fill("#wf_output_tokens", "0")
    page.click("#workload-save")
    expect(page.locator("#workload-errors")).to_contain_text("Output tokens: Tokens must be at least 1")
    page.fill("#wf_output_tokens", "4000")
    page.click("#workload-save")
    expect(page.locator("#workloads")).to_contain_text("4,000 out")

    page.locator("#workload-form").scroll_into_view_if_needed()
    screenshot(page, "workload-form")
    page.select_option("#wf_kind", "training")  # the form shows the training fields
    expect(page.locator("#wf_sequence_length")).to_be_visible()
    expect(page.locator("#wf_input_tokens")).to_be_hidden()


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)])
def test_the_presentation_moves_by_keyboard_zooms_the_hall_and_prints_every_slide(page, live_server, owner,
                                                                                 loaded_catalog, size):
    design = create_from_reference(owner, "starter-4-racks")
    page.set_viewport_size({"width": size[0], "height": size[1]})
    sign_in(page, live_server, "owner", PASSWORD)
    page.goto(f"{live_server.url}/designs/{design.code}/present/")
    expect(page.locator("#present-counter")).to_have_text("1 / 7")
    expect(page.locator("#slide-workload")).to_be_visible()
    page.keyboard.press("ArrowRight")
    expect(page.locator("#slide-hall")).to_be_visible()
    expect(page.locator("#slide-workload")).to_be_hidden()
    assert page.url.endswith("#slide-hall")
    before = page.locator("#present-svg").get_attribute("viewBox")
    page.click("[data-present-zoom=in]")
    assert page.locator("#present-svg").get_attribute("viewBox") != before
    page.keyboard.press("0")
    assert page.locator("#present-svg").get_attribute("viewBox") == before
    page.keyboard.press("End")
    expect(page.locator("#present-counter")).to_have_text("7 / 7")
    expect(page.locator("#slide-findings")).to_be_visible()
    page.keyboard.press("Home")
    expect(page.locator("#slide-workload")).to_be_visible()
    if size == (1920, 1080):
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
        page.wait_for_timeout(200)
        screenshot(page, "presentation-budget")
        page.keyboard.press("Home")
    box = page.locator("#slides").bounding_box()
    assert box["y"] + box["height"] <= size[1]  # the slide fits the screen
    page.emulate_media(media="print")
    expect(page.locator("#slides .slide:visible")).to_have_count(7)  # printing shows every slide


def test_a_rack_is_put_in_phase_two_and_the_floor_shows_the_build_up_to_phase_one(page, live_server, owner,
                                                                                   loaded_catalog):
    design = create_from_reference(owner, "starter-4-racks")
    sign_in(page, live_server, "owner", PASSWORD)
    page.goto(f"{live_server.url}/designs/{design.code}/")
    expect(page.locator(".phase-filter")).to_be_hidden()  # one phase: no filter
    page.locator("#rack-S03 .rack-body").click()
    expect(page.locator("#rack-panel .rack-panel-id")).to_have_text("S03")
    page.fill("#rack-phase", "2")
    with page.expect_response(lambda r: "/edit/phase/" in r.url):
        page.locator("#rack-phase").press("Tab")
    expect(page.locator("#editor-toast")).to_contain_text("Put S03 in phase 2")
    expect(page.locator("#rack-S03")).to_have_attribute("data-phase", "2")
    expect(page.locator(".phase-filter")).to_be_visible()
    page.select_option("select[data-phase-filter=floor-svg]", "1")
    expect(page.locator("#rack-S03.phase-later")).to_have_count(1)
    expect(page.locator("#rack-S01.phase-later")).to_have_count(0)
    page.select_option("select[data-phase-filter=floor-svg]", "")
    expect(page.locator("#rack-S03.phase-later")).to_have_count(0)


def test_a_hall_grows_by_a_unit_drop_a_repeat_and_a_fill_to_the_limit(page, live_server, owner, loaded_catalog):
    from studio.domain.design import Design, Site, SiteCooling
    from studio.services import create_design

    hall = create_design(owner, Design(name="Workshop hall", site=Site(
        width_m=36, depth_m=30, it_power_kw=5000, facility_power_kw=100_000, cooling=SiteCooling(100_000, 100_000))))
    sign_in(page, live_server, "owner", PASSWORD)
    page.goto(f"{live_server.url}/designs/{hall.code}/")
    expect(page.locator("#kpi-racks")).to_have_text("0")

    # one drag: a whole GB200 NVL72 scalable unit (8 racks of systems and 7 network racks)
    unit = page.locator("#unit-palette .palette-item[data-unit='gb200-nvl72-su']")
    unit.scroll_into_view_if_needed()
    drag(page, unit, tile_point(page, 2.5, 2.5))
    expect(page.locator("#kpi-racks")).to_have_text("15")
    expect(page.locator("#editor-toast")).to_contain_text("Added the scalable unit")

    # select the unit's racks (shift-click each), then repeat it once into new rows
    labels = page.eval_on_selector_all("#floor-svg .rack", "gs => gs.map(g => g.dataset.rack)")
    page.locator(f"#rack-{labels[0]}").click()
    for label in labels[1:]:
        page.locator(f"#rack-{label}").click(modifiers=["Shift"])
    page.click("#grow-tools .dropdown-toggle")
    page.fill("#repeat-count", "1")
    page.select_option("#repeat-direction", "rows")
    page.click("[data-action=repeat]")
    expect(page.locator("#kpi-racks")).to_have_text("30")

    # fill to the site's limit: the third unit fits, the fourth would need a core tier its network racks do not
    # hold (2,304 endpoints on quantum-2-ndr); the message names that wall, before the 5 MW of IT power
    if not page.locator("[data-action=fill]").is_visible():  # the menu stays open after a repeat
        page.click("#grow-tools .dropdown-toggle")
    page.click("[data-action=fill]")
    expect(page.locator("#editor-toast")).to_contain_text("Filled with 1 copy (15 racks); the next would meet "
                                                          "fabric.ports.insufficient")
    expect(page.locator("#kpi-racks")).to_have_text("45")
    page.wait_for_timeout(300)
    screenshot(page, "grow")

    # the selection (the first unit, still selected) goes to phase 2 in one edit
    if not page.locator("#selection-phase").is_visible():
        page.click("#grow-tools .dropdown-toggle")
    page.fill("#selection-phase", "2")
    page.click("[data-action=phase]")
    expect(page.locator("#editor-toast")).to_contain_text("15 racks in phase 2")
    expect(page.locator("#floor-svg .rack[data-phase='2']")).to_have_count(15)


def test_the_comparison_shows_each_workload_on_its_own_labelled_rows(page, live_server, owner, loaded_catalog):
    from studio.models import Job
    from studio.services import clone_as_scenario
    from studio.tasks import estimate_design_task

    design = create_from_reference(owner, "mi300x-inference-pod")
    design.workloads = [{"kind": "inference", "model": "llama-3.1-8b", "precision": "fp8", "scenario": "server",
                         "input_tokens": 300, "output_tokens": 290, "ttft_p99_limit_ms": 2000,
                         "tpot_p99_limit_ms": 200, "name": "Chat 8B"},
                        {"kind": "inference", "model": "llama-3.1-70b", "precision": "fp8", "scenario": "server",
                         "input_tokens": 1000, "output_tokens": 4000, "ttft_p99_limit_ms": 3000,
                         "tpot_p99_limit_ms": 50, "name": "Reasoning 70B"}]
    design.save()
    scenario = clone_as_scenario(design, owner, "MI300X, half the pod")
    for d in (design, scenario):
        job = Job.objects.create(owner=owner, kind="estimate", params={"design": str(d.code), "version": d.version})
        estimate_design_task.apply(args=[job.pk])
    sign_in(page, live_server, "owner", PASSWORD)
    page.goto(f"{live_server.url}/designs/{design.code}/compare/")
    page.locator("#compare-form input[type=checkbox]").first.check()
    page.click("#compare-form button[type=submit]")
    groups = page.locator("#compare-table tr.estimates-group")
    expect(groups).to_have_count(2)
    expect(groups.nth(0)).to_contain_text("Chat 8B")
    expect(groups.nth(1)).to_contain_text("Reasoning 70B")
    expect(page.locator("#compare-table")).to_contain_text("Output tokens/s (whole deployment)")
    screenshot(page, "compare-workloads")
    # each serving workload's frontier, one curve per scenario, drawn under the table (issue 9)
    expect(page.locator("#compare-frontiers .plotly-chart[data-drawn]")).to_have_count(2)
    legend = page.locator("#chart-frontier-1 .legendtext")
    expect(legend).to_have_count(3)  # the two scenarios and the operating-point star
    expect(legend.nth(1)).to_have_text(scenario.name)
    page.locator("#compare-frontiers").scroll_into_view_if_needed()
    screenshot(page, "compare-frontiers")
