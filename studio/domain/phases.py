"""Phased build-out: racks and storage/facility entries carry a ``phase`` (1 = the first).

The build *as of* phase N holds everything with phase ≤ N (``as_of_phase``); ``manage.py validate
--phase N`` validates that build (``validate_phase``). The compute fabric is planned for the final
phase: in an earlier phase the spine and core the final build needs, the spine ports the later leaves
will use and the floor positions of the later racks are reserved, and a finding says so
(``fabric.phase.reserved``), so that phase 1 needs no re-cabling when phase 2 arrives.
"""

from __future__ import annotations

from dataclasses import replace

from .bom import bill_of_materials
from .catalog import Catalog
from .design import Design
from .fabric import FabricError, design_compute_fabric
from .rules import Report, sort_findings, validate
from .rules.finding import INFO, Finding

RESERVED_CODE = "fabric.phase.reserved"


def phases_of(design: Design) -> tuple[int, ...]:
    """The phases a design names, in order; ``(1,)`` for a design without phases (or without racks)."""
    found = {r.phase for r in design.racks} | {s.phase for s in design.storage} | {f.phase for f in design.facility}
    return tuple(sorted(found)) or (1,)


def final_phase(design: Design) -> int:
    return phases_of(design)[-1]


def as_of_phase(design: Design, phase: int) -> Design:
    """The build as of ``phase``: the racks, storage and facility entries with phase ≤ ``phase``; the site,
    fabrics and workloads are the design's own.

    Worked example: racks A01 (phase 1), A02 (phase 2), A03 (phase 3) → as of phase 2: A01 and A02.
    """
    return replace(design, racks=tuple(r for r in design.racks if r.phase <= phase),
                   storage=tuple(s for s in design.storage if s.phase <= phase),
                   facility=tuple(f for f in design.facility if f.phase <= phase))


def _fabric(design: Design, catalog: Catalog):
    try:
        return design_compute_fabric(design, catalog)
    except FabricError:
        return None


def reservation(design: Design, catalog: Catalog, phase: int) -> Finding | None:
    """``fabric.phase.reserved`` (info) for a phase before the final one: what the final build's
    compute fabric and floor need that this phase must leave room for.

    The reserved spine ports are the leaf uplinks still to come: the final fabric's leaf–spine links
    less this phase's. Worked example: a final fabric of 16 leaf and 8 spine with 256 leaf–spine links,
    phase 1 cabling 4 leaf with 64 links → 192 spine ports reserved, and the 8 spine installed now.
    """
    last = final_phase(design)
    if phase >= last:
        return None
    now_design = as_of_phase(design, phase)
    later = [r.id for r in design.racks if r.phase > phase]
    final, now = _fabric(design, catalog), _fabric(now_design, catalog)
    parts = [f"Phase {phase} of {last}:"]
    value = None
    if final is not None and final.tiers:
        reserved = max(0, final.leaf_spine_cables - (now.leaf_spine_cables if now else 0))
        value = float(reserved)
        parts.append(f"the compute fabric is planned for phase {last} ({final.leaf} leaf, {final.spine} spine, "
                     f"{final.core} core, {final.tiers} tier{'s' if final.tiers != 1 else ''}); phase {phase} "
                     f"cables {now.leaf if now else 0} leaf: install the {final.spine} spine"
                     f"{f' and {final.core} core' if final.core else ''} now and keep {reserved} spine ports free "
                     "for the later leaves, so that this phase needs no re-cabling.")
    if later:
        shown = ", ".join(later[:8]) + (f" and {len(later) - 8} more" if len(later) > 8 else "")
        parts.append(f"{len(later)} rack{'s' if len(later) != 1 else ''} of later phases keep their floor "
                     f"positions free ({shown}).")
    if len(parts) == 1:
        return None
    return Finding(INFO, RESERVED_CODE, "fabric:compute" if value is not None else "site", " ".join(parts),
                   value, None, "ports" if value is not None else "")


def validate_phase(design: Design, catalog: Catalog, phase: int | None = None) -> Report:
    """The validation of the build as of ``phase`` (None: the final build, exactly ``validate``),
    with the reservation finding of an earlier phase."""
    if phase is None or phase >= final_phase(design):
        return validate(design, catalog)
    report = validate(as_of_phase(design, phase), catalog)
    extra = reservation(design, catalog, phase)
    return Report(sort_findings(list(report.findings) + ([extra] if extra else [])), report.totals)


def phase_timeline(design: Design, catalog: Catalog) -> list[dict]:
    """Per phase, the build as of that phase: GPUs, racks, IT and facility power (maximum, as
    validation), capex at list prices (the bill of materials) and its errors. One row for a design
    without phases."""
    rows = []
    for phase in phases_of(design):
        build = as_of_phase(design, phase)
        totals = validate(build, catalog).totals
        rows.append({"phase": phase, "gpus": totals.gpus, "racks": totals.racks, "it_kw_max": totals.it_kw_max,
                     "facility_kw": totals.facility_kw, "capex_usd": bill_of_materials(build, catalog, totals).capex_usd,
                     "errors": totals.findings.get("error", 0)})
    return rows
