"""A design's edit history: who changed what and when (members and the owner), and reverting the
design to an earlier version (the owner only; it is one more edit, so it can be reverted too)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from studio.domain.edits.conflicts import describe

from .. import editing, history
from ..services import StaleVersion
from .designs import _get_design_for_user

SHOWN = 100


@require_GET
def design_history(request, code):
    design = _get_design_for_user(request, code)
    edits = [{"edit": e, "what": describe(frozenset(e.touched)) if e.touched else "nothing"}
             for e in history.recent(design, SHOWN)]
    oldest = edits[-1]["edit"].version - 1 if edits else design.version
    return render(request, "designs/history.html", {
        "design": design, "edits": edits, "is_owner": design.owner_id == request.user.id,
        "revertable_from": max(oldest, 1), "kept": history.KEEP_EDITS})


@require_POST
def design_revert(request, code):
    """Take the design back to ``target`` (a version), as seen at ``version`` (409-style message when stale)."""
    design = _get_design_for_user(request, code, write=True)
    if design.owner_id != request.user.id:
        raise PermissionDenied("Only the design's owner can revert it")
    try:
        expected, target = int(request.POST.get("version", "")), int(request.POST.get("target", ""))
    except ValueError:
        messages.error(request, "Choose a version to revert to.")
        return redirect("design_history", code=design.code)
    try:
        change = editing.run(design, expected, history.revert_edit(design, target), user=request.user)
    except ValueError as exc:
        messages.error(request, str(exc))
        return render(request, "designs/history.html", {"design": design, "edits": [], "is_owner": True,
                                                        "revertable_from": design.version, "kept": history.KEEP_EDITS},
                      status=400)
    except StaleVersion as exc:
        messages.warning(request, str(exc).replace("your view was refreshed", "the history now shows it"))
        return redirect("design_history", code=design.code)
    messages.success(request, f"{change.message}; the design is now at version {design.version}.")
    return redirect("design_history", code=design.code)
