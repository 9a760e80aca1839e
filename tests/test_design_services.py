"""Designs saved from and turned back into the domain: import, export, clone, reference designs."""

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from catalog.source import get_catalog
from studio.domain.designfile import DesignFileError, dump_design, load_design
from studio.domain.edits import restore
from studio.domain.edits.devices import add_device, move_device
from studio.domain.edits.fields import rename
from studio.domain.edits.racks import delete_racks, move_racks
from studio.models import Design, DevicePlacement, RackPlacement
from studio.services import (
    StaleVersion,
    clone_as_scenario,
    create_design,
    create_from_reference,
    design_to_domain,
    designs_with_content,
    import_design_data,
    load_domain_design,
    reference_designs,
    replace_design,
    save_difference,
)
from tests.editor_fixtures import hall

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db

EXAMPLE = {
    "format": "ai-factory-design/1",
    "name": "Inference pod A",
    "site": {"width_m": 24, "depth_m": 18, "tile_mm": 600, "it_power_kw": 2000, "pue": 1.3,
             "facility_power_kw": 2700, "cooling": {"air_kw": 600, "liquid_kw": 1600},
             "floor_max_kg_per_m2": 1500, "redundancy": "N+1", "electricity_usd_per_kwh": 0.08},
    "racks": [
        {"id": "A01", "model": "rack-48u-600x1200", "x_tiles": 2, "y_tiles": 3, "rotation": 0,
         "cooling": "rdhx-active",
         "pdus": [{"model": "pdu-415v-60a-3ph", "feed": "A"}, {"model": "pdu-415v-60a-3ph", "feed": "B"}],
         "devices": [{"model": "dgx-h100", "u": 1}, {"model": "dgx-h100", "u": 9}]},
    ],
    "fabrics": {"compute": {"model": "quantum-2-ndr", "topology": "rail-optimized", "oversubscription": 1.0}},
    "storage": [{"model": "ddn-ai400x2t", "count": 2}],
    "facility": [{"model": "cdu-1350kw", "count": 2}],
    "workloads": [{"kind": "inference", "model": "llama-3.1-70b", "precision": "fp8", "scenario": "server",
                   "input_tokens": 1000, "output_tokens": 300, "ttft_p99_limit_ms": 2000, "tpot_p99_limit_ms": 100}],
}


def test_a_design_file_round_trips_through_the_database(owner, loaded_catalog):
    row = import_design_data(owner, EXAMPLE)
    assert row.racks.count() == 1 and DevicePlacement.objects.filter(rack__design=row).count() == 2
    again = design_to_domain(designs_with_content().get(pk=row.pk))
    assert dump_design(again) == dump_design(load_design(EXAMPLE, get_catalog()))


def test_loading_a_design_takes_three_queries_whatever_its_size(owner, loaded_catalog, django_assert_num_queries):
    big = json.loads(json.dumps(EXAMPLE))
    big["racks"] = [{**EXAMPLE["racks"][0], "id": f"R{i:03d}", "x_tiles": 2 * (i % 10), "y_tiles": 3 * (i // 10)}
                    for i in range(30)]
    row = import_design_data(owner, big)
    with django_assert_num_queries(3):
        design = design_to_domain(designs_with_content().get(pk=row.pk))
    assert len(design.racks) == 30 and sum(len(r.devices) for r in design.racks) == 60


def test_a_scenario_is_a_linked_copy(owner, loaded_catalog):
    row = import_design_data(owner, EXAMPLE)
    scenario = clone_as_scenario(row, owner, "B200 instead")
    assert scenario.parent == row and scenario.name == "B200 instead"
    assert RackPlacement.objects.filter(design=scenario).count() == 1
    nested = clone_as_scenario(scenario, owner)
    assert nested.parent == row  # scenarios stay siblings of the original


def test_replace_refuses_a_stale_version_and_changes_nothing(owner, loaded_catalog):
    row = import_design_data(owner, EXAMPLE)
    changed = load_design({**EXAMPLE, "name": "Renamed"}, get_catalog())
    replace_design(row, changed, expected_version=1)
    with pytest.raises(StaleVersion):
        replace_design(row, load_design({**EXAMPLE, "name": "Lost update"}, get_catalog()), expected_version=1)
    row.refresh_from_db()
    assert row.name == "Renamed" and row.version == 2


def test_every_reference_design_can_start_a_design(owner, loaded_catalog):
    refs = reference_designs()
    assert len(refs) >= 5
    for ref in refs:
        row = create_from_reference(owner, ref["slug"])
        assert row.template == ref["slug"] and row.racks.count() == len(ref["design"].racks)


def test_an_unknown_reference_is_refused(owner, loaded_catalog):
    with pytest.raises(KeyError):
        create_from_reference(owner, "../../etc/passwd")


def test_import_and_export_commands_round_trip(owner, loaded_catalog, tmp_path, capsys):
    path = tmp_path / "design.json"
    path.write_text(json.dumps(EXAMPLE))
    call_command("import_design", str(path), "--user", "owner")
    code = capsys.readouterr().out.strip()
    call_command("export_design", code)
    exported = json.loads(capsys.readouterr().out)
    assert exported["racks"] == EXAMPLE["racks"] and exported["name"] == EXAMPLE["name"]
    assert Design.objects.get(code=code).owner == owner


def test_import_of_a_bad_file_names_the_json_path_and_saves_nothing(owner, loaded_catalog):
    bad = json.loads(json.dumps(EXAMPLE))
    bad["racks"][0]["devices"][1]["model"] = "dgx-h900"
    with pytest.raises(DesignFileError) as info:
        import_design_data(owner, bad)
    assert "racks[0].devices[1].model" in str(info.value)
    assert Design.objects.count() == 0


def test_the_import_command_exits_2_on_a_bad_file(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"format": "ai-factory-design/0"}')
    result = subprocess.run([sys.executable, "manage.py", "import_design", str(path), "--user", "nobody"],
                            cwd=ROOT, capture_output=True, text=True, timeout=60,
                            env={"PATH": "/usr/bin:/bin", "STUDIO_VAR_DIR": str(tmp_path / "var")})
    assert result.returncode == 2


def _domain(row):
    return design_to_domain(designs_with_content().get(pk=row.pk))


def test_saving_a_move_writes_the_version_and_one_rack_row(owner, loaded_catalog, django_assert_num_queries):
    row = create_design(owner, hall())
    old = _domain(row)
    new = move_racks(old, get_catalog(), ["A01"], 0, 4).design
    with django_assert_num_queries(2):  # UPDATE design … WHERE version = 1; UPDATE the rack
        save_difference(row, 1, old, new)
    assert _domain(row) == new and Design.objects.get(pk=row.pk).version == 2


def test_an_undone_delete_puts_racks_back_at_their_place_in_the_file_order(owner, loaded_catalog):
    row = create_design(owner, hall())
    old = _domain(row)
    deleted = delete_racks(old, ["A02", "A03"])
    save_difference(row, 1, old, deleted.design)
    back = restore(deleted.design, deleted.inverse).design
    save_difference(row, 2, deleted.design, back)
    assert [r.id for r in _domain(row).racks] == ["A01", "A02", "A03", "A04"] and _domain(row) == old


def test_devices_that_stay_keep_their_rows_and_a_moved_one_is_updated(owner, loaded_catalog):
    row = create_design(owner, hall())
    old = _domain(row)
    ids = set(DevicePlacement.objects.filter(rack__design=row).values_list("id", flat=True))
    added = add_device(old, get_catalog(), "A01", "quantum-2-ndr", 17).design
    save_difference(row, 1, old, added)
    switch = DevicePlacement.objects.get(rack__design=row, model="quantum-2-ndr")
    moved = move_device(added, get_catalog(), "A01", 2, 20).design
    save_difference(row, 2, added, moved)
    assert set(DevicePlacement.objects.filter(rack__design=row).values_list("id", flat=True)) == ids | {switch.pk}
    assert DevicePlacement.objects.get(pk=switch.pk).u == 20 and _domain(row) == moved


def test_a_save_against_a_stale_version_writes_nothing(owner, loaded_catalog):
    row = create_design(owner, hall())
    old = _domain(row)
    save_difference(row, 1, old, rename(old, "First").design)
    stale = Design.objects.get(pk=row.pk)
    stale.version = 1
    with pytest.raises(StaleVersion):
        save_difference(stale, 1, old, rename(old, "Second").design)
    assert Design.objects.get(pk=row.pk).name == "First"


def test_a_rack_inserted_where_the_positions_have_no_gap_renumbers_them_in_order(owner, loaded_catalog):
    row = create_design(owner, hall())
    old = _domain(row)
    extra = dataclasses.replace(old.racks[0], id="X01", x_tiles=20)
    new = dataclasses.replace(old, racks=(old.racks[0], extra, *old.racks[1:]))
    save_difference(row, 1, old, new)
    assert [r.id for r in _domain(row).racks] == ["A01", "X01", "A02", "A03", "A04"]


@pytest.mark.django_db
def test_the_lean_load_equals_the_prefetching_load_for_every_reference_design(owner, loaded_catalog):
    """``load_domain_design`` (the editor's load) builds exactly what ``design_to_domain`` builds from the
    prefetched rows: rack order, PDUs, devices in U order, phases, site, fabrics and workloads."""
    catalog = get_catalog()
    for ref in reference_designs(catalog):
        row = create_design(owner, ref["design"])
        lean = load_domain_design(row)
        assert lean == design_to_domain(designs_with_content().get(pk=row.pk)) == ref["design"], ref["slug"]
    moved = move_racks(lean, catalog, [lean.racks[0].id], 0, 1).design
    save_difference(row, row.version, lean, moved)
    assert load_domain_design(row) == moved == design_to_domain(designs_with_content().get(pk=row.pk))
