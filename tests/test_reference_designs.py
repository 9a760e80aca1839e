"""The shipped reference designs (studio/reference_designs/*.json) validate with no error and no
warning against the catalog data, and match what their generator writes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from catalog.datafiles import file_catalog
from studio.domain.designfile import dump_design, dump_design_text, load_design
from studio.domain.rules import validate
from studio.domain.rules.facts import design_facts
from studio.reference_designs import build

FOLDER = Path(build.__file__).resolve().parent
FILES = sorted(FOLDER.glob("*.json"))


@pytest.fixture(scope="module")
def catalog():
    return file_catalog()


def load(path, catalog):
    return load_design(json.loads(path.read_text(encoding="utf-8")), catalog)


def test_there_are_at_least_five_reference_designs():
    assert {p.stem for p in FILES} >= {"dgx-h100-su", "dgx-b200-su", "gb200-nvl72-su", "mi300x-inference-pod",
                                       "starter-4-racks"}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_each_reference_design_validates_with_no_error_and_no_warning(path, catalog):
    report = validate(load(path, catalog), catalog)
    assert [f.message for f in report.findings if f.severity != "info"] == []


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_each_reference_design_file_round_trips(path, catalog):
    data = json.loads(path.read_text(encoding="utf-8"))
    assert dump_design(load_design(data, catalog)) == data


def test_the_dgx_h100_su_has_32_nodes_four_per_rack_at_40_8_kw_and_its_fabric_placed(catalog):
    design = load(FOLDER / "dgx-h100-su.json", catalog)
    df = design_facts(design, catalog)
    compute = [f for f in df.racks if f.systems]
    assert len(compute) == 8 and sum(f.systems for f in compute) == 32
    for facts in compute:
        assert facts.rack.cooling == "rdhx-active"
        assert sum(item.power_max_w for _, item in facts.devices) == 40_800
    totals = validate(design, catalog).totals
    assert totals.switches["compute"] == {"model": "quantum-2-ndr", "leaf": 8, "spine": 4, "core": 0, "placed": 12,
                                          "tiers": 2}
    assert set(totals.switches) == {"compute", "storage", "inband", "oob"}


def test_the_gb200_su_is_eight_liquid_cooled_racks_near_1_2_mw_with_cdus(catalog):
    design = load(FOLDER / "gb200-nvl72-su.json", catalog)
    nvl = [r for r in design.racks if r.model == "gb200-nvl72"]
    assert len(nvl) == 8 and {r.cooling for r in nvl} == {"dlc"}
    totals = validate(design, catalog).totals
    assert totals.gpus == 576
    assert 1000 <= totals.it_kw_max <= 1300
    assert totals.heat_liquid_kw > 800 and any(f.model.startswith("cdu") for f in design.facility)


def test_the_files_are_what_the_generator_writes(catalog):
    for slug, data in build.designs(catalog).items():
        assert (FOLDER / f"{slug}.json").read_text(encoding="utf-8") == dump_design_text(load_design(data, catalog))
