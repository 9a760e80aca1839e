"""Rack load rating and floor load (hardware.md §4 "Rack weights", "Floor loading")."""

from __future__ import annotations

import pytest

from studio.domain.rules.facts import design_facts
from studio.domain.rules.weight import floor_area_m2, floor_load, rack_weight
from tests.test_rules_support import codes, dgx_stack, make_design, rack, small_catalog


def facts_of(*racks, **top):
    catalog = small_catalog()
    return design_facts(make_design(racks, catalog, **top), catalog).racks[0]


def test_four_dgx_b200_with_pdus_and_a_rear_door_load_a_48u_rack_to_81_percent():
    # 4 × 142.4 + 2 × 15 (PDUs) + 50 (door) = 649.6 kg of 800 kg → fine
    facts = facts_of(rack(devices=dgx_stack(4, "dgx-b200", 10)))
    assert facts.load_kg == pytest.approx(649.6)
    assert facts.weight_kg == pytest.approx(649.6 + 128)
    assert rack_weight(facts) == []


def test_five_dgx_b200_are_near_the_rating_and_six_are_over():
    near = facts_of(rack(devices=dgx_stack(5, "dgx-b200", 10)))  # 712 + 80 = 792 kg of 800
    assert [(f.code, f.severity) for f in rack_weight(near)] == [("rack.weight.over_capacity", "warning")]
    over = facts_of(rack(model="rack-42u-750x1200", devices=dgx_stack(4, "dgx-b200", 10) + [("dgx-h100", 41)]))
    assert rack_weight(over) == []  # 4 × 142.4 + 130.45 + 80 = 780 kg of 1,020 kg, U overflow is another rule
    heavy = facts_of(rack(devices=dgx_stack(4, "dgx-b200", 10) + [("dgx-h100", 41), ("dgx-h100", 33)]))
    (finding,) = rack_weight(heavy)
    assert finding.severity == "error" and finding.limit == 800


def test_a_nvl72_rack_as_shipped_is_within_its_own_rating():
    facts = facts_of(rack(model="gb200-nvl72", cooling="dlc", pdus=[]))
    assert rack_weight(facts) == []  # 1,360 + 30 kg of 1,500 kg, the vendor's rack


def test_the_floor_area_includes_half_of_each_aisle():
    facts = facts_of(rack())
    assert floor_area_m2(facts) == pytest.approx(0.6 * (1.2 + 0.6 + 0.45))  # 1.35 m²


def test_a_nvl72_loads_a_1500_kg_slab_to_about_1090_kg_per_m2():
    facts = facts_of(rack(model="gb200-nvl72", cooling="dlc", pdus=[]))
    # (1,360 + 30) kg over 0.6 × (1.068 + 1.05) m² = 1.2708 m² → 1,094 kg/m²
    assert facts.weight_kg / floor_area_m2(facts) == pytest.approx(1093.8, abs=0.5)
    assert floor_load(facts, 1500) == []


def test_a_nvl72_overloads_a_730_kg_per_m2_raised_floor():
    facts = facts_of(rack(model="gb200-nvl72", cooling="dlc", pdus=[]))
    (finding,) = floor_load(facts, 730)
    assert (finding.code, finding.severity, finding.unit) == ("floor.load.exceeded", "error", "kg/m²")


def test_floor_load_within_ten_percent_is_a_warning():
    facts = facts_of(rack(model="gb200-nvl72", cooling="dlc", pdus=[]))
    assert codes(floor_load(facts, 1150), "warning") == ["floor.load.exceeded"]
