"""A design's edit history: every saved edit is recorded (who, when, what, what it touched, its
inverse); concurrent edits of one design conflict only when they touch the same racks or parts; the
owner can revert the design to an earlier version; an editor session undoes its own last edits
(``undo_stack``), from the same records: nothing about a design's edits is kept in the session.

``editing.run`` calls ``check_rebase`` when the browser's version is behind the design's, and
``record`` inside the transaction of every save. A version whose history was not kept (older than the
last ``KEEP_EDITS`` edits, or changed by a path that records no footprint) conflicts with everything:
nothing is ever applied on top of changes the studio cannot name.
"""

from __future__ import annotations

from studio.domain import design as d
from studio.domain.edits import Applied
from studio.domain.edits.base import fields_inverse, racks_inverse
from studio.domain.edits.conflicts import EVERYTHING, conflicts, describe
from studio.domain.edits.restore import restore

from .models import Design, DesignEdit
from .services import StaleVersion

#: Edits kept per design (the issue asks for at least the last 50); older ones are pruned on save.
KEEP_EDITS = 200
PRUNE_EVERY = 50
#: An editor session's edits of one design that its Undo can take back, newest first.
UNDO_DEPTH = 20


def record(row: Design, user, applied: Applied, touched: frozenset[str], session_key: str = "") -> DesignEdit:
    """Record the edit that made ``row.version`` (call inside the save's transaction); ``session_key``
    names the editor session that may undo it ("" for none)."""
    edit = DesignEdit.objects.create(design=row, version=row.version, user=user if getattr(user, "pk", None) else None,
                                     message=applied.message[:300], touched=sorted(touched), inverse=applied.inverse,
                                     session_key=session_key if applied.inverse is not None else "")
    if row.version % PRUNE_EVERY == 0:
        DesignEdit.objects.filter(design=row, version__lte=row.version - KEEP_EDITS).delete()
    return edit


def check_rebase(row: Design, expected: int, touched: frozenset[str]) -> frozenset[str]:
    """Allow an edit made on version ``expected`` to be applied on the current one (returns what the
    edits since touched), or raise ``StaleVersion`` naming what both touched. One query."""
    # up to the version this edit will be applied on: later ones (landed since ``row`` was read) make the
    # save fail and the loop try again on top of them
    since = list(DesignEdit.objects.filter(design=row, version__gt=expected, version__lte=row.version)
                 .values_list("touched", flat=True))
    if len(since) != row.version - expected:  # history not kept (or not recorded): assume everything changed
        theirs = frozenset({EVERYTHING})
    else:
        theirs = frozenset(key for keys in since for key in keys)
    clash = conflicts(touched, theirs)
    if clash:
        raise StaleVersion(row.version, what=describe(clash))
    return theirs


#: The editor panels that show each part of a design (keys of ``conflicts.footprint``).
_PANELS = {"name": "name", "fabrics": "fabrics", "storage": "fabrics", "facility": "fabrics"}


def panels_for(keys: frozenset[str]) -> tuple[str, ...]:
    """The panels to refresh when others changed ``keys`` (the site panel for any site field)."""
    found = {("site" if key.startswith("site.") else _PANELS.get(key)) for key in keys}
    return tuple(sorted(p for p in found if p))


def undo_stack(row: Design, session_key: str | None) -> list[DesignEdit]:
    """The edits of ``row`` that session ``session_key`` may still undo, newest first: its last
    ``UNDO_DEPTH`` edits, less those already undone (one query; [] without a session)."""
    if not session_key:
        return []
    latest = DesignEdit.objects.filter(design=row, session_key=session_key).order_by("-version")[:UNDO_DEPTH]
    return [e for e in latest.only("id", "version", "inverse", "undone") if not e.undone]


def mark_undone(edit: DesignEdit) -> None:
    """Take ``edit`` off its session's undo stack (call inside the undo's transaction)."""
    DesignEdit.objects.filter(pk=edit.pk).update(undone=True)


def recent(row: Design, limit: int = 100):
    """The last ``limit`` edits, newest first, with their users (one query)."""
    return DesignEdit.objects.filter(design=row).select_related("user").order_by("-version")[:limit]


def revert_edit(row: Design, version: int):
    """An edit (for ``editing.run``) that takes the design back to ``version``: the inverses of every
    later edit, newest first. ``ValueError`` when that history was not kept."""
    if version >= row.version or version < 1:
        raise ValueError(f"Version {version} is not an earlier version of this design (now {row.version}).")
    inverses = list(DesignEdit.objects.filter(design=row, version__gt=version).order_by("-version")
                    .values_list("version", "inverse"))
    if len(inverses) != row.version - version or any(inv is None for _, inv in inverses):
        raise ValueError(f"The history back to version {version} was not kept: the studio keeps the last "
                         f"{KEEP_EDITS} edits of a design.")

    def edit(design: d.Design, catalog, grid) -> Applied:
        racks, fields = set(), set()
        for _, inverse in inverses:
            racks |= set((inverse or {}).get("racks") or {})
            fields |= set((inverse or {}).get("fields") or {})
        back = {**fields_inverse(design, sorted(fields)), **racks_inverse(design, sorted(racks))}
        current = design
        for _, inverse in inverses:
            current = restore(current, inverse).design
        return Applied(current, back, f"Reverted to version {version} (undid {len(inverses)} edit"
                                      f"{'s' if len(inverses) != 1 else ''})", full=True,
                       panels=("name", "site", "fabrics", "workloads"))

    return edit
