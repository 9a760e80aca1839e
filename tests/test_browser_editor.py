"""In a real browser: start from a reference design, drag a rack onto the floor and a system into
it, watch a finding appear and go away, rename, clone to a scenario, compare, present."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser import screenshot, sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def tile_point(page, x: float, y: float, svg_id: str = "floor-svg"):
    """Screen coordinates of floor tile (x, y) (fractions allowed)."""
    return page.evaluate("""([x, y, id]) => {
        const svg = document.getElementById(id); const t = parseFloat(svg.dataset.tilePx);
        const p = svg.createSVGPoint(); p.x = x * t; p.y = y * t;
        const s = p.matrixTransform(svg.getScreenCTM()); return [s.x, s.y]; }""", [x, y, svg_id])


def u_point(page, u: int):
    """Screen coordinates of the middle of U slot ``u`` in the open elevation."""
    slot = page.locator(f"#elevation-svg .u-slot[data-u='{u}']")
    slot.scroll_into_view_if_needed()
    box = slot.bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def drag(page, source, target_xy):
    box = source.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    x, y = target_xy
    page.mouse.move(box["x"] + box["width"] / 2 + 10, box["y"] + box["height"] / 2 + 5, steps=3)
    page.mouse.move(x, y, steps=12)
    page.mouse.up()


def test_a_sales_engineer_lays_out_a_hall_live(page, live_server, owner, loaded_catalog):
    sign_in(page, live_server, "owner", PASSWORD)
    page.click("text=Designs")
    page.locator("form.reference-card[data-template=starter-4-racks] button").click()
    expect(page.locator("#kpi-racks")).to_have_text("4")
    expect(page.locator("#rack-S01")).to_be_visible()

    # drag a rack cabinet from the palette onto the floor, next to the row
    version = int(page.locator("#design-version").input_value())
    drag(page, page.locator("#rack-palette .palette-item[data-model='rack-48u-600x1200']"), tile_point(page, 6.5, 2.5))
    expect(page.locator("#kpi-racks")).to_have_text("5")
    expect(page.locator("#rack-S04")).to_be_visible()
    assert int(page.locator("#design-version").input_value()) == version + 1

    # open it and drag a DGX H100 into its elevation
    page.locator("#rack-S04 .rack-body").click()
    expect(page.locator("#rack-panel .rack-panel-id")).to_have_text("S04")
    gpus = int(page.locator("#kpi-gpus").inner_text().replace(",", ""))
    drag(page, page.locator("#device-palette .palette-item[data-model='dgx-h100']"), u_point(page, 8))
    expect(page.locator("#elevation-svg .device[data-model='dgx-h100']")).to_have_count(1)
    expect(page.locator("#kpi-gpus")).to_have_text(str(gpus + 8))
    page.locator("#rack-panel .rack-panel-head").scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    screenshot(page, "elevation")

    # a finding appears when the site's IT power is cut, and goes away on undo (Ctrl+Z)
    page.click("#site-tab")
    page.fill("#id_it_power_kw", "20")
    page.locator("#id_it_power_kw").press("Tab")
    page.click("#findings-tab")
    expect(page.locator(".finding[data-code='site.power.exceeded']")).to_have_count(1)
    page.click("#racks-tab")
    page.wait_for_timeout(400)  # let the tab's fade finish
    screenshot(page, "editor")
    page.click("#totals-bar")
    page.keyboard.press("Control+z")
    expect(page.locator(".finding[data-code='site.power.exceeded']")).to_have_count(0)

    # a drop outside the hall is refused with a message, nothing moves
    version = int(page.locator("#design-version").input_value())
    drag(page, page.locator("#rack-S04 .rack-body"), tile_point(page, 6.5, 7.5))
    expect(page.locator("#editor-toast")).to_contain_text("outside the hall")
    assert int(page.locator("#design-version").input_value()) == version
    expect(page.locator("#rack-S04")).to_have_attribute("data-x", "6")

    # rename in place
    page.fill(".editor-name-input", "Customer X — pilot")
    page.locator(".editor-name-input").press("Enter")
    expect(page.locator("#editor-toast")).to_contain_text("Renamed")


    # clone to a scenario, change it, compare
    page.click("#clone-button")
    expect(page.locator(".editor-name-input")).to_have_value(re.compile("scenario"))
    page.locator("#rack-S04 .rack-body").click()
    page.click("[data-action=delete]")
    expect(page.locator("#kpi-racks")).to_have_text("4")
    page.click("#compare-link")
    page.locator("#compare-form input[type=checkbox]").first.check()
    page.click("#compare-form button[type=submit]")
    expect(page.locator("#compare-table")).to_be_visible()
    expect(page.locator("#compare-table td.differs").first).to_be_visible()
    screenshot(page, "compare")

    page.goto(page.url.split("/compare/")[0] + "/present/")
    expect(page.locator(".present-title")).to_be_visible()
    screenshot(page, "presentation")
