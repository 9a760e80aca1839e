"""Sharing a design: the owner's sharing page (collaborators and read-only links), creating and
revoking a link, and the public page a link opens.

A link carries a random token (``ShareLink.token``, ``secrets.token_urlsafe(32)``), never the
design's code. The public page (``share_view``) needs no sign-in (``login_not_required``) and
shows the floor plan, rack elevations, findings, totals and the latest estimate with its charts
(a comparison link: the scenarios side by side, with each serving workload's frontiers overlaid)
— nothing else, and nothing that writes. A revoked, expired or unknown token answers 404.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from catalog.source import get_catalog

from .. import editing, svg
from ..models import Design, DesignMember, Job, ShareLink
from ..reports.charts import estimate_charts
from .compare import estimate_rows, family, frontier_overlays, latest_estimate, totals_rows
from .editor import findings_groups
from .members import ROLES, _owned_design

MAX_LINKS_PER_DESIGN = 50  # a workshop shares with a handful of people; a cap keeps the list readable [M]
MAX_LINK_DAYS = 366  # a link lives at most a year; a longer one is a link nobody remembers to revoke [M]
SHARE_HEADERS = {
    "X-Robots-Tag": "noindex, nofollow",  # a shared page never ends up in a search engine
    "Referrer-Policy": "no-referrer",  # the token never leaks through a Referer header
    "Cache-Control": "private, no-store",  # a revoked link stops working at once, also behind proxies
}


def manage_page(request, design: Design, *, member_error: str = "", member_form: dict | None = None,
                link_error: str = "", link_form: dict | None = None, status: int = 200):
    """The owner's sharing page (also rendered with a 400 and the reason when a form was refused)."""
    members = DesignMember.objects.filter(design=design).select_related("user").order_by("user__username")
    now = timezone.now()
    links = list(ShareLink.objects.filter(design=design))
    for link in links:
        link.url = request.build_absolute_uri(reverse("share_view", args=[link.token]))
        link.state = ("revoked" if link.revoked_at else "expired" if not link.is_active(now) else "active")
    scenarios = shareable_scenarios(design, request.user)
    return render(request, "sharing/manage.html", {
        "design": design, "members": members, "roles": ROLES, "links": links, "scenarios": scenarios,
        "member_error": member_error, "member_form": member_form or {"role": DesignMember.VIEW},
        "link_error": link_error, "link_form": link_form or {"kind": ShareLink.DESIGN},
        "today": timezone.localdate(), "max_days": MAX_LINK_DAYS}, status=status)


def shareable_scenarios(design: Design, user) -> list[Design]:
    """The design's other scenarios that ``user`` owns: only an owner puts a design behind a public
    link, so a scenario someone else owns (shared with the user) is never offered."""
    return [m for m in family(design, user) if m.pk != design.pk and m.owner_id == user.id]


@require_GET
def sharing(request, code):
    return manage_page(request, _owned_design(request, code))


def _parse_expiry(text: str) -> dt.datetime | None:
    """``YYYY-MM-DD`` → the end of that day (UTC); empty → never. ValueError when in the past or too far."""
    text = text.strip()
    if not text:
        return None
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError("Give the expiry as a date (YYYY-MM-DD).") from None
    today = timezone.localdate()
    if day < today:
        raise ValueError("The expiry date is in the past.")
    if (day - today).days > MAX_LINK_DAYS:
        raise ValueError(f"A link expires within {MAX_LINK_DAYS} days.")
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)


@require_POST
def share_create(request, code):
    design = _owned_design(request, code)
    label = request.POST.get("label", "").strip()
    kind = request.POST.get("kind", ShareLink.DESIGN)
    wanted = request.POST.getlist("with")
    form = {"label": label[:120], "kind": kind, "expires": request.POST.get("expires", "")[:10], "with": wanted}
    if not label or len(label) > 120:
        return manage_page(request, design, link_error="A link needs a label of 1 to 120 characters "
                                                       "(who it is for).", link_form=form, status=400)
    if kind not in dict(ShareLink.KIND_CHOICES):
        return manage_page(request, design, link_error=f"Unknown kind of link '{kind[:20]}'.", link_form=form,
                           status=400)
    try:
        expires_at = _parse_expiry(request.POST.get("expires", ""))
    except ValueError as exc:
        return manage_page(request, design, link_error=str(exc), link_form=form, status=400)
    compare_with: list[str] = []
    if kind == ShareLink.COMPARE:
        visible = {str(m.code) for m in shareable_scenarios(design, request.user)}
        compare_with = [c for c in dict.fromkeys(wanted) if c in visible]
        if not compare_with or len(compare_with) != len(set(wanted)):
            return manage_page(request, design, link_error="Pick one or more scenarios of this design to compare.",
                               link_form=form, status=400)
    if ShareLink.objects.filter(design=design, revoked_at=None).count() >= MAX_LINKS_PER_DESIGN:
        return manage_page(request, design, link_error=f"A design has at most {MAX_LINKS_PER_DESIGN} live links; "
                                                       "revoke one first.", link_form=form, status=400)
    ShareLink.objects.create(design=design, kind=kind, compare_with=compare_with, label=label,
                             created_by=request.user, expires_at=expires_at)
    messages.success(request, f"Created the link “{label}”. Copy it from the list below.")
    return redirect("design_sharing", code=design.code)


@require_POST
def share_revoke(request, code, link_code):
    design = _owned_design(request, code)
    link = ShareLink.objects.filter(design=design, code=link_code).first()
    if link is None:
        raise Http404("No such link")
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
    messages.success(request, f"Revoked the link “{link.label}”: it no longer opens anything.")
    return redirect("design_sharing", code=design.code)


# --- the public page ----------------------------------------------------------------------------


def active_link(token: str) -> ShareLink:
    """The live link of this token; 404 when unknown, revoked or expired (all look the same)."""
    link = ShareLink.objects.filter(token=token).select_related("design", "created_by").first()
    if link is None or not link.is_active():
        raise Http404("No such link")
    return link


def elevation_groups(catalog, design) -> list[dict]:
    """Racks with identical contents drawn once: [{"labels": [...], "svg": ...}], in design order."""
    groups: dict[tuple, dict] = {}
    for rack in design.racks:
        key = (rack.model, rack.cooling, rack.pdus, rack.devices)
        if key not in groups:
            drawing = svg.elevation_svg(catalog, rack).replace('id="elevation-svg" ', "", 1)  # many on one page
            groups[key] = {"labels": [], "rack": rack, "svg": drawing}
        groups[key]["labels"].append(rack.id)
    return list(groups.values())


def latest_estimate_job(design: Design) -> Job | None:
    return (Job.objects.filter(kind="estimate", state=Job.SUCCEEDED, params__design=str(design.code))
            .exclude(result=None).first())


def _design_context(design: Design, catalog) -> dict:
    state = editing.load_state(design, catalog)
    job = latest_estimate_job(design)
    charts = estimate_charts(job.result, design.it_power_kw, design.facility_power_kw) if job else []
    return {
        "design": design, "totals": state.report.totals, "findings_groups": findings_groups(state.report),
        "floor_svg": svg.floor_svg(catalog, state.design, state.report.findings, element_id="share-floor"),
        "elevations": elevation_groups(catalog, state.design), "job": job,
        "result": job.result if job else None, "charts": charts,
        "stale": bool(job and job.result.get("version") not in (None, design.version)),
    }


def _compare_context(link: ShareLink, catalog) -> dict:
    by_code = {str(m.code): m for m in shareable_scenarios(link.design, link.created_by)}
    chosen = [link.design] + [by_code[c] for c in link.compare_with if c in by_code]
    columns = []
    for design in chosen:
        state = editing.load_state(design, catalog)
        columns.append({"design": design, "totals": state.report.totals, "estimate": latest_estimate(design),
                        "floor_svg": svg.floor_svg(catalog, state.design, state.report.findings,
                                                   element_id=f"share-floor-{len(columns)}")})
    return {"design": link.design, "columns": columns, "rows": totals_rows(columns),
            "estimate_groups": estimate_rows(columns),
            "frontier_overlays": frontier_overlays(columns)}


@login_not_required
@require_GET
def share_view(request, token):
    link = active_link(token)
    catalog = get_catalog()
    if link.kind == ShareLink.COMPARE:
        context, template = _compare_context(link, catalog), "sharing/compare.html"
    else:
        context, template = _design_context(link.design, catalog), "sharing/design.html"
        from .proposal import latest_proposal  # noqa: PLC0415 - proposal imports this module

        context["proposal"] = latest_proposal(link.design)
    context["link"] = link
    response = render(request, template, context)
    for name, value in SHARE_HEADERS.items():
        response[name] = value
    return response
