"""What an edit touched, so that two people editing one design only conflict when they touch the same thing.

An edit's *footprint* is the set of keys it changed between the design it started from and the design
it produced: ``rack:<id>`` for every rack added, removed or changed (position, rotation, cooling,
PDUs, devices), ``site.<field>`` for every site number changed, and ``name``, ``fabrics``, ``storage``,
``facility``, ``workloads`` for those parts. Two edits conflict when their footprints intersect.

Worked example: Ana moves rack A01 (footprint ``{"rack:A01"}``) while Ben, on the same version,
drops a server into B07 (``{"rack:B07"}``): no common key, so Ben's edit is applied on top of Ana's
and both are kept. Had Ben moved A01 too, the common key ``rack:A01`` makes his a conflict (409).
The site form posts every site field, so an edit of the PUE made on a stale view also "changes" any
site field edited since back to its old value: ``site.pue`` (or that field) intersects, and it is a
conflict rather than a silent overwrite.

``footprint`` is O(racks) (racks compared by identity first: an edit keeps the objects of racks it
did not touch, so only changed racks are compared field by field).
"""

from __future__ import annotations

from dataclasses import fields as dataclass_fields

from ..design import Design

#: The footprint of a change that replaced everything (an import over a design): conflicts with anything.
EVERYTHING = "*"
DESIGN_PARTS = ("name", "fabrics", "storage", "facility", "workloads")


def footprint(old: Design, new: Design) -> frozenset[str]:
    """The keys ``new`` changed with respect to ``old`` (see the module's docstring)."""
    keys: set[str] = set()
    for part in DESIGN_PARTS:
        if getattr(old, part) != getattr(new, part):
            keys.add(part)
    if old.site is not new.site:
        for f in dataclass_fields(old.site):
            if getattr(old.site, f.name) != getattr(new.site, f.name):
                keys.add(f"site.{f.name}")
    if old.racks is not new.racks:
        before = {r.id: r for r in old.racks}
        after = {r.id: r for r in new.racks}
        for rack_id in before.keys() | after.keys():
            a, b = before.get(rack_id), after.get(rack_id)
            if a is not b and a != b:
                keys.add(f"rack:{rack_id}")
    return frozenset(keys)


def conflicts(mine: frozenset[str], theirs: frozenset[str]) -> frozenset[str]:
    """The keys both touched (``EVERYTHING`` on either side conflicts with any non-empty other side)."""
    if (EVERYTHING in mine and theirs) or (EVERYTHING in theirs and mine):
        return frozenset({EVERYTHING})
    return mine & theirs


def describe(keys: frozenset[str], limit: int = 4) -> str:
    """The keys in words for a message: 'rack A01, rack B07 and the site's PUE'."""
    words = []
    for key in sorted(keys):
        if key == EVERYTHING:
            words.append("the whole design")
        elif key.startswith("rack:"):
            words.append(f"rack {key[5:]}")
        elif key.startswith("site."):
            words.append(f"the site's {key[5:].replace('_', ' ')}")
        else:
            words.append(f"the {key}")
    if len(words) > limit:
        words = [*words[:limit], f"{len(words) - limit} more"]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
