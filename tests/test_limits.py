"""The one table of input limits: its worked examples, and that the design file reader, the editor's
parsers and the forms all refuse by it."""

from __future__ import annotations

import json

import pytest

from catalog.datafiles import file_catalog
from studio.domain.designfile import DesignFileError, parse_design_text
from studio.domain.edits import EditError
from studio.domain.edits.parse import Form, labels, rename_args, site_args
from studio.domain.limits import NUMBERS, SITE_NUMBERS, TEXTS, check_text, parse_number

CATALOG = file_catalog()


def test_the_worked_example_of_a_number_limit():
    assert NUMBERS["u"].problem(0) == "must be at least 1 U"
    assert NUMBERS["u"].problem(1.5) == "must be a whole number"
    assert NUMBERS["u"].problem(42) is None


def test_the_worked_example_of_a_text_limit():
    assert TEXTS["rack_id"].problem("A" * 41) == "has at most 40 characters (got 41)"
    assert TEXTS["rack_id"].problem("A\x00") == "must not contain the NUL character"
    assert TEXTS["rack_id"].problem("A01") is None


@pytest.mark.parametrize("bad", ["A\x00", "A\ud800", "", "   ", "A" * 41])
def test_a_rack_id_with_nul_a_lone_surrogate_or_beyond_its_column_is_refused(bad):
    with pytest.raises(ValueError):
        check_text(bad, "rack_id")


def test_text_lengths_are_those_of_the_database_columns():
    from studio.models import Design, RackPlacement

    assert TEXTS["name"].max_chars == Design._meta.get_field("name").max_length
    assert TEXTS["rack_id"].max_chars == RackPlacement._meta.get_field("label").max_length
    assert TEXTS["slug"].max_chars == RackPlacement._meta.get_field("model").max_length


def test_every_number_has_a_source_and_a_range():
    for name, limit in NUMBERS.items():
        assert limit.source, name
        assert limit.maximum is not None and (limit.minimum is not None or limit.above is not None), name


def test_a_typed_number_is_parsed_within_its_limit_or_refused_with_its_name():
    assert parse_number(" 600 ", "tile_mm") == 600
    with pytest.raises(ValueError, match="Tile must be at most 1500 mm"):
        parse_number("2000", "tile_mm")
    with pytest.raises(ValueError, match="PUE must be a number"):
        parse_number("lots", "pue")
    with pytest.raises(ValueError, match="finite"):
        parse_number("nan", "pue")


def _file(**changes) -> str:
    data = {"format": "ai-factory-design/1", "name": "Hall", "site": {"width_m": 24, "depth_m": 18},
            "racks": [{"id": "A01", "model": "rack-48u-600x1200", "x_tiles": 2, "y_tiles": 3}]}
    data.update(changes)
    return json.dumps(data)


@pytest.mark.parametrize(("changes", "path", "reason"), [
    ({"name": "Hall\u0000"}, "name", "NUL"),
    ({"name": "x" * 201}, "name", "at most 200 characters"),
    ({"racks": [{"id": "A\ud800", "model": "rack-48u-600x1200", "x_tiles": 2, "y_tiles": 3}]}, "racks[0].id",
     "lone surrogate"),
    ({"racks": [{"id": "R" * 41, "model": "rack-48u-600x1200", "x_tiles": 2, "y_tiles": 3}]}, "racks[0].id",
     "at most 40 characters"),
])
def test_the_design_file_reader_refuses_by_the_same_table(changes, path, reason):
    with pytest.raises(DesignFileError) as info:
        parse_design_text(_file(**changes), CATALOG)
    assert info.value.path == path and reason in info.value.message


def test_the_design_file_reader_and_the_site_panel_share_the_tile_range():
    with pytest.raises(DesignFileError, match="at most 1500"):
        parse_design_text(_file(site={"width_m": 24, "depth_m": 18, "tile_mm": 1600}), CATALOG)
    fields = {name: "1" for name in SITE_NUMBERS} | {"tile_mm": "1600", "redundancy": "N+1"}
    with pytest.raises(EditError) as info:
        site_args(Form(fields))
    assert "Tile (mm)" in str(info.value) and "tile_mm" in info.value.field_errors


def test_the_editor_parsers_refuse_a_bad_name_or_rack_id():
    with pytest.raises(EditError, match="NUL"):
        rename_args(Form(name="Hall\x00"))
    with pytest.raises(EditError, match="at most 40 characters"):
        labels(Form(rack="R" * 41))


def test_the_forms_refuse_by_the_same_table():
    from studio.views.designs import BlankDesignForm
    from studio.views.editor import SiteForm

    blank = BlankDesignForm({"name": "Hall", "width_m": 2001, "depth_m": 18, "it_power_kw": 100,
                             "air_cooling_kw": 50, "liquid_cooling_kw": 0})
    assert not blank.is_valid() and "Hall width must be at most 2000 m." in blank.errors["width_m"]
    site = SiteForm({"width_m": 24, "depth_m": 18, "tile_mm": 1600, "it_power_kw": 100, "pue": 1.3,
                     "facility_power_kw": 130, "air_cooling_kw": 50, "liquid_cooling_kw": 0,
                     "floor_max_kg_per_m2": 1500, "redundancy": "N+1", "electricity_usd_per_kwh": 0.08})
    assert not site.is_valid() and "Tile must be at most 1500 mm." in site.errors["tile_mm"]


def test_a_huge_integer_is_out_of_range_not_an_overflow():
    assert NUMBERS["width_m"].problem(10**400) == "must be at most 2000 m"
    with pytest.raises(DesignFileError, match="at most 2000"):
        parse_design_text(_file(site={"width_m": 10**400, "depth_m": 18}), CATALOG)
    with pytest.raises(DesignFileError, match="not usable JSON"):
        parse_design_text(_file().replace('"width_m": 24', '"width_m": ' + "9" * 5000), CATALOG)


def test_the_design_size_worked_example():
    from studio.domain import design as d
    from studio.domain.limits import DesignSize, size_problem

    site = d.Site(width_m=10, depth_m=10)
    racks = tuple(d.RackPlacement(f"A0{i}", "rack-48u-600x1200", i, 0) for i in range(1, 4))
    design = d.Design(name="x", site=site, racks=racks)
    assert size_problem(design, DesignSize(max_racks=2)) == ("racks", "a design holds at most 2 racks (this one has 3)")
    crowded = d.Design(name="x", site=site, racks=(d.RackPlacement(
        "B01", "rack-48u-600x1200", 0, 0, devices=tuple(d.DevicePlacement("dgx-h100", 1) for _ in range(5))),))
    assert size_problem(crowded, DesignSize(max_devices_per_rack=4)) == (
        "racks[0].devices", "a rack holds at most 4 devices (B01 has 5)")
    assert size_problem(crowded, DesignSize(max_devices_per_rack=4), racks=["Z99"]) is None  # only what was touched
    assert size_problem(design, DesignSize()) is None
