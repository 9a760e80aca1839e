"""Incremental = full: the editor's fast path (``rules.revalidate``) gives, after every edit, the
findings and totals a full ``validate`` gives for the same design.

Random edit sequences (moves, rotations, device drops and removals, rack additions, duplicates
and deletions, site and fabric edits, imports with overlapping racks) run through the pure edit
operations; after each step the chained incremental analysis must equal a fresh one.
"""

from __future__ import annotations

from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog.datafiles import file_catalog
from studio.domain import design as d
from studio.domain.edits import EditError, apply_edit
from studio.domain.edits.parse import Form
from studio.domain.rules import analyse, revalidate, validate

CATALOG = file_catalog()
PDUS = (d.PduPlacement("pdu-415v-60a-3ph", "A"), d.PduPlacement("pdu-415v-60a-3ph", "B"))
DEVICES = ("dgx-h100", "quantum-2-ndr", "ddn-ai400x2t")
SWITCHES = ("quantum-2-ndr", "")


def start() -> d.Design:
    """Four racks of two DGX H100 in a row, a network rack with two NDR switches at the row's end,
    an NDR compute fabric: cables get typed by their length to the switch rack."""
    racks = [d.RackPlacement(f"A{i + 1:02d}", "rack-48u-600x1200", 2 + i, 3, 0, "rdhx-active", PDUS,
                             (d.DevicePlacement("dgx-h100", 1), d.DevicePlacement("dgx-h100", 9)))
             for i in range(4)]
    racks.append(d.RackPlacement("N01", "rack-42u-600x1200", 6, 3, 0, "air", PDUS,
                                 (d.DevicePlacement("quantum-2-ndr", 20), d.DevicePlacement("quantum-2-ndr", 21))))
    site = d.Site(width_m=60, depth_m=24, it_power_kw=2000, facility_power_kw=2600,
                  cooling=d.SiteCooling(1500, 1000))
    return d.Design("Hall", site, tuple(racks), fabrics={"compute": d.Fabric("quantum-2-ndr")})


def same(incremental, design: d.Design) -> None:
    full = validate(design, CATALOG)
    assert [f.as_dict() for f in incremental.report.findings] == [f.as_dict() for f in full.findings]
    assert incremental.report.totals == full.totals


def imported(design: d.Design, x: int, y: int, rotation: int) -> d.Design:
    """An import over the design: its racks plus a copy of its first rack at (x, y) — which may
    stand on other racks (a design file may hold overlaps; validation reports them)."""
    if not design.racks:
        return design
    copy = replace(design.racks[0], id=f"I{len(design.racks):02d}", x_tiles=x, y_tiles=y, rotation=rotation)
    return replace(design, racks=design.racks + (copy,))


rack_pick = st.integers(0, 30)
steps = st.one_of(
    st.tuples(st.just("move"), rack_pick, st.integers(-40, 40), st.integers(-8, 8), st.integers(1, 3)),
    st.tuples(st.just("rotate"), rack_pick, st.integers(1, 2)),
    st.tuples(st.just("add-device"), rack_pick, st.sampled_from(DEVICES), st.integers(1, 48)),
    st.tuples(st.just("remove-device"), rack_pick, st.integers(0, 4)),
    st.tuples(st.just("add-rack"), st.sampled_from(["rack-48u-600x1200", "gb200-nvl72"]), st.integers(0, 99),
              st.integers(0, 39), st.sampled_from(d.ROTATIONS)),
    st.tuples(st.just("duplicate"), rack_pick, st.integers(1, 3)),
    st.tuples(st.just("delete"), rack_pick),
    st.tuples(st.just("site"), st.sampled_from([600, 610]), st.sampled_from([50, 2000]),
              st.sampled_from([500, 1500])),
    st.tuples(st.just("fabrics"), st.sampled_from(SWITCHES), st.sampled_from(["1", "2"]),
              st.sampled_from(["0", "2"])),
    st.tuples(st.just("import"), st.integers(0, 99), st.integers(0, 39), st.sampled_from(d.ROTATIONS)),
)


def form(step, design: d.Design) -> tuple[str, Form]:
    kind = step[0]
    ids = [r.id for r in design.racks] or ["none"]
    pick = ids[step[1] % len(ids)] if isinstance(step[1], int) else ""
    start_at = step[1] % len(ids) if isinstance(step[1], int) else 0
    if kind == "move":  # one rack or a few in a row, together
        return kind, Form(rack=ids[start_at:start_at + step[4]], dx=str(step[2]), dy=str(step[3]))
    if kind in ("rotate", "duplicate"):
        return kind, Form(rack=ids[start_at:start_at + step[-1]])
    if kind == "delete":
        return kind, Form(rack=pick)
    if kind == "add-device":
        return kind, Form(rack=pick, model=step[2], u=str(step[3]))
    if kind == "remove-device":
        return kind, Form(rack=pick, device=str(step[2]))
    if kind == "add-rack":
        return kind, Form(model=step[1], x=str(step[2]), y=str(step[3]), rotation=str(step[4]))
    if kind == "site":
        site = design.site
        return kind, Form(width_m="60", depth_m="24", tile_mm=str(step[1]), it_power_kw=str(step[2]), pue="1.3",
                          facility_power_kw="2600", air_cooling_kw=str(step[3]),
                          liquid_cooling_kw=str(site.cooling.liquid_kw), floor_max_kg_per_m2="1500",
                          redundancy="N+1", electricity_usd_per_kwh="0.08")
    return kind, Form(fabric_compute_model=step[1], fabric_compute_topology="rail-optimized",
                      fabric_compute_oversubscription=step[2], storage_model=["ddn-ai400x2t"],
                      storage_count=[step[3]])


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(steps, min_size=1, max_size=12))
def test_after_every_edit_the_fast_path_equals_a_full_validation(sequence):
    analysis = analyse(start(), CATALOG)
    for step in sequence:
        if step[0] == "import":
            new = imported(analysis.design, step[1], step[2], step[3])
        else:
            op, data = form(step, analysis.design)
            try:
                new = apply_edit(op, analysis.design, CATALOG, data, analysis.facts.grid).design
            except EditError:
                continue
        analysis = revalidate(analysis, new, CATALOG)
        same(analysis, new)


def test_after_a_rack_moves_far_from_its_switches_the_cable_totals_are_those_of_a_full_validation():
    before = analyse(start(), CATALOG)
    moved = apply_edit("move", before.design, CATALOG, Form(rack="A01", dx="80", dy="30"), before.facts.grid)
    after = revalidate(before, moved.design, CATALOG)
    same(after, moved.design)
    assert after.report.totals.cables != before.report.totals.cables  # the move changed the cable types


def test_an_overlap_that_came_with_an_import_is_counted_once_after_a_later_move():
    design = imported(start(), 3, 3, 0)  # I05 stands on A02
    analysis = analyse(design, CATALOG)
    assert [f.code for f in analysis.report.findings].count("layout.overlap") == 1
    moved = apply_edit("move", design, CATALOG, Form(rack="A03", dx="0", dy="10"), analysis.facts.grid)
    after = revalidate(analysis, moved.design, CATALOG)
    same(after, moved.design)
    assert [f.code for f in after.report.findings].count("layout.overlap") == 1


def test_a_move_keeps_the_fabric_sizing_and_retypes_only_the_moved_racks_cables():
    before = analyse(start(), CATALOG)
    moved = apply_edit("move", before.design, CATALOG, Form(rack="A01", dx="0", dy="6"), before.facts.grid)
    after = revalidate(before, moved.design, CATALOG)
    same(after, moved.design)
    assert after.network.sizing is before.network.sizing  # contents unchanged: not sized again
    old, new = before.network.cabling["compute"], after.network.cabling["compute"]
    assert all(new.racks[r] is old.racks[r] for r in ("A02", "A03", "A04"))  # reused as they were
    assert new.racks["A01"].length_m > old.racks["A01"].length_m
    # a device dropped into a rack changes its contents: the network is sized again
    dropped = apply_edit("add-device", after.design, CATALOG, Form(rack="A02", model="dgx-h100", u="17"),
                         after.facts.grid)
    again = revalidate(after, dropped.design, CATALOG)
    same(again, dropped.design)
    assert again.network.sizing is not after.network.sizing


def test_moving_the_switch_rack_types_the_whole_fabric_again():
    before = analyse(start(), CATALOG)
    moved = apply_edit("move", before.design, CATALOG, Form(rack="N01", dx="20", dy="5"), before.facts.grid)
    after = revalidate(before, moved.design, CATALOG)
    same(after, moved.design)
    assert after.network.sizing is before.network.sizing
    assert all(after.network.cabling["compute"].racks[r] is not before.network.cabling["compute"].racks[r]
               for r in ("A01", "A02", "A03", "A04"))


def test_on_a_coarse_distance_grid_a_move_still_equals_a_full_validation(monkeypatch):
    # above MAX_DISTANCE_CELLS the distance transform works on coarse cells: the fast path must
    # then type the fabric in full rather than measure the moved rack exactly
    import studio.domain.layout as layout
    import studio.domain.rules.cabling as cabling

    monkeypatch.setattr(layout, "MAX_DISTANCE_CELLS", 12)
    monkeypatch.setattr(cabling, "MAX_DISTANCE_CELLS", 12)
    analysis = analyse(start(), CATALOG)
    for rack, dx, dy in (("A01", "0", "5"), ("A03", "0", "8"), ("A02", "0", "-2"), ("N01", "3", "1")):
        new = apply_edit("move", analysis.design, CATALOG, Form(rack=rack, dx=dx, dy=dy), analysis.facts.grid).design
        analysis = revalidate(analysis, new, CATALOG)
        same(analysis, new)


def test_when_the_rack_with_the_longest_cables_moves_closer_the_longest_is_measured_again():
    analysis = analyse(start(), CATALOG)
    for dy in ("12", "-12"):  # out (it holds the longest cables), then back
        new = apply_edit("move", analysis.design, CATALOG, Form(rack="A01", dx="0", dy=dy), analysis.facts.grid).design
        before = analysis.network.cabling["compute"].longest_m
        analysis = revalidate(analysis, new, CATALOG)
        same(analysis, new)
    assert analysis.network.cabling["compute"].longest_m < before
