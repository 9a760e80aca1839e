"""Space in racks (U slots) and on the floor (tile grid: bounds, overlap, aisle clearance)."""

from __future__ import annotations

from studio.domain.layout import Footprint, TileGrid, nearest_distances
from studio.domain.rules import validate
from studio.domain.rules.facts import design_facts
from studio.domain.rules.space import layout_findings, rack_space
from tests.test_rules_support import codes, dgx_stack, make_design, rack, small_catalog


def layout_of(*racks, **top):
    catalog = small_catalog()
    return layout_findings(design_facts(make_design(racks, catalog, **top), catalog))


def test_five_dgx_h100_fill_a_42u_rack_and_a_sixth_overflows():
    catalog = small_catalog()
    fine = design_facts(make_design([rack(model="rack-42u-600x1200", devices=dgx_stack(5))], catalog), catalog)
    assert rack_space(fine.racks[0]) == []
    over = design_facts(make_design([rack(model="rack-42u-600x1200", devices=dgx_stack(6))], catalog), catalog)
    (finding,) = rack_space(over.racks[0])
    assert (finding.code, finding.value, finding.limit) == ("rack.space.overflow", 48, 42)
    assert "U41" in finding.message


def test_two_devices_on_the_same_units_overlap():
    catalog = small_catalog()
    df = design_facts(make_design([rack(devices=[("dgx-h100", 1), ("quantum-2-ndr", 5)])], catalog), catalog)
    (finding,) = rack_space(df.racks[0])
    assert finding.code == "rack.space.overlap" and finding.severity == "error"
    assert "dgx-h100 at U1" in finding.message


def test_a_device_in_a_rack_scale_rack_overlaps_its_trays():
    catalog = small_catalog()
    df = design_facts(make_design([rack(model="gb200-nvl72", cooling="dlc", pdus=[],
                                        devices=[("quantum-2-ndr", 10)])], catalog), catalog)
    assert codes(rack_space(df.racks[0])) == ["rack.space.overlap"]


def test_footprints_follow_width_depth_and_rotation():
    assert Footprint.of(0, 0, 600, 1200, 0, 600).w == 1 and Footprint.of(0, 0, 600, 1200, 0, 600).d == 2
    turned = Footprint.of(0, 0, 600, 1200, 90, 600)
    assert (turned.w, turned.d) == (2, 1)
    assert Footprint.of(0, 0, 750, 1200, 0, 600).w == 2  # ceil(750 / 600)


def test_racks_sharing_a_tile_overlap_and_the_pair_is_reported_once():
    findings = layout_of(rack("A01", x=2, y=3), rack("A02", x=2, y=4))
    overlaps = [f for f in findings if f.code == "layout.overlap"]
    assert len(overlaps) == 1 and overlaps[0].subject == "A02" and "A01" in overlaps[0].message


def test_the_tile_grid_finds_overlaps_from_either_rack_and_forgets_moved_racks():
    grid = TileGrid()
    assert grid.place("A01", Footprint(2, 3, 1, 2)) == []
    assert grid.place("A02", Footprint(2, 4, 1, 2)) == ["A01"]
    assert grid.overlapping("A01") == ["A02"] and grid.overlapping("A02") == ["A01"]
    grid.remove("A01")
    assert grid.owner((2, 4)) == "A02" and grid.owner((2, 3)) is None
    assert grid.overlapping("A02") == []


def test_a_rack_past_the_hall_edge_is_out_of_bounds():
    # hall 24 × 18 m on 600 mm tiles = 40 × 30 tiles
    assert "layout.out_of_bounds" in codes(layout_of(rack(x=40, y=3)))
    assert "layout.out_of_bounds" in codes(layout_of(rack(x=5, y=29)))  # y 29–30, beyond 29
    assert "layout.out_of_bounds" not in codes(layout_of(rack(x=39, y=26)))


def test_a_rack_needs_a_cold_aisle_in_front_and_a_hot_aisle_behind():
    # A01 at (2, 5) faces −y: needs y 3–4 free in front, y 7–8 behind (0.9 m → 2 tiles of 600 mm)
    assert codes(layout_of(rack("A01", x=2, y=5))) == []
    blocked_back = layout_of(rack("A01", x=2, y=5), rack("B01", x=2, y=8, rotation=180))
    found = [f for f in blocked_back if f.code == "layout.aisle_clearance" and f.subject == "A01"]
    assert len(found) == 1 and found[0].severity == "warning" and found[0].value == 0.6
    touching = layout_of(rack("A01", x=2, y=5), rack("B01", x=2, y=7, rotation=180))
    assert any(f.code == "layout.aisle_clearance" and f.severity == "error" for f in touching)


def test_the_hall_wall_blocks_an_aisle_too():
    findings = layout_of(rack("A01", x=2, y=0))  # its front is against the wall at y = 0
    assert [(f.code, f.severity) for f in findings] == [("layout.aisle_clearance", "error")]


def test_rotation_turns_the_front_of_the_rack():
    # rotated 90: front faces +x; 2 tiles wide along x (depth), 1 along y
    assert codes(layout_of(rack("A01", x=3, y=3, rotation=90))) == []
    assert "layout.aisle_clearance" in codes(layout_of(rack("A01", x=3, y=3, rotation=90),
                                                       rack("A02", x=6, y=3, rotation=90)))


def test_nearest_distances_are_manhattan_to_the_closest_source():
    assert nearest_distances([(0, 0), (10, 0)], [(7, 2), (0, 0), (1, 1)]) == [5, 0, 2]
    assert nearest_distances([], [(1, 1)]) == [None]


def test_validate_reports_layout_findings_for_a_whole_design():
    report = validate(make_design([rack("A01", x=2, y=5), rack("A02", x=2, y=5)]), small_catalog())
    assert "layout.overlap" in codes(report.findings, "error")
