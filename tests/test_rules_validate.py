"""validate(design, catalog) as a whole: ordering, totals, the one-rack recompute, and properties
that hold for any design (hypothesis)."""

from __future__ import annotations

import dataclasses

from hypothesis import given, settings
from hypothesis import strategies as st

from studio.domain.design import (
    CountedItem,
    Design,
    DevicePlacement,
    Fabric,
    PduPlacement,
    RackPlacement,
    Site,
    SiteCooling,
    Workload,
)
from studio.domain.rules import SEVERITIES, analyse, revalidate, validate
from studio.domain.rules.facts import design_facts
from studio.domain.rules.finding import SEVERITY_RANK
from tests.test_rules_support import dgx_stack, make_design, rack, small_catalog

CATALOG = small_catalog()


def test_findings_come_errors_first_then_warnings_then_info():
    design = make_design([rack("A01", x=2, y=5, cooling="air", devices=dgx_stack(4)),
                          rack("A02", x=2, y=5, devices=dgx_stack(2))])
    ranks = [SEVERITY_RANK[f.severity] for f in validate(design, CATALOG).findings]
    assert ranks == sorted(ranks) and ranks[0] == 0


def test_a_finding_serialises_to_exactly_the_contract_keys():
    report = validate(make_design([rack(cooling="air", devices=dgx_stack(4))]), CATALOG)
    for finding in report.as_dict()["findings"]:
        assert list(finding) == ["severity", "code", "subject", "message", "value", "limit", "unit"]


def test_totals_count_findings_by_severity():
    report = validate(make_design([rack(cooling="air", devices=dgx_stack(4))]), CATALOG)
    for severity in SEVERITIES:
        assert report.totals.findings[severity] == sum(f.severity == severity for f in report.findings)


def test_after_a_drag_the_revalidation_equals_a_full_validation_and_reports_an_overlap_once():
    design = make_design([rack("A01", x=2, y=5, devices=dgx_stack(2)), rack("A02", x=4, y=5)])
    before = analyse(design, CATALOG)
    assert before.report.for_subject("A02") == []
    moved = dataclasses.replace(design, racks=(design.racks[0], dataclasses.replace(design.racks[1], x_tiles=2)))
    after = revalidate(before, moved, CATALOG)
    assert after.report == validate(moved, CATALOG)
    assert [f.code for f in after.report.findings].count("layout.overlap") == 1  # by A02, the later rack


def test_a_revalidation_after_a_change_of_contents_agrees_with_the_full_validation():
    def hall(servers):
        return make_design([rack("A01", x=2, y=5, cooling="air", pdus=[("pdu-415v-32a-3ph", "A")],
                                 devices=dgx_stack(servers)), rack("A02", x=3, y=5)])

    design, lighter = hall(4), hall(1)
    assert revalidate(analyse(design, CATALOG), lighter, CATALOG).report == validate(lighter, CATALOG)


def test_a_design_built_in_code_with_unknown_slugs_gives_findings_not_exceptions():
    racks = (RackPlacement("X1", "no-such-rack", 0, 0, cooling="no-such-cooling",
                           pdus=(PduPlacement("no-such-pdu"),), devices=(DevicePlacement("no-such-device", 1),
                                                                         DevicePlacement("gb200-nvl72", 10))),)
    design = Design("x", Site(10, 10), racks, fabrics={"compute": Fabric("no-such-switch")},
                    storage=(CountedItem("no-such-storage"),), workloads=(Workload("training", "nope"),))
    codes = {f.code for f in validate(design, CATALOG).findings}
    assert {"rack.model.invalid", "rack.cooling.invalid", "rack.power.invalid_pdu", "rack.device.invalid",
            "fabric.model.invalid"} <= codes


# --- properties ----------------------------------------------------------------------------

DEVICE_SLUGS = ["dgx-h100", "dgx-b200", "liquid-server", "quantum-2-ndr", "sn2201", "ddn-ai400x2t", "cdu-121kw",
                "gb200-nvl72", "pdu-415v-60a-3ph", "unknown-thing"]
RACK_SLUGS = ["rack-48u-600x1200", "rack-42u-750x1200", "gb200-nvl72", "dgx-h100", "unknown-rack"]

devices = st.lists(st.builds(DevicePlacement, st.sampled_from(DEVICE_SLUGS), st.integers(-3, 60)), max_size=8)
racks = st.lists(st.builds(
    lambda i, model, x, y, rot, cooling, pdus, devs: RackPlacement(f"R{i}", model, x, y, rot, cooling, pdus, devs),
    st.integers(0, 30), st.sampled_from(RACK_SLUGS), st.integers(-5, 50), st.integers(-5, 40),
    st.sampled_from([0, 90, 180, 270]), st.sampled_from(["air", "rdhx-active", "dlc", "nope"]),
    st.lists(st.builds(PduPlacement, st.sampled_from(["pdu-415v-60a-3ph", "pdu-415v-32a-3ph", "dgx-h100"]),
                       st.sampled_from(["A", "B"])), max_size=4).map(tuple),
    devices.map(tuple)), max_size=12)
sites = st.builds(lambda w, d, tile, it, pue, fac, air, liq, floor, red: Site(w, d, tile, it, pue, fac,
                                                                             SiteCooling(air, liq), floor, red),
                  st.floats(1, 60), st.floats(1, 40), st.sampled_from([600, 610, 500]), st.floats(0, 5000),
                  st.floats(1, 3), st.floats(0, 8000), st.floats(0, 2000), st.floats(0, 2000), st.floats(1, 3000),
                  st.sampled_from(["N", "N+1", "2N", "2N+1"]))
fabrics = st.dictionaries(st.sampled_from(["compute", "storage", "inband", "oob"]),
                          st.builds(Fabric, st.sampled_from(["quantum-2-ndr", "sn2201", "sn4600c", "nope"]),
                                    st.sampled_from(["rail-optimized", "fat-tree"]), st.floats(1, 4)), max_size=4)
workloads = st.lists(st.builds(Workload, st.sampled_from(["inference", "training", "fabric"]),
                               st.sampled_from(["llama-3.1-405b", "llama-3.1-70b", None, "nope"])), max_size=3)
counted = st.lists(st.builds(CountedItem, st.sampled_from(["ddn-ai400x2t", "cdu-1350kw", "crah-250kw", "x"]),
                             st.integers(1, 4)), max_size=3).map(tuple)


@settings(max_examples=60, deadline=None)
@given(sites, racks, fabrics, counted, counted, workloads)
def test_validate_never_raises_on_any_design(site, rack_list, fabric_map, storage, facility, workload_list):
    design = Design("random", site, tuple(rack_list), fabric_map, storage, facility, tuple(workload_list))
    report = validate(design, CATALOG)
    ranks = [SEVERITY_RANK[f.severity] for f in report.findings]
    assert ranks == sorted(ranks)
    assert report.totals.it_kw_max >= report.totals.racks_kw_max - 1e-9
    assert sum(report.totals.findings.values()) == len(report.findings)
    report.as_dict()


@settings(max_examples=60, deadline=None)
@given(racks.filter(bool), st.builds(DevicePlacement, st.sampled_from(DEVICE_SLUGS), st.integers(1, 48)))
def test_adding_a_device_never_lowers_a_racks_power_or_weight(rack_list, extra):
    site = Site(60, 40)
    before = Design("before", site, tuple(rack_list[:1]))
    target = rack_list[0]
    after = Design("after", site, (dataclasses.replace(target, devices=target.devices + (extra,)),))
    a = design_facts(before, CATALOG).racks[0]
    b = design_facts(after, CATALOG).racks[0]
    assert b.power_max_w >= a.power_max_w and b.power_typical_w >= a.power_typical_w
    assert b.weight_kg >= a.weight_kg
    assert validate(after, CATALOG).totals.it_kw_max >= validate(before, CATALOG).totals.it_kw_max - 1e-9
