"""``fabric.phase.reserved``: what an earlier build-out phase must leave room for (``studio.domain.phases``
computes the inputs: the final build's compute fabric and this phase's)."""

from __future__ import annotations

from ..fabric import FabricSize
from .finding import INFO, Finding

RESERVED_CODE = "fabric.phase.reserved"


def reserved_finding(phase: int, last: int, final: FabricSize | None, now: FabricSize | None,
                     later_racks: list[str]) -> Finding | None:
    """The info finding of phase ``phase`` of ``last``: the fabric planned for the final phase and the
    floor positions of later racks. The reserved spine ports are the leaf uplinks still to come (the
    final fabric's leaf–spine links less this phase's). Worked example: a final fabric of 20 leaf and
    16 spine with 576 leaf–spine links, phase 1 cabling 4 leaf with 72 links → 504 spine ports kept free.
    """
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
    if later_racks:
        shown = ", ".join(later_racks[:8]) + (f" and {len(later_racks) - 8} more" if len(later_racks) > 8 else "")
        parts.append(f"{len(later_racks)} rack{'s' if len(later_racks) != 1 else ''} of later phases keep their "
                     f"floor positions free ({shown}).")
    if len(parts) == 1:
        return None
    return Finding(INFO, RESERVED_CODE, "fabric:compute" if value is not None else "site", " ".join(parts),
                   value, None, "ports" if value is not None else "")
