"""The one service loop every write to a design goes through:

    parse → load → apply → version bump → save the difference (+ history) → refresh the cache

``apply(op, row, expected, data)`` parses the posted fields for a named edit
(``studio.domain.edits``), ``run(row, expected, edit)`` takes any prepared pure edit (undo,
workloads): the edit turns the design of the version the browser saw into a new one (or refuses
with ``EditError``, nothing saved); ``services.save_difference`` bumps ``Design.version`` with
``UPDATE … WHERE version = expected`` (a stale tab gets ``StaleVersion``) and writes only the
rows that differ; ``rules.revalidate`` validates the new design reusing what the edit cannot have
changed (it equals a full ``validate``; a property test holds it to that).

The state of the last versions of a design is kept in memory, keyed by the design's code and
version, so it can never be mistaken for another version.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction

from catalog.source import get_catalog
from studio.domain import design as d
from studio.domain.catalog import Catalog
from studio.domain.edits import Applied, EditError, apply_edit, restore
from studio.domain.edits.conflicts import footprint
from studio.domain.edits.devices import RackLimits, rack_limits
from studio.domain.limits import size_problem
from studio.domain.rules import Analysis, Report, analyse, revalidate

from . import svg
from .models import Design
from .services import StaleVersion, load_domain_design, save_difference

__all__ = ["Change", "EditError", "RackLimits", "StaleVersion", "State", "apply", "apply_undo", "load_state",
           "rack_limits", "run"]

#: The states kept in memory per process: at most this many designs and this many racks in all (a
#: state holds about 3 KB per rack, so the rack bound caps a process's cache near 120 MB; the largest
#: design allowed, ``STUDIO_MAX_RACKS`` 25,000, still fits). Many small designs edited at once (a
#: workshop, the load test's 100 users) all stay in memory.
MAX_STATES = 512
MAX_STATE_RACKS = 40_000


@dataclass
class State:
    """A design at one version and its validation."""

    analysis: Analysis

    @property
    def design(self) -> d.Design:
        return self.analysis.design

    @property
    def report(self) -> Report:
        return self.analysis.report

    def index(self) -> dict[str, int]:
        return {r.id: i for i, r in enumerate(self.design.racks)}


@dataclass
class Change:
    """What the editor shows after an edit: the new state, racks to repaint, add and remove, the
    whole floor or other panels to refresh, the inverse for undo and the message; ``unchanged``: the
    parts of the page ("totals" with the derived counts, "findings") the edit left exactly as the
    browser shows them, so they need not be sent again."""

    state: State
    racks: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    full: bool = False
    panels: tuple[str, ...] = ()
    inverse: dict | None = None
    message: str = ""
    unchanged: frozenset[str] = frozenset()


_states: OrderedDict = OrderedDict()
_lock = threading.Lock()


_racks_kept = [0]  # racks in ``_states``, in all


def _remember(row: Design, state: State) -> State:
    """Keep ``state`` as the design's state at ``row.version``; the least recently used go first when
    the bounds above are passed (the newest is always kept). O(1) per call, amortised."""
    key = (row.code, row.version)
    with _lock:
        _drop_locked(key)
        _states[key] = state
        _racks_kept[0] += len(state.design.racks)
        while len(_states) > 1 and (len(_states) > MAX_STATES or _racks_kept[0] > MAX_STATE_RACKS):
            _drop_locked(next(iter(_states)))  # the least recently used
    return state


def _drop_locked(key) -> None:
    """Drop one kept state, if there (hold ``_lock``)."""
    dropped = _states.pop(key, None)
    if dropped is not None:
        _racks_kept[0] -= len(dropped.design.racks)


def forget_states() -> None:
    """Drop every state kept in memory (a cold start, for tests and benchmarks)."""
    with _lock:
        _states.clear()
        _racks_kept[0] = 0


def _forget(key) -> None:
    with _lock:
        _drop_locked(key)


def load_state(row: Design, catalog: Catalog | None = None) -> State:
    """The design and its validation at ``row.version`` (from memory when it is there)."""
    with _lock:
        state = _states.get((row.code, row.version))
        if state is not None:
            _states.move_to_end((row.code, row.version))  # the most recently used goes last
    catalog = catalog or get_catalog()
    if state is not None and state.analysis.facts.catalog is catalog:
        return state
    return _remember(row, State(analyse(load_domain_design(row), catalog)))


Edit = Callable[[d.Design, Catalog, object], Applied]  # (design, catalog, tile grid) → Applied


#: How often an edit is re-applied when other writes keep landing first (each try sees them).
MAX_TRIES = 4


def run(row: Design, expected: int, edit: Edit, *, user=None, catalog: Catalog | None = None,
        session_key: str = "", on_save: Callable[[], None] | None = None) -> Change:
    """The loop for a prepared edit, made by ``user`` on version ``expected`` of the design.

    ``catalog``: the request's catalog when the caller has it (else it is read); ``session_key``: the
    editor session whose Undo may take the edit back ("" for none); ``on_save`` runs inside the save's
    transaction (an undo marks what it undid there).

    The edit is applied to the design's *current* version. When that is newer than ``expected``
    (someone else saved meanwhile), it is kept only if the two touched different racks and parts
    (``history.check_rebase``); otherwise ``StaleVersion`` names what both touched. When another write
    lands between loading and saving, the edit is applied again on top of it. On refusal
    (``EditError``, ``StaleVersion``) nothing is saved and ``row`` shows the current version.
    """
    from . import history

    catalog = catalog or get_catalog()
    for _ in range(MAX_TRIES):
        state = load_state(row, catalog)
        rebased = row.version != expected
        try:
            applied = edit(state.design, catalog, state.analysis.facts.grid)
        except EditError:
            if rebased:  # refused on a design the browser has not seen: show it that design first
                raise StaleVersion(row.version) from None
            raise
        touched = footprint(state.design, applied.design)
        too_big = size_problem(applied.design, settings.STUDIO_DESIGN_SIZE,
                               racks=[key[5:] for key in touched if key.startswith("rack:")])
        if too_big:
            raise EditError(f"Not saved: {too_big[1]} (STUDIO_MAX_RACKS / STUDIO_MAX_DEVICES_PER_RACK).")
        theirs = history.check_rebase(row, expected, touched) if rebased else frozenset()
        base = row.version
        try:
            with transaction.atomic():
                save_difference(row, base, state.design, applied.design)
                history.record(row, user, applied, touched, session_key)
                if on_save is not None:
                    on_save()
        except StaleVersion:
            row.refresh_from_db()  # another write came first: try again on top of it
            continue
        except Exception:
            row.refresh_from_db()  # the row as the database has it (the bump may have set fields on it)
            raise
        new = _remember(row, State(revalidate(state.analysis, applied.design, catalog)))
        _forget((row.code, base))
        return Change(new, racks=_repaint(state, new, applied), removed=list(applied.removed),
                      added=list(applied.added), full=applied.full or rebased,
                      panels=tuple(dict.fromkeys((*applied.panels, *history.panels_for(theirs)))),
                      inverse=applied.inverse, message=applied.message,
                      unchanged=frozenset() if rebased else _unchanged(state, new, touched))
    raise StaleVersion(row.version, what="other edits kept landing first")


def _unchanged(old: State, new: State, touched: frozenset[str]) -> frozenset[str]:
    """The parts of the editor page that are the same after the edit as before it (the browser, which
    sent the edit on the version it showed, already has them): the totals bar and derived counts when
    the totals are equal and no site figure (shown beside them as the limits) changed; the findings
    panel when the findings are equal. O(findings) comparisons, cheaper than drawing them again."""
    same = set()
    if new.report.totals == old.report.totals and not any(key.startswith("site.") for key in touched):
        same.add("totals")
    if new.report.findings == old.report.findings:
        same.add("findings")
    return frozenset(same)


def _repaint(old: State, new: State, applied: Applied) -> list[str]:
    """The racks the edit touched and every rack whose worst finding changed with it."""
    before = svg.worst_by_subject(old.report.findings)
    after = svg.worst_by_subject(new.report.findings)
    racks = {r.id for r in new.design.racks}
    changed = {s for s in set(before) | set(after) if s in racks and before.get(s) != after.get(s)}
    return sorted(set(applied.racks) | changed)


def apply(op: str, row: Design, expected: int, data, *, user=None, catalog: Catalog | None = None,
          session_key: str = "") -> Change:
    """Parse the posted fields of the edit ``op`` and run it through the loop."""
    return run(row, expected, lambda design, catalog, grid: apply_edit(op, design, catalog, data, grid), user=user,
               catalog=catalog, session_key=session_key)


def apply_undo(row: Design, expected: int, undone, *, user=None, catalog: Catalog | None = None) -> Change:
    """Apply the inverse of an earlier edit (``undone``, a ``DesignEdit`` of this session's undo stack),
    with the same version check, and take that edit off the stack in the same transaction."""
    from . import history

    return run(row, expected, lambda design, catalog, grid: restore(design, undone.inverse), user=user,
               catalog=catalog, on_save=lambda: history.mark_undone(undone))
