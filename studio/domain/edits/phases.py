"""The build-out phase of racks (``RackPlacement.phase``, 1 = the first): set for one rack or a selection."""

from __future__ import annotations

from dataclasses import replace

from ..design import Design
from .base import Applied, EditError, find_racks, racks_inverse, several, with_racks
from .parse import labels, number


def phase_args(data) -> dict:
    """The racks (``rack``, one or more) and the ``phase`` (a whole number from ``limits.NUMBERS['phase']``)."""
    return {"labels": labels(data), "phase": number(data, "phase", "phase")}


def set_phase(design: Design, labels: list[str], phase: int) -> Applied:
    """Put the racks named in build-out ``phase``; racks already there are left as they are."""
    racks = [r for r in find_racks(design, labels) if r.phase != phase]
    if not racks:
        raise EditError(f"{'That rack is' if len(labels) == 1 else 'Those racks are'} already in phase {phase}")
    ids = [r.id for r in racks]
    return Applied(with_racks(design, {r.id: replace(r, phase=phase) for r in racks}), racks_inverse(design, ids),
                   f"{several(ids, 'Put')} in phase {phase}", racks=tuple(ids))
