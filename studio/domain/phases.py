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
from .rules.finding import Finding
from .rules.phase import RESERVED_CODE, reserved_finding

__all__ = ["RESERVED_CODE", "as_of_phase", "final_phase", "phase_timeline", "phases_of", "reservation",
           "validate_phase"]


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
    """``fabric.phase.reserved`` (info) for a phase before the final one (``rules.phase.reserved_finding``):
    the final build's compute fabric against this phase's, and the racks still to come."""
    last = final_phase(design)
    if phase >= last:
        return None
    return reserved_finding(phase, last, _fabric(design, catalog), _fabric(as_of_phase(design, phase), catalog),
                            [r.id for r in design.racks if r.phase > phase])


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
