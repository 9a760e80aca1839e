"""Collaborators of a design: the owner adds a colleague (by user name or e-mail) as a viewer or
an editor, changes the role, removes them. Only the owner manages members: a member asking gets
403, anyone else 404 (``_get_design_for_user``). A bad request (unknown user, the owner adding
themself, a bad role) answers 400 with the sharing page and the reason on it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from ..models import Design, DesignMember
from .designs import _get_design_for_user

ROLES = {DesignMember.VIEW: "Can view", DesignMember.EDIT: "Can edit"}


def _owned_design(request, code) -> Design:
    """The design if the user owns it: 404 for outsiders, 403 for members."""
    design = _get_design_for_user(request, code)
    if design.owner_id != request.user.id:
        raise PermissionDenied("Only the owner manages who a design is shared with")
    return design


def find_user(identifier: str):
    """The one active user whose user name (case-insensitive) or e-mail is ``identifier``, else None.

    An e-mail shared by several accounts finds nobody: the owner must then give the user name.
    """
    identifier = identifier.strip()
    if not identifier:
        return None
    users = list(get_user_model().objects.filter(
        Q(username__iexact=identifier) | Q(email__iexact=identifier), is_active=True)[:2])
    exact = [u for u in users if u.get_username().lower() == identifier.lower()]
    if exact:
        return exact[0]
    return users[0] if len(users) == 1 else None


def _refuse(request, design: Design, message: str, form: dict | None = None):
    from .sharing import manage_page  # the page both modules render; imported here to avoid a cycle

    return manage_page(request, design, member_error=message, member_form=form or {}, status=400)


@require_POST
def member_add(request, code):
    design = _owned_design(request, code)
    identifier = request.POST.get("user", "").strip()[:254]
    role = request.POST.get("role", "")
    form = {"user": identifier, "role": role}
    if role not in ROLES:
        return _refuse(request, design, f"Choose a role: {' or '.join(ROLES)} (got '{role[:20]}').", form)
    user = find_user(identifier)
    if user is None:
        return _refuse(request, design, f"There is no user '{identifier}'. Give their user name or e-mail.", form)
    if user.pk == design.owner_id:
        return _refuse(request, design, "You own this design; add a colleague instead.", form)
    member, created = DesignMember.objects.get_or_create(design=design, user=user, defaults={"role": role})
    if not created:
        return _refuse(request, design, f"{user.get_username()} is already a member ({ROLES[member.role].lower()}); "
                                        "change their role in the list.", form)
    messages.success(request, f"Shared with {user.get_username()} ({ROLES[role].lower()}).")
    return redirect("design_sharing", code=design.code)


def _member(request, design: Design) -> DesignMember | None:
    username = request.POST.get("username", "")
    return DesignMember.objects.filter(design=design, user__username=username).select_related("user").first()


@require_POST
def member_role(request, code):
    design = _owned_design(request, code)
    member = _member(request, design)
    if member is None:
        return _refuse(request, design, "That person is not a member of this design.")
    role = request.POST.get("role", "")
    if role not in ROLES:
        return _refuse(request, design, f"Choose a role: {' or '.join(ROLES)} (got '{role[:20]}').")
    member.role = role
    member.save(update_fields=["role"])
    messages.success(request, f"{member.user.get_username()} now: {ROLES[role].lower()}.")
    return redirect("design_sharing", code=design.code)


@require_POST
def member_remove(request, code):
    design = _owned_design(request, code)
    member = _member(request, design)
    if member is None:
        return _refuse(request, design, "That person is not a member of this design.")
    name = member.user.get_username()
    member.delete()
    messages.success(request, f"{name} no longer has access to this design.")
    return redirect("design_sharing", code=design.code)
