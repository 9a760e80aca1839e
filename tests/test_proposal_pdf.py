"""The PDF proposal read back with pdftotext: its sections, the totals, estimate and BOM numbers the
studio shows elsewhere, page count and size; a design with errors; the charts' axis arithmetic;
``manage.py proposal``."""

import dataclasses
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command

from catalog.datafiles import file_catalog
from studio.domain.bom import bill_of_materials
from studio.domain.designfile import parse_design_text
from studio.domain.rules import validate
from studio.estimating import estimate_result
from studio.reports.proposal import ProposalInputs, catalog_sources, data_uri, drawing_css, render_pdf
from studio.reports.proposal_charts import scaling_svg
from studio.reports.proposal_plot import log_ticks, nice_step, nice_ticks, short

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "studio" / "reference_designs"
SECTIONS = ("Contents", "Executive summary", "Site, power and cooling budget", "Floor plan", "Rack elevations",
            "Findings", "Fabric and storage", "Estimates", "Bill of materials", "Assumptions and confidence",
            "Sources of catalog numbers")


def pdf_text(pdf: bytes, tmp_path: Path) -> list[str]:
    """The text of each page (pdftotext, layout kept)."""
    path = tmp_path / "proposal.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return out.split("\f")


def page_size_pts(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "size.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    return next(line for line in info.splitlines() if line.startswith("Page size")).split(":", 1)[1].strip()


@pytest.fixture(scope="module")
def catalog():
    return file_catalog()


@pytest.fixture(scope="module")
def su(catalog, tmp_path_factory):
    """The DGX H100 SU reference design, its validation, estimate, BOM and its proposal's pages."""
    design = parse_design_text((REFERENCE / "dgx-h100-su.json").read_text(encoding="utf-8"), catalog)
    report = validate(design, catalog)
    result = estimate_result(design, catalog, lambda *a: None)
    inputs = ProposalInputs(design=design, report=report, catalog=catalog, result=result,
                            customer="Acme AI Cloud", author="Jane Planner", version=7)
    rendered = render_pdf(inputs)
    pages = pdf_text(rendered.pdf, tmp_path_factory.mktemp("su"))
    return {"design": design, "report": report, "result": result, "rendered": rendered, "pages": pages,
            "text": "\n".join(pages), "bom": bill_of_materials(design, catalog, report.totals)}


def test_a_tick_step_is_one_two_or_five_times_a_power_of_ten():
    """The worked examples of ``nice_step``, ``nice_ticks``, ``log_ticks`` and ``short``."""
    assert nice_step(23, 5) == 5
    assert nice_ticks(0, 23) == [0, 5, 10, 15, 20, 25]
    assert nice_step(1_900_000, 5) == 500_000
    assert log_ticks(1, 512) == [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]
    assert (short(1_250_000), short(25_000), short(0.5), short(120)) == ("1.25M", "25k", "0.5", "120")


def test_the_proposal_has_every_section_a_contents_page_and_page_numbers(su):
    pages, n = su["pages"], su["rendered"].pages
    assert 10 <= n <= 40
    for title in SECTIONS:
        assert title in su["text"], title
    assert "AI factory proposal".upper() in pages[0].upper() and "Acme AI Cloud" in pages[0]
    assert "Jane Planner" in pages[0] and "version 7" in pages[0]
    assert f"Page 2 of {n}" in pages[1] and f"Page {n} of {n}" in pages[n - 1]
    assert "Page 1 of" not in pages[0]  # the cover has no running header or footer
    assert su["design"].name in pages[2]  # the running header names the design


def test_the_summary_shows_the_totals_the_estimate_and_the_capex(su):
    summary = su["pages"][2]
    totals, bom = su["report"].totals, su["bom"]
    assert "Executive summary" in summary
    assert f"{totals.gpus:,}" in summary
    assert f"{totals.it_kw_max / 1000:,.2f} MW" in summary and f"{totals.facility_kw / 1000:,.2f} MW" in summary
    assert f"${bom.capex_usd:,.0f}" in summary
    training = su["result"]["results"][0]["training"]
    assert f"{training['tokens_per_s']:,.0f} tok/s" in summary
    assert f"{training['time_to_train_s'] / 86400:,.1f} days to train" in summary
    assert f"{training['tokens_per_joule_it']:,.2f}" in summary
    assert su["result"]["scaling"]["first_wall"] in summary
    assert "No errors and no warnings" in summary


def test_the_budget_and_bom_pages_carry_validate_s_and_the_bom_s_numbers(su):
    text, totals, bom = su["text"], su["report"].totals, su["bom"]
    for value in (totals.it_kw_max, totals.it_kw_typical, totals.facility_kw, totals.room_air_kw,
                  totals.facility_liquid_kw):
        assert f"{value:,.1f} kW" in text, value
    for line in bom.lines:
        assert f"{line.quantity:,}" in text
        if line.priced:
            assert f"{line.extended_usd:,.0f}" in text, line.description
    for section in bom.sections:
        assert f"{bom.section_usd(section):,.0f}" in text, section
    assert f"${bom.capex_usd:,.0f}" in "\n".join(p for p in su["pages"][2:] if "Bill of materials" in p)
    for media, n in totals.cables.items():
        assert f"{n:,}" in text, media


def test_the_estimate_pages_carry_the_scaling_path_and_the_assumptions(su):
    text, scaling = su["text"], su["result"]["scaling"]
    for step in scaling["steps"]:
        assert f"{step['gpus']:,}" in text and f"{step['it_power_kw']:,.0f}" in text
    training = su["result"]["results"][0]["training"]
    assert training["band"]["reason"][:40] in text.replace("\n", " ").replace("  ", " ") or "Confidence band" in text
    assert "Scaling path" in text and "Throughput with confidence band" in text


def test_every_catalog_item_the_proposal_uses_has_its_source_listed(su, catalog):
    sources = catalog_sources(su["design"], catalog, su["bom"])
    slugs = {s["slug"] for s in sources}
    assert {"dgx-h100", "rack-48u-600x1200", "pdu-415v-60a-3ph", "quantum-2-ndr", "llama-3.1-70b"} <= slugs
    assert catalog.get("dgx-h100").accelerator in slugs  # the GPU inside the system
    assert all(s["source"] for s in sources)
    section = "\n".join(p for p in su["pages"][2:] if "Sources of catalog numbers" in p)
    for slug in ("dgx-h100", "quantum-2-ndr", "llama-3.1-70b"):
        assert slug in section


def test_the_drawings_are_the_editor_s_svg_with_its_css(su):
    css = drawing_css()
    assert ".floor-svg .rack-body" in css and "var(--studio-accent)" not in css and ":hover" not in css
    uri = data_uri('<svg class="floor-svg"><g/></svg>', styled=True)
    assert uri.startswith("data:image/svg+xml;base64,")
    assert scaling_svg(su["result"]["scaling"], 500, 650).startswith("<svg")


def test_a_design_with_errors_still_gets_a_proposal_with_its_findings_on_the_summary_in_us_letter(catalog, tmp_path):
    design = parse_design_text((REFERENCE / "starter-4-racks.json").read_text(encoding="utf-8"), catalog)
    design = dataclasses.replace(design, site=dataclasses.replace(design.site, it_power_kw=10.0))
    report = validate(design, catalog)
    errors = [f for f in report.findings if f.severity == "error"]
    assert any(f.code == "site.power.exceeded" for f in errors)
    rendered = render_pdf(ProposalInputs(design=design, report=report, catalog=catalog, paper="letter",
                                         estimate_note="No estimate: not asked for in this test."))
    pages = pdf_text(rendered.pdf, tmp_path)
    summary = pages[2]
    assert f"{len(errors)} error" in summary and "cannot be built as drawn" in summary
    assert "site" in summary and "No estimate: not asked for in this test." in summary
    assert page_size_pts(rendered.pdf, tmp_path).startswith("612 x 792")  # US Letter


def test_a_blank_design_with_no_racks_and_no_workloads_still_gets_a_proposal(catalog, tmp_path):
    design = parse_design_text('{"format": "ai-factory-design/1", "name": "Blank <hall>", '
                               '"site": {"width_m": 12, "depth_m": 9}}', catalog)
    rendered = render_pdf(ProposalInputs(design=design, report=validate(design, catalog), catalog=catalog,
                                         customer='<b>Ac&me</b> "Q"'))
    pages = pdf_text(rendered.pdf, tmp_path)
    assert "Blank <hall>" in pages[0] and '<b>Ac&me</b> "Q"' in pages[0]  # escaped as text, shown as typed
    assert "No estimate: the design has no workloads." in pages[2]


def test_the_command_writes_the_same_document_from_a_design_file(db, tmp_path):
    out = tmp_path / "p.pdf"
    with pytest.raises(SystemExit) as done:
        call_command("proposal", str(REFERENCE / "starter-4-racks.json"), "-o", str(out), "--paper", "a4",
                     "--customer", "Contoso")
    assert done.value.code == 0
    pages = pdf_text(out.read_bytes(), tmp_path)
    assert "Contoso" in pages[0] and "Executive summary" in pages[2]
    assert "Estimated from the design file" in "\n".join(pages)
    assert page_size_pts(out.read_bytes(), tmp_path).startswith("595")  # A4: 595 x 842 pts


def test_the_command_refuses_an_unusable_design_file_naming_the_path(db, tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "ai-factory-design/1", "site": {"width_m": "wide"}}', encoding="utf-8")
    with pytest.raises(SystemExit) as done:
        call_command("proposal", str(bad), "-o", str(tmp_path / "x.pdf"))
    assert done.value.code == 2
    assert "site" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()


def test_the_command_prints_the_estimate_a_design_file_carries_unless_it_is_stale(db, catalog, tmp_path):
    import json

    data = json.loads((REFERENCE / "starter-4-racks.json").read_text(encoding="utf-8"))
    result = estimate_result(parse_design_text(json.dumps(data), catalog), catalog, lambda *a: None)
    result["results"][0]["training"]["tokens_per_s"] = 123_456_789.0  # a number only the carried result has
    data["estimates"] = {"result": result, "finished_at": "2026-11-30T09:15:00+00:00", "stale": False}
    path, out = tmp_path / "carried.json", tmp_path / "carried.pdf"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(SystemExit) as done:
        call_command("proposal", str(path), "-o", str(out))
    assert done.value.code == 0
    text = "\n".join(pdf_text(out.read_bytes(), tmp_path))
    assert "123,456,789 tok/s" in text and "Estimate carried by the design file (made 2026-11-30 09:15 UTC)" in text


def test_an_inference_workload_s_latencies_carry_their_published_ranges(catalog, tmp_path):
    from studio.templatetags.studio_tags import band_range

    design = parse_design_text((REFERENCE / "mi300x-inference-pod.json").read_text(encoding="utf-8"), catalog)
    result = estimate_result(design, catalog, lambda *a: None)
    rendered = render_pdf(ProposalInputs(design=design, report=validate(design, catalog), catalog=catalog,
                                         result=result))
    pages = pdf_text(rendered.pdf, tmp_path)
    est = next(r["inference"] for r in result["results"] if r.get("inference"))
    summary = pages[2]
    assert f"TTFT {est['ttft_ms']:,.0f} ms ({band_range(est['ttft_ms'], est['ttft_band'])})" in summary
    assert f"({band_range(est['tpot_ms'], est['tpot_band'])})" in summary
    assert "In brackets beside a latency, the range in which 80 %" in summary.replace("\n", " ")
    text = " ".join(" ".join(pages).split())
    assert f"Time to first token ×{est['ttft_band']['low']:.2f} … ×{est['ttft_band']['high']:.2f}" in text
