"""Growing a hall fast (issue 12, item 2): repeat a selection N times along its row or into new rows with
aisles, fill to the site's limit stopping at the first wall and saying which, drop a scalable unit."""

import json

import pytest

from catalog.source import get_catalog
from studio.domain.design import Site
from studio.domain.designfile import load_design
from studio.domain.edits import EditError, apply_edit, restore
from studio.domain.edits.grow import copy_offsets, fill_to_limit, repeat_racks
from studio.domain.rules import validate
from studio.services import REFERENCE_DIR

pytestmark = pytest.mark.django_db


class Form(dict):
    def getlist(self, name):
        value = self.get(name, [])
        return list(value) if isinstance(value, (list, tuple)) else [value]


def reference(slug):
    return load_design(json.loads((REFERENCE_DIR / f"{slug}.json").read_text()), get_catalog())


def big_hall(design, width_m=60.0, depth_m=40.0, **site):
    from dataclasses import replace

    return replace(design, site=replace(design.site, width_m=width_m, depth_m=depth_m, **site))


def test_copy_offsets_worked_example():
    catalog = get_catalog()
    design = big_hall(reference("gb200-nvl72-su"))
    row = [r for r in design.racks if r.id.startswith("G")]
    dx, dy, aisle = copy_offsets(design, catalog, row, "row")
    assert (dx, dy) == (8, 0)
    dx, dy, aisle = copy_offsets(design, catalog, row, "rows")
    assert dx == 0 and aisle == 2 and dy == 2 + aisle


def test_a_row_is_repeated_into_new_rows_with_aisles_in_one_undoable_edit():
    catalog = get_catalog()
    design = big_hall(reference("gb200-nvl72-su"))
    row = [r.id for r in design.racks if r.id.startswith("G")]
    applied = apply_edit("repeat", design, catalog, Form(rack=row, count="3", direction="rows"))
    assert len(applied.added) == 24 and len(applied.design.racks) == len(design.racks) + 24
    assert applied.message == "Repeated 8 racks 3 × into new rows (24 racks added)"
    assert not any(f.code in ("layout.overlap", "layout.out_of_bounds") for f in validate(applied.design, catalog).findings)
    assert restore(applied.design, applied.inverse).design == design


def test_a_repeat_that_leaves_the_hall_is_refused_naming_the_copy():
    catalog = get_catalog()
    design = reference("gb200-nvl72-su")  # a 7.2 m hall: no room for another row
    row = [r.id for r in design.racks if r.id.startswith("G")]
    with pytest.raises(EditError, match="Copy 1 of 2 does not fit"):
        repeat_racks(design, catalog, row, 2, "rows")
    with pytest.raises(EditError, match="The number of copies must be at most 200"):
        apply_edit("repeat", design, catalog, Form(rack=row, count="201", direction="rows"))


def test_fill_stops_before_the_first_wall_and_names_it():
    catalog = get_catalog()
    from dataclasses import replace

    from studio.domain.design import SiteCooling

    design = big_hall(reference("gb200-nvl72-su"), it_power_kw=3000.0, facility_power_kw=100_000.0,
                      cooling=SiteCooling(100_000.0, 100_000.0))
    design = replace(design, storage=(), facility=())  # the unit's racks alone (its placed storage goes with it)
    unit = [r.id for r in design.racks]  # the whole unit: GPU racks with their network racks
    applied = fill_to_limit(design, catalog, unit, "rows")
    assert applied.message.startswith("Filled with 1 copy (15 racks); the next would meet site.power.exceeded")
    report = validate(applied.design, catalog)
    assert not any(f.code == "site.power.exceeded" and f.severity == "error" for f in report.findings)
    assert report.totals.it_kw_max <= 3000.0


def test_fill_that_cannot_add_one_copy_is_refused_with_the_wall():
    catalog = get_catalog()
    design = reference("gb200-nvl72-su")
    row = [r.id for r in design.racks if r.id.startswith("G")]
    with pytest.raises(EditError, match="Not even one copy fits"):
        fill_to_limit(design, catalog, row, "rows")


def test_a_scalable_unit_is_dropped_in_one_edit_with_fresh_row_letters():
    catalog = get_catalog()
    design = big_hall(reference("gb200-nvl72-su"))
    applied = apply_edit("add-unit", design, catalog, Form(unit="gb200-nvl72-su", x="20", y="2"))
    assert len(applied.added) == len(design.racks)
    new = [r for r in applied.design.racks if r.id in applied.added]
    assert {r.id[0] for r in new}.isdisjoint({r.id[0] for r in design.racks})
    assert min(r.x_tiles for r in new) == 20
    assert validate(applied.design, catalog).totals.gpus == 2 * validate(design, catalog).totals.gpus
    assert restore(applied.design, applied.inverse).design == design
    with pytest.raises(EditError, match="not a scalable unit"):
        apply_edit("add-unit", design, catalog, Form(unit="nope", x="0", y="0"))


def test_a_blank_hall_takes_the_units_fabrics():
    catalog = get_catalog()
    from studio.domain.design import Design

    blank = Design(name="Hall", site=Site(width_m=40, depth_m=30, it_power_kw=20000, facility_power_kw=30000))
    applied = apply_edit("add-unit", blank, catalog, Form(unit="dgx-b200-su", x="2", y="2"))
    assert "compute" in applied.design.fabrics and applied.design.storage
