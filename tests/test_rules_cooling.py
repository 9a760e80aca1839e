"""Rack cooling: heat to air and to liquid against the rack's cooling method (hardware.md §2.5, §5.3)."""

from __future__ import annotations

import pytest

from studio.domain.rules.cooling import rack_cooling_capacity
from studio.domain.rules.facts import design_facts
from tests.test_rules_support import codes, dgx_stack, make_design, rack, small_catalog


def facts_of(*racks):
    catalog = small_catalog()
    return design_facts(make_design(racks, catalog), catalog).racks[0]


def test_four_dgx_h100_on_an_active_rear_door_are_within_its_75_kw():
    facts = facts_of(rack(cooling="rdhx-active", devices=dgx_stack(4)))
    assert facts.heat_air_w == pytest.approx(40_800)
    assert rack_cooling_capacity(facts) == []


def test_four_dgx_h100_on_plain_air_exceed_its_30_kw():
    (finding,) = rack_cooling_capacity(facts_of(rack(cooling="air", devices=dgx_stack(4))))
    assert (finding.code, finding.severity) == ("rack.cooling.over_capacity", "error")
    assert (finding.value, finding.limit, finding.unit) == (pytest.approx(40.8), 30, "kW")


def test_air_heat_within_ten_percent_of_the_limit_is_a_warning():
    # 28 kW of 30 kW: 2 × dgx-h100 (20.4) + 1 liquid-server's air share? use 2 × 10.2 + 0.8 · ... keep simple:
    # 3 × dgx-h100 = 30.6 kW > 30 → error; 2 × dgx-h100 + liquid-server (20 % of 10 kW = 2 kW air) = 22.4 → fine
    facts = facts_of(rack(cooling="dlc", devices=dgx_stack(2) + [("liquid-server", 20)]))
    assert facts.heat_air_w == pytest.approx(22_400)
    assert facts.heat_liquid_w == pytest.approx(8_000)
    assert rack_cooling_capacity(facts) == []
    facts.heat_air_w = 28_000  # 93 % of 30 kW
    assert codes(rack_cooling_capacity(facts), "warning") == ["rack.cooling.over_capacity"]


def test_a_liquid_cooled_system_on_air_cooling_is_an_error():
    (finding,) = rack_cooling_capacity(facts_of(rack(cooling="air", devices=[("liquid-server", 1)])))
    assert finding.code == "rack.cooling.over_capacity" and finding.severity == "error"
    assert "liquid-cooled system on air" in finding.message
    assert finding.value == pytest.approx(8.0) and finding.limit == 0


def test_a_gb200_nvl72_splits_its_heat_85_percent_to_liquid():
    facts = facts_of(rack(model="gb200-nvl72", cooling="dlc", pdus=[]))
    assert facts.heat_liquid_w == pytest.approx(106_250)  # 125 kW × 0.85
    assert facts.heat_air_w == pytest.approx(18_750)
    assert rack_cooling_capacity(facts) == []  # 18.75 ≤ 30 air, 106.25 ≤ 200 liquid
