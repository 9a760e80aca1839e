"""Edits on the floor, as pure functions (no HTTP, no database): move, rotate, add, duplicate,
delete, the labels of new racks, and undo by the inverse."""

from __future__ import annotations

import pytest

from catalog.datafiles import file_catalog
from studio.domain.edits import EditError, restore
from studio.domain.edits.labels import new_row_prefix, next_labels, prefix
from studio.domain.edits.racks import add_rack, delete_racks, duplicate_racks, move_racks, rotate_racks
from tests.editor_fixtures import hall

CATALOG = file_catalog()


def where(design, label):
    rack = design.rack(label)
    return rack.x_tiles, rack.y_tiles, rack.rotation


def test_the_worked_example_of_the_next_labels():
    assert next_labels({"A01", "A02", "A05"}, "A", 2) == ["A06", "A07"]
    assert prefix("A07") == "A" and prefix("GPU12") == "GPU" and prefix("42") == "R"
    assert new_row_prefix({"A01", "B01"}) == "C"


def test_a_move_returns_the_new_design_and_an_inverse_that_undoes_it():
    design = hall()
    moved = move_racks(design, CATALOG, ["A01"], 0, 4)
    assert where(moved.design, "A01") == (2, 7, 0) and where(design, "A01") == (2, 3, 0)
    assert moved.racks == ("A01",) and moved.message == "Moved A01"
    assert restore(moved.design, moved.inverse).design == design


def test_a_row_moves_together_and_a_move_onto_another_rack_or_out_of_the_hall_is_refused():
    design = hall()
    row = move_racks(design, CATALOG, ["A01", "A02", "A03", "A04"], 3, 2)
    assert [where(row.design, r.id)[:2] for r in row.design.racks] == [(5, 5), (6, 5), (7, 5), (8, 5)]
    with pytest.raises(EditError, match="taken by A02"):
        move_racks(design, CATALOG, ["A01"], 1, 0)
    with pytest.raises(EditError, match="outside the hall"):
        move_racks(design, CATALOG, ["A01"], 0, -10)
    with pytest.raises(EditError, match="did not move"):
        move_racks(design, CATALOG, ["A01"], 0, 0)
    with pytest.raises(EditError, match="no rack 'Z99'"):
        move_racks(design, CATALOG, ["Z99"], 1, 0)


def test_a_rotation_turns_a_rack_about_its_corner_and_refuses_to_land_on_a_neighbour():
    design = hall(racks=1)
    turned = rotate_racks(design, CATALOG, ["A01"])
    assert where(turned.design, "A01") == (2, 3, 90)
    with pytest.raises(EditError, match="taken by A02"):
        rotate_racks(hall(), CATALOG, ["A01"])  # 2 tiles wide at 90°: onto A02


def test_a_new_rack_continues_its_row_and_gets_two_pdus_or_a_rack_scale_system_liquid_cooling():
    design = hall()
    added = add_rack(design, CATALOG, "rack-42u-600x1200", 20, 3)
    assert added.added == ("A05",) and [p.feed for p in added.design.rack("A05").pdus] == ["A", "B"]
    nvl = add_rack(design, CATALOG, "gb200-nvl72", 20, 10)
    assert nvl.added == ("B01",) and nvl.design.rack("B01").cooling == "dlc"
    assert restore(nvl.design, nvl.inverse).design == design
    with pytest.raises(EditError, match="server"):
        add_rack(design, CATALOG, "dgx-h100", 20, 10)
    with pytest.raises(EditError, match="rotation"):
        add_rack(design, CATALOG, "rack-42u-600x1200", 20, 10, rotation=45)


def test_one_rack_is_copied_beside_itself_and_a_row_behind_itself_across_a_hot_aisle():
    design = hall()
    one = duplicate_racks(design, CATALOG, ["A04"])
    assert one.added == ("A05",) and where(one.design, "A05") == (6, 3, 0)
    row = duplicate_racks(design, CATALOG, ["A01", "A02", "A03", "A04"])
    assert row.added == ("B01", "B02", "B03", "B04")
    assert [where(row.design, label) for label in row.added] == [(2 + i, 7, 180) for i in range(4)]
    assert restore(row.design, row.inverse).design == design


def test_a_deleted_rack_comes_back_at_its_place_in_the_order():
    design = hall()
    deleted = delete_racks(design, ["A02", "A03"])
    assert [r.id for r in deleted.design.racks] == ["A01", "A04"] and deleted.removed == ("A02", "A03")
    back = restore(deleted.design, deleted.inverse)
    assert back.design == design
    assert restore(back.design, back.inverse).design == deleted.design  # the inverse of an undo redoes
