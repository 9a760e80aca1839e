"""The bill of materials: counts from the design and from validate's totals, catalog prices (and
"no list price" where there is none), CSV and XLSX read back, the page, the command, personas."""

import csv
import dataclasses
import io
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from catalog.datafiles import file_catalog
from studio import services
from studio.domain.bom import BomLine, bill_of_materials
from studio.domain.catalog import Catalog
from studio.domain.designfile import parse_design_text
from studio.domain.rules import validate
from studio.models import DesignMember, ShareLink
from studio.reports.bom import CSV_HEADER, bom_csv, bom_xlsx

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "studio" / "reference_designs"


@pytest.fixture(scope="module")
def catalog():
    return file_catalog()


def reference(name, catalog):
    design = parse_design_text((REFERENCE / f"{name}.json").read_text(encoding="utf-8"), catalog)
    return design, validate(design, catalog).totals


def test_an_extended_price_is_quantity_times_unit_price():
    """The worked example of ``BomLine.extended_usd``: 32 × $300,000 = $9,600,000."""
    assert BomLine("Compute", "DGX H100", 32, "dgx-h100", unit_price_usd=300_000).extended_usd == 9_600_000
    assert BomLine("Compute", "H100", 256, "h100-sxm", included_in="DGX H100").extended_usd is None


def test_the_dgx_h100_su_bom_counts_what_the_design_places_and_validate_sizes(catalog):
    """The worked example of ``bill_of_materials``."""
    design, totals = reference("dgx-h100-su", catalog)
    bom = bill_of_materials(design, catalog, totals)
    by = {(line.section, line.slug, line.note): line.quantity for line in bom.lines}
    assert by[("Compute", "dgx-h100", "8 GPUs each")] == 32 == totals.systems
    gpus = [line for line in bom.section("Compute") if line.included_in]
    assert sum(line.quantity for line in gpus) == 256 == totals.gpus
    assert by[("Racks and power", "rack-48u-600x1200", "rack cabinet")] == 10
    assert by[("Racks and power", "pdu-415v-60a-3ph", "rack PDU")] == 36
    assert by[("Racks and power", "rdhx-active", "per-rack cooling")] == 8
    switches = {line.note: line.quantity for line in bom.section("Network switches")}
    for role, plan in totals.switches.items():
        for tier in ("leaf", "spine", "core"):
            assert switches.get(f"{role} {tier}", 0) == plan[tier], (role, tier)
    cables = by_media(bom)
    for media, n in totals.cables.items():
        assert cables[f"cables: {media}"] == n
    for media, n in totals.transceivers.items():
        assert cables[f"transceivers: {media}"] == n
    assert sum(line.quantity for line in bom.section("Storage")) == totals.storage["appliances"]
    # the docstring's numbers, exactly
    assert [switches.get(f"{r} {t}", 0) for r in ("compute", "storage", "inband", "oob") for t in ("leaf", "spine")] \
        == [8, 4, 3, 2, 1, 0, 4, 2]
    assert (cables["cables: dac"], cables["cables: multimode"], cables["cables: rj45"]) == (24, 728, 190)
    assert cables["transceivers: multimode"] == 1456


def by_media(bom) -> Counter:
    """Cable and optic quantities of the BOM summed by media, whatever the link speed of the line."""
    out: Counter = Counter()
    for line in bom.section("Cables and optics"):
        what, media = line.note.split(";")[0].split(",")[0].split(": ")
        out[f"{what}: {media}"] += line.quantity
    return out


def test_the_gb200_su_bom_prices_its_400g_compute_optics_as_400g_parts(catalog):
    design, totals = reference("gb200-nvl72-su", catalog)
    compute, storage = totals.fabric_links["compute"], totals.fabric_links["storage"]
    assert compute["speed_gbps"] == 400 and storage["speed_gbps"] == 800  # QM9700 400G, SN5600 800G
    bom = bill_of_materials(design, catalog, totals)
    optics = {line.slug: line for line in bom.section("Cables and optics") if line.note.startswith("transceivers")}
    part = catalog.get("osfp-400g-sr4")
    assert (part.speed_gbps, part.media) == (400, "multimode")
    line = optics["osfp-400g-sr4"]
    assert line.quantity == compute["transceivers"]["multimode"] == 2 * compute["cables"]["multimode"]
    assert line.unit_price_usd == part.price.list_usd and "compute fabric" in line.description
    # the 800G parts are the storage and in-band links', not the compute fabric's
    eight = optics["osfp-800g-sr8"]
    assert eight.quantity == sum(totals.fabric_links[r]["transceivers"].get("multimode", 0)
                                 for r in ("storage", "inband"))
    assert "compute" not in eight.description


def test_the_per_fabric_links_add_up_to_the_totals_cables_and_transceivers(catalog):
    for path in sorted(REFERENCE.glob("*.json")):
        _, totals = reference(path.stem, catalog)
        assert set(totals.fabric_links) == set(totals.switches), path.stem
        for key in ("cables", "transceivers"):
            summed: Counter = Counter()
            for links in totals.fabric_links.values():
                summed.update(links[key])
            assert dict(summed) == getattr(totals, key), (path.stem, key)


def test_every_reference_design_has_switches_and_optics_from_its_totals(catalog):
    for path in sorted(REFERENCE.glob("*.json")):
        design, totals = reference(path.stem, catalog)
        bom = bill_of_materials(design, catalog, totals)
        sized = sum(plan["leaf"] + plan["spine"] + plan["core"] for plan in totals.switches.values())
        placed_extra = [line for line in bom.section("Network switches") if line.note == "placed"]
        assert sum(line.quantity for line in bom.section("Network switches")) == \
            sized + sum(line.quantity for line in placed_extra), path.stem
        optics = sum(line.quantity for line in bom.section("Cables and optics") if "transceivers" in line.note)
        assert optics == sum(totals.transceivers.values()), path.stem
        assert bom.power["it_kw_max"] == totals.it_kw_max


def test_an_item_without_a_list_price_says_so_and_stays_out_of_the_capex(catalog):
    design, totals = reference("dgx-h100-su", catalog)
    unpriced = Catalog(dataclasses.replace(i, price=None) if i.slug == "dgx-h100" else i for i in catalog)
    bom = bill_of_materials(design, unpriced, totals)
    line = next(line for line in bom.lines if line.slug == "dgx-h100")
    assert line.status == "no list price" and line.unit_price_usd is None and line in bom.unpriced_lines
    full = bill_of_materials(design, catalog, totals)
    assert full.capex_usd - bom.capex_usd == pytest.approx(32 * catalog.get("dgx-h100").price.list_usd)
    assert "dgx-h100" not in {s.slug for s in bom.sources}


def test_the_xlsx_reads_back_with_typed_cells_and_totals_equal_to_the_design(catalog):
    design, totals = reference("dgx-h100-su", catalog)
    bom = bill_of_materials(design, catalog, totals)
    wb = openpyxl.load_workbook(io.BytesIO(bom_xlsx(bom)))
    assert wb.sheetnames == ["Summary", *bom.sections, "Sources"]
    summary = {row[0]: row[1] for row in wb["Summary"].iter_rows(values_only=True) if row[0]}
    extended = sum(line.extended_usd or 0 for line in bom.lines)
    assert summary["Capex total (lines with a list price)"] == pytest.approx(extended) == pytest.approx(bom.capex_usd)
    assert summary["IT power (maximum)"] == totals.it_kw_max
    assert summary["Heat to air"] == totals.heat_air_kw and summary["GPUs"] == totals.gpus
    section_sum = 0.0
    for name in bom.sections:
        rows = list(wb[name].iter_rows(min_row=2, values_only=True))
        body, total = rows[:-1], rows[-1]
        assert total[0] == "Total" and total[4] == pytest.approx(sum(r[4] or 0 for r in body))
        assert all(isinstance(r[2], int) for r in body)  # quantities are numbers, not text
        assert all(r[3] is None or isinstance(r[3], (int, float)) for r in body)
        section_sum += total[4]
    assert section_sum == pytest.approx(bom.capex_usd)
    sources = list(wb["Sources"].iter_rows(min_row=2, values_only=True))
    assert len(sources) == len(bom.sources) and all(row[6] for row in sources)


def test_the_csv_has_a_row_per_line_and_the_totals(catalog):
    design, totals = reference("gb200-nvl72-su", catalog)
    bom = bill_of_materials(design, catalog, totals)
    rows = list(csv.reader(io.StringIO(bom_csv(bom))))
    assert rows[0] == CSV_HEADER and len(rows) == 1 + len(bom.lines) + 1 + 7
    capex = next(r for r in rows if r[0] == "Total" and r[2].startswith("Capex"))
    assert float(capex[5]) == pytest.approx(bom.capex_usd)
    power = next(r for r in rows if r[1] == "it_kw_max")
    assert float(power[10]) == totals.it_kw_max


def run(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_the_bom_command_writes_xlsx_and_csv_and_refuses_a_bad_file(tmp_path, catalog):
    out = tmp_path / "bom.xlsx"
    result = run("bom", "studio/reference_designs/dgx-h100-su.json", "--format", "xlsx", "-o", str(out))
    assert result.returncode == 0, result.stderr
    design, totals = reference("dgx-h100-su", catalog)
    wb = openpyxl.load_workbook(out)
    summary = {row[0]: row[1] for row in wb["Summary"].iter_rows(values_only=True) if row[0]}
    assert summary["IT power (maximum)"] == totals.it_kw_max
    result = run("bom", "studio/reference_designs/dgx-h100-su.json", "--format", "csv")
    assert result.returncode == 0 and result.stdout.startswith(",".join(CSV_HEADER))
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": "ai-factory-design/1", "site": {"width_m": "wide", "depth_m": 5}}))
    result = run("bom", str(bad))
    assert result.returncode == 2 and "site.width_m" in result.stderr


@pytest.mark.django_db
def test_every_persona_on_the_bom_page_and_downloads(client, owner, collaborator, outsider, loaded_catalog):
    row = services.create_from_reference(owner, "dgx-h100-su")
    urls = [reverse("design_bom", args=[row.code]), reverse("design_bom_download", args=[row.code, "csv"]),
            reverse("design_bom_download", args=[row.code, "xlsx"])]
    for url in urls:  # anonymous
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    link = ShareLink.objects.create(design=row, label="visitor", created_by=owner)
    assert client.get(reverse("share_view", args=[link.token])).status_code == 200
    assert client.get(urls[0]).status_code == 302  # the link opens the shared page, not the BOM
    client.force_login(outsider)
    assert all(client.get(url).status_code == 404 for url in urls)
    member = DesignMember.objects.create(design=row, user=collaborator, role=DesignMember.VIEW)
    for role in (DesignMember.VIEW, DesignMember.EDIT):
        member.role = role
        member.save()
        client.force_login(collaborator)
        assert all(client.get(url).status_code == 200 for url in urls)
    owner_client = Client()
    owner_client.force_login(owner)
    page = owner_client.get(urls[0]).content.decode()
    assert 'id="bom-capex"' in page and "Quantum-2" in page and 'id="bom-sources"' in page
    xlsx = owner_client.get(urls[2])
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert openpyxl.load_workbook(io.BytesIO(xlsx.content)).sheetnames[0] == "Summary"
    assert owner_client.get(reverse("design_bom_download", args=[row.code, "pdf"])).status_code == 404


@pytest.mark.django_db
def test_an_empty_hall_has_an_empty_bom_that_says_so(owner_client, owner, loaded_catalog):
    from studio.domain import design as d

    row = services.create_design(owner, d.Design(name="Empty", site=d.Site(width_m=10, depth_m=10)))
    html = owner_client.get(reverse("design_bom", args=[row.code])).content.decode()
    assert 'id="bom-empty"' in html
    wb = openpyxl.load_workbook(io.BytesIO(owner_client.get(reverse("design_bom_download",
                                                                   args=[row.code, "xlsx"])).content))
    assert wb.sheetnames == ["Summary", "Sources"]
