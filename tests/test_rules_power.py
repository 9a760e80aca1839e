"""Rack power: PDU capacity, feed redundancy (worked examples from hardware.md §4)."""

from __future__ import annotations

import pytest

from studio.domain.rules.facts import design_facts
from studio.domain.rules.power import rack_feed_redundancy, rack_power_capacity, rack_power_findings
from tests.test_rules_support import codes, dgx_stack, make_design, rack, small_catalog


def facts_of(*racks, **top):
    catalog = small_catalog()
    df = design_facts(make_design(racks, catalog, **top), catalog)
    return df.racks[0]


def test_a_415v_60a_three_phase_pdu_gives_34_5_kw_usable():
    pdu = small_catalog().get("pdu-415v-60a-3ph")
    assert pdu.usable_power_w == pytest.approx(34_502, abs=1)  # √3 · 415 · 60 · 1.0 · 0.8


def test_four_dgx_h100_on_one_pdu_per_feed_fit_together_but_lose_feed_redundancy():
    # 4 × 10.2 kW = 40.8 kW; A + B = 69.0 kW (59 %) fine; one feed alone 34.5 kW < 40.8 kW
    facts = facts_of(rack(devices=dgx_stack(4)))
    assert facts.power_max_w == pytest.approx(40_800)
    assert rack_power_capacity(facts) == []
    (finding,) = rack_feed_redundancy(facts, "N+1")
    assert finding.code == "rack.power.feed_redundancy"
    assert finding.severity == "warning"
    assert finding.value == pytest.approx(40.8)
    assert finding.limit == pytest.approx(34.5, abs=0.01)
    assert finding.unit == "kW"


def test_feed_redundancy_is_an_error_when_the_site_target_is_2n():
    facts = facts_of(rack(devices=dgx_stack(4)))
    (finding,) = rack_feed_redundancy(facts, "2N")
    assert finding.severity == "error"


def test_two_pdus_per_feed_carry_the_rack_on_either_feed():
    pdus = [("pdu-415v-60a-3ph", "A")] * 2 + [("pdu-415v-60a-3ph", "B")] * 2
    facts = facts_of(rack(pdus=pdus, devices=dgx_stack(4)))
    assert rack_power_findings(facts, "2N") == []


def test_a_rack_above_all_its_pdus_together_is_over_capacity():
    # 4 × 10.2 = 40.8 kW on one 34.5 kW PDU
    facts = facts_of(rack(pdus=[("pdu-415v-60a-3ph", "A")], devices=dgx_stack(4)))
    (finding,) = rack_power_capacity(facts)
    assert (finding.code, finding.severity) == ("rack.power.over_capacity", "error")
    assert finding.value == pytest.approx(40.8) and finding.limit == pytest.approx(34.5, abs=0.01)


def test_a_rack_within_ten_percent_of_its_pdus_is_a_warning():
    # 3 × 10.2 = 30.6 kW of 34.5 kW = 89 % → fine; + one switch (1.7 kW) = 32.3 kW = 94 % → warning
    assert rack_power_capacity(facts_of(rack(pdus=[("pdu-415v-60a-3ph", "A")], devices=dgx_stack(3)))) == []
    devices = dgx_stack(3) + [("quantum-2-ndr", 40)]
    (finding,) = rack_power_capacity(facts_of(rack(pdus=[("pdu-415v-60a-3ph", "A")], devices=devices)))
    assert (finding.code, finding.severity) == ("rack.power.over_capacity", "warning")


def test_a_loaded_rack_without_pdus_is_flagged():
    (finding,) = rack_power_capacity(facts_of(rack(pdus=[], devices=dgx_stack(1))))
    assert (finding.code, finding.severity) == ("rack.power.no_pdu", "error")


def test_an_empty_rack_without_pdus_is_fine():
    assert rack_power_findings(facts_of(rack(pdus=[])), "2N") == []


def test_a_rack_scale_system_is_checked_against_its_power_shelves():
    # gb200-nvl72: 125 kW on 132 kW of shelves — the vendor's envelope, no warning
    facts = facts_of(rack(model="gb200-nvl72", cooling="dlc", pdus=[]))
    assert rack_power_findings(facts, "N+1") == []


def test_a_rack_scale_system_with_devices_added_past_its_shelves_is_over_capacity():
    facts = facts_of(rack(model="gb200-nvl72", cooling="dlc", pdus=[], devices=[]))
    assert facts.power_max_w == 125_000
    facts.power_max_w += 8_000  # as if devices were added: 133 kW > 132 kW
    assert codes(rack_power_capacity(facts)) == ["rack.power.over_capacity"]


def test_all_pdus_on_one_feed_under_a_2n_target_is_a_warning():
    facts = facts_of(rack(pdus=[("pdu-415v-60a-3ph", "A")] * 2, devices=dgx_stack(2)))
    assert codes(rack_feed_redundancy(facts, "2N")) == ["rack.power.single_feed"]
    assert rack_feed_redundancy(facts, "N+1") == []


def test_typical_power_is_summed_alongside_max_power():
    facts = facts_of(rack(devices=dgx_stack(2)))
    assert (facts.power_max_w, facts.power_typical_w) == (20_400, 15_000)
