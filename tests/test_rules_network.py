"""Fabrics in a design: the one sizer's counts against placed switches, cable reach on the floor.

The sizer itself (studio.domain.fabric) is tested against the SuperPOD tables in test_perf_fabric.py."""

from __future__ import annotations

import pytest

from studio.domain.rules import validate
from studio.domain.rules.network import cable_length_m, cable_media
from tests.test_rules_support import codes, dgx_stack, make_design, rack, small_catalog


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
                                                 "placed": 12, "tiers": 2}


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


def test_each_fabric_gives_its_cables_and_optics_at_its_own_link_speed():
    fabrics = {"compute": {"model": "quantum-2-ndr"}, "inband": {"model": "sn4600c"}}
    report = validate(make_design(network_racks(8, 12), fabrics=fabrics), small_catalog())
    links = report.totals.fabric_links
    assert links["compute"] == {"model": "quantum-2-ndr", "speed_gbps": 400.0,
                                "cables": {"dac": 256, "multimode": 256}, "transceivers": {"multimode": 512}}
    assert links["inband"]["speed_gbps"] == 100.0  # SN4600C: 64 × 100G
    assert links["inband"]["cables"] == {"unplaced": 64}  # 32 DGX × 2 in-band ports; no rack holds an SN4600C
    assert report.totals.cables == {"dac": 256, "multimode": 256, "unplaced": 64}


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


def test_a_fabric_the_sizer_cannot_size_is_a_finding_not_an_exception():
    from dataclasses import replace

    from studio.domain.design import Fabric
    design = make_design([rack(devices=dgx_stack(4))])
    design = replace(design, fabrics={"compute": Fabric("quantum-2-ndr", "torus", 1.0)})
    (finding,) = [f for f in validate(design, small_catalog()).findings if f.code == "fabric.topology.invalid"]
    assert finding.severity == "error" and "torus" in finding.message


def test_validate_sizes_the_compute_fabric_with_the_one_sizer():
    from studio.domain.fabric import design_compute_fabric
    catalog = small_catalog()
    design = make_design(network_racks(8, 12), fabrics={"compute": {"model": "quantum-2-ndr"}})
    size = design_compute_fabric(design, catalog)
    compute = validate(design, catalog).totals.switches["compute"]
    assert (size.leaf, size.spine, size.core, size.tiers) == (compute["leaf"], compute["spine"], compute["core"],
                                                              compute["tiers"])
