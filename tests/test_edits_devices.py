"""Edits inside a rack, as pure functions: devices into U slots, auto-fill to the rack's limits,
PDUs and cooling, and the one definition of U occupancy."""

from __future__ import annotations

from dataclasses import replace

import pytest

from catalog.datafiles import file_catalog
from studio.domain import design as d
from studio.domain.edits import EditError, restore
from studio.domain.edits.devices import add_device, autofill_rack, move_device, rack_limits, remove_device, set_rack
from studio.domain.layout import claim_u, occupied_u
from tests.editor_fixtures import hall

CATALOG = file_catalog()


def test_the_worked_example_of_u_occupancy():
    rack = replace(hall(racks=1).racks[0], devices=(d.DevicePlacement("dgx-h100", 1),
                                                    d.DevicePlacement("quantum-2-ndr", 17)))
    taken = occupied_u(CATALOG, rack)
    assert set(taken) == {*range(1, 9), 17} and 9 not in taken
    assert set(occupied_u(CATALOG, rack, skip=0)) == {17}


def test_the_worked_example_of_claiming_u():
    taken = dict.fromkeys(range(1, 9), "DGX H100")
    assert claim_u(taken, 5, 6, "switch") == [5, 6] and taken[5] == "DGX H100"
    assert claim_u(taken, 9, 9, "switch") == [] and taken[9] == "switch"


def test_a_rack_scale_system_has_every_u_taken():
    nvl = d.RackPlacement("N01", "gb200-nvl72", 0, 0, cooling="dlc")
    assert len(occupied_u(CATALOG, nvl)) == rack_limits(CATALOG, nvl).u_total


def test_a_device_goes_into_a_free_slot_and_not_onto_a_taken_one_or_over_the_top():
    design = hall()
    with pytest.raises(EditError, match="U5 of A01 is taken"):
        add_device(design, CATALOG, "A01", "dgx-h100", 5)
    with pytest.raises(EditError, match="U44–U51"):
        add_device(design, CATALOG, "A01", "dgx-h100", 44)
    with pytest.raises(EditError, match="rack of its own"):
        add_device(design, CATALOG, "A01", "gb200-nvl72", 30)
    added = add_device(design, CATALOG, "A01", "quantum-2-ndr", 17)
    assert added.design.rack("A01").devices[2] == d.DevicePlacement("quantum-2-ndr", 17)
    assert restore(added.design, added.inverse).design == design


def test_a_device_is_moved_and_removed_by_its_index_in_the_rack():
    design = add_device(hall(), CATALOG, "A01", "quantum-2-ndr", 17).design
    moved = move_device(design, CATALOG, "A01", 2, 20)
    assert moved.design.rack("A01").devices[2].u == 20 and "from U17 to U20" in moved.message
    with pytest.raises(EditError, match="U9 of A01 is taken"):
        move_device(design, CATALOG, "A01", 2, 9)
    removed = remove_device(moved.design, CATALOG, "A01", 2)
    assert [dev.model for dev in removed.design.rack("A01").devices] == ["dgx-h100", "dgx-h100"]
    with pytest.raises(EditError, match="no longer in A01"):
        remove_device(removed.design, CATALOG, "A01", 2)


def test_auto_fill_packs_a_rack_up_to_its_power():
    design = replace(hall(), racks=tuple(replace(r, devices=()) for r in hall().racks))
    lim = rack_limits(CATALOG, design.rack("A02"))
    filled = autofill_rack(design, CATALOG, "A02", "dgx-h100")
    after = rack_limits(CATALOG, filled.design.rack("A02"))
    count = len(filled.design.rack("A02").devices)
    assert count >= 1 and after.within and after.power_kw <= lim.power_limit_kw
    one_more = add_device(filled.design, CATALOG, "A02", "dgx-h100", 1 + 8 * count).design
    assert not rack_limits(CATALOG, one_more.rack("A02")).within  # the next one would not fit
    with pytest.raises(EditError, match="Not one more"):
        autofill_rack(filled.design, CATALOG, "A02", "dgx-h100")


def test_the_worked_example_of_the_rack_power_limit():
    rack = hall(racks=1).racks[0]  # one 60 A 415 V three-phase PDU per feed, two DGX H100, an active rear door
    lim = rack_limits(CATALOG, rack)
    assert round(lim.power_limit_kw, 1) == 34.5 and round(lim.power_kw, 1) == 22.4
    assert lim.u_used == 16 and lim.u_total == 48


def test_cooling_and_pdus_are_set_per_feed():
    design = hall()
    changed = set_rack(design, CATALOG, "A01", "air", {"A": ("pdu-415v-60a-3ph", 2), "B": ("", 0)})
    rack = changed.design.rack("A01")
    assert rack.cooling == "air" and [p.feed for p in rack.pdus] == ["A", "A"]
    with pytest.raises(EditError, match="not a rack PDU"):
        set_rack(design, CATALOG, "A01", "air", {"A": ("dgx-h100", 1)})
    with pytest.raises(EditError, match="not a rack cooling method"):
        set_rack(design, CATALOG, "A01", "pdu-415v-60a-3ph", {})
