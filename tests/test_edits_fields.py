"""Edits of the design as a whole, as pure functions: site, fabrics with storage and facility
equipment, name, workloads; each undone by its inverse."""

from __future__ import annotations

from dataclasses import replace

import pytest

from catalog.datafiles import file_catalog
from studio.domain import design as d
from studio.domain.edits import EditError, apply_edit, restore
from studio.domain.edits.fields import MAX_WORKLOADS, add_workload, remove_workload, rename, update_fabrics
from studio.domain.edits.parse import Form
from tests.editor_fixtures import hall

CATALOG = file_catalog()
SITE = {"width_m": "30", "depth_m": "18", "tile_mm": "600", "it_power_kw": "50", "pue": "1.3",
        "facility_power_kw": "2600", "air_cooling_kw": "1500", "liquid_cooling_kw": "1000",
        "floor_max_kg_per_m2": "1500", "redundancy": "N+1", "electricity_usd_per_kwh": "0.08"}


def test_the_site_panel_sets_every_field_and_names_a_bad_one():
    design = hall()
    changed = apply_edit("site", design, CATALOG, Form(SITE))
    assert changed.design.site.width_m == 30 and changed.design.site.it_power_kw == 50
    assert changed.full and changed.panels == ("site",)
    assert restore(changed.design, changed.inverse).design == design
    with pytest.raises(EditError) as info:
        apply_edit("site", design, CATALOG, Form({**SITE, "it_power_kw": "lots", "pue": "9"}))
    assert str(info.value).startswith("IT power (kW)") and set(info.value.field_errors) == {"it_power_kw", "pue"}


def test_fabrics_storage_and_facility_are_set_kept_or_removed():
    design = hall()
    changed = update_fabrics(design, CATALOG, {"compute": ("quantum-2-ndr", "rail-optimized", 2.0)},
                             [("ddn-ai400x2t", 2)], None)
    assert changed.design.fabrics["compute"] == d.Fabric("quantum-2-ndr", "rail-optimized", 2.0)
    assert changed.design.storage == (d.CountedItem("ddn-ai400x2t", 2),)
    kept = update_fabrics(changed.design, CATALOG, {}, None, None)
    assert kept.design == changed.design
    gone = update_fabrics(changed.design, CATALOG, {"compute": None}, [("ddn-ai400x2t", 0)], None)
    assert gone.design.fabrics == {} and gone.design.storage == ()
    assert restore(gone.design, gone.inverse).design == changed.design
    with pytest.raises(EditError, match="not a switch"):
        update_fabrics(design, CATALOG, {"compute": ("dgx-h100", "rail-optimized", 1.0)}, None, None)


def test_the_oversubscription_is_read_within_its_limit():
    with pytest.raises(EditError, match="oversubscription"):
        apply_edit("fabrics", hall(), CATALOG, Form(fabric_compute_model="quantum-2-ndr",
                                                     fabric_compute_oversubscription="x"))
    with pytest.raises(EditError, match="at most 64"):
        apply_edit("fabrics", hall(), CATALOG, Form(fabric_compute_model="quantum-2-ndr",
                                                     fabric_compute_oversubscription="65"))


def test_a_rename_and_its_undo():
    design = hall()
    renamed = rename(design, "Pilot")
    assert renamed.design.name == "Pilot" and renamed.panels == ("name",)
    assert restore(renamed.design, renamed.inverse).design == design
    with pytest.raises(EditError, match="must not be empty"):
        apply_edit("rename", design, CATALOG, Form(name="   "))


def test_workloads_are_added_up_to_the_limit_and_removed_by_index():
    design = hall()
    workload = d.Workload("inference", model="llama-3.1-70b", precision="fp8", scenario="server",
                          input_tokens=1000, output_tokens=300, name="Chat")
    added = add_workload(design, workload)
    assert added.design.workloads == (workload,) and "Chat" in added.message
    assert restore(added.design, added.inverse).design == design
    assert remove_workload(added.design, 0).design.workloads == ()
    with pytest.raises(EditError, match="no longer exists"):
        remove_workload(added.design, 3)
    full = replace(design, workloads=(workload,) * MAX_WORKLOADS)
    with pytest.raises(EditError, match=f"at most {MAX_WORKLOADS}"):
        add_workload(full, workload)


def test_an_unknown_edit_is_refused():
    with pytest.raises(EditError, match="Unknown edit"):
        apply_edit("explode", hall(), CATALOG, Form())
