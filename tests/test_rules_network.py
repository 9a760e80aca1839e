"""Fabric sizing from the switch radix (hardware.md §3.5), ports against NICs, cable reach."""

from __future__ import annotations

import pytest

from studio.domain.rules import validate
from studio.domain.rules.network import cable_length_m, cable_media, size_fabric
from tests.test_rules_support import codes, dgx_stack, make_design, rack, small_catalog

QM9700 = 64


@pytest.mark.parametrize(("nodes", "leaf", "spine"), [(31, 8, 4), (32, 8, 4), (64, 16, 8), (128, 32, 16)])
def test_a_rail_optimized_ndr_fabric_matches_the_superpod_tables(nodes, leaf, spine):
    size = size_fabric(8, nodes, QM9700, "rail-optimized", 1.0)
    assert (size.leaf, size.spine, size.core, size.tiers) == (leaf, spine, 0, 2)
    assert size.endpoint_cables == nodes * 8


def test_32_dgx_h100_on_quantum_2_ndr_need_8_leaf_and_4_spine():
    switch = small_catalog().get("quantum-2-ndr")
    size = size_fabric(8, 32, switch, "rail-optimized", 1.0)
    assert (size.leaf, size.spine, size.switches) == (8, 4, 12)
    assert size.leaf_spine_cables == 256


def test_a_handful_of_ports_needs_one_switch():
    size = size_fabric(8, 4, QM9700, "rail-optimized")
    assert (size.tiers, size.leaf, size.spine) == (1, 1, 0)


def test_a_fat_tree_leaves_half_the_ports_down_at_one_to_one():
    size = size_fabric(1, 100, QM9700, "fat-tree", 1.0)
    assert (size.leaf, size.spine) == (4, 2)  # ceil(100 / 32) leaves; 100 uplinks / 64


def test_oversubscription_puts_more_ports_down():
    size = size_fabric(1, 480, QM9700, "fat-tree", 3.0)  # 48 down, 16 up per leaf
    assert size.leaf_down_ports == 48 and size.leaf == 10 and size.spine == 3  # 160 uplinks / 64


def test_beyond_k_leaves_the_fabric_takes_a_third_tier():
    # 2,048 DGX (16,384 ports): 512 rail leaves > 64 → pods of 32 leaves, 16 pods
    size = size_fabric(8, 2048, QM9700, "rail-optimized")
    assert size.tiers == 3 and size.leaf == 512 and size.spine == 512 and size.core == 256
    assert size.feasible


def test_more_than_k_cubed_over_4_endpoints_is_infeasible():
    size = size_fabric(1, 64 ** 3 // 4 + 1, QM9700, "fat-tree")
    assert not size.feasible


def test_cable_length_adds_twice_the_rack_height_and_slack():
    assert cable_length_m(5, 600, 2.1336, False) == pytest.approx(3.0 + 4.2672 + 0.5)
    assert cable_length_m(0, 600, 2.1336, True) == pytest.approx(2.6336)
    reach = {"dac": 3.0, "multimode": 50.0, "singlemode": 500.0}
    assert cable_media(2.6, reach) == "dac" and cable_media(7.8, reach) == "multimode"
    assert cable_media(80, reach) == "singlemode" and cable_media(900, reach) is None


def network_racks(n_compute, switches, *, x_net=20):
    racks = [rack(f"C{i:02d}", x=2 + i, y=5, devices=dgx_stack(4)) for i in range(n_compute)]
    racks.append(rack("N01", x=x_net, y=5, cooling="air", devices=[("quantum-2-ndr", 1 + i) for i in range(switches)]))
    return racks


def test_switches_placed_in_racks_count_towards_the_sized_fabric():
    fabrics = {"compute": {"model": "quantum-2-ndr"}}
    report = validate(make_design(network_racks(8, 12), fabrics=fabrics), small_catalog())
    assert "fabric.ports.insufficient" not in codes(report.findings)
    assert report.totals.switches["compute"] == {"model": "quantum-2-ndr", "leaf": 8, "spine": 4, "core": 0,
                                                 "placed": 12}


def test_too_few_placed_switches_is_insufficient_ports():
    fabrics = {"compute": {"model": "quantum-2-ndr"}}
    report = validate(make_design(network_racks(8, 8), fabrics=fabrics), small_catalog())
    (finding,) = [f for f in report.findings if f.code == "fabric.ports.insufficient"]
    assert finding.severity == "error" and finding.subject == "fabric:compute"
    assert (finding.value, finding.limit, finding.unit) == (12 * 64, 8 * 64, "ports")


def test_a_fabric_with_no_switch_placed_is_counted_but_noted():
    fabrics = {"compute": {"model": "quantum-2-ndr"}}
    report = validate(make_design([rack(devices=dgx_stack(4))], fabrics=fabrics), small_catalog())
    assert "fabric.switches.unplaced" in codes(report.findings, "info")
    assert report.totals.it_kw_max == pytest.approx(40.8 + 1.7)  # the one leaf switch is counted


def test_many_systems_without_a_compute_fabric_get_a_warning():
    report = validate(make_design([rack(devices=dgx_stack(4))]), small_catalog())
    assert "fabric.missing" in codes(report.findings, "warning")


def test_cables_are_typed_by_floor_distance():
    fabrics = {"compute": {"model": "quantum-2-ndr"}}
    report = validate(make_design(network_racks(8, 12), fabrics=fabrics), small_catalog())
    cables = report.totals.cables
    # node → leaf: 8 racks, 2–9 m from the network rack → optics; leaf → spine inside that rack → copper
    assert cables == {"dac": 256, "multimode": 256}
    assert report.totals.transceivers["multimode"] == 2 * cables["multimode"]


def test_switches_in_the_same_rack_as_the_systems_use_copper():
    fabrics = {"compute": {"model": "quantum-2-ndr"}}
    racks = [rack("C01", x=2, y=5, devices=dgx_stack(4) + [("quantum-2-ndr", 40)])]
    report = validate(make_design(racks, fabrics=fabrics), small_catalog())
    assert report.totals.cables == {"dac": 32}


def test_the_four_superpod_fabrics_are_sized_together():
    fabrics = {"compute": {"model": "quantum-2-ndr"}, "storage": {"model": "quantum-2-ndr"},
               "inband": {"model": "sn4600c"}, "oob": {"model": "sn2201"}}
    report = validate(make_design(network_racks(8, 12), fabrics=fabrics, storage=[{"model": "ddn-ai400x2t",
                                                                                   "count": 3}]), small_catalog())
    switches = report.totals.switches
    assert set(switches) == {"compute", "storage", "inband", "oob"}
    assert switches["compute"]["placed"] == 12 and switches["storage"]["placed"] == 0
    # storage: 32 × 2 DGX ports + 3 × 8 appliance ports = 88 endpoints → 3 leaves, 2 spines
    assert (switches["storage"]["leaf"], switches["storage"]["spine"]) == (3, 2)
