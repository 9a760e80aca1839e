"""The interactive editor: the page, the rack elevation panel, and one POST per edit.

An edit is a small form (``version`` + the operation's fields) posted by htmx; the answer is
the changed fragments swapped out of band: the racks whose look changed, the findings panel,
the totals bar and the new version (plus the site or fabrics panel when those changed). A
refused edit answers 400 with the reason and the racks concerned repainted where they were; a
stale version answers 409 with the whole workspace refreshed.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from catalog.source import get_catalog
from studio.domain.catalog import FacilityCooling, Pdu, Rack, RackCooling, Storage, Switch, System
from studio.domain.designfile import is_placeable
from studio.domain.edits.parse import SITE_LABELS
from studio.domain.limits import NUMBERS, SITE_NUMBERS

from .. import editing, history, svg
from ..models import Design
from ..services import StaleVersion
from .designs import _get_design_for_user


class SiteForm(forms.ModelForm):
    """The site panel as a form, to draw it with the value and error of each field. The bounds are
    those of ``studio.domain.limits`` (the edit itself is parsed by ``edits.parse.site_args``)."""

    class Meta:
        model = Design
        fields = ["width_m", "depth_m", "tile_mm", "it_power_kw", "pue", "facility_power_kw", "air_cooling_kw",
                  "liquid_cooling_kw", "floor_max_kg_per_m2", "redundancy", "electricity_usd_per_kwh"]
        labels = SITE_LABELS

    def clean(self):
        data = super().clean()
        for name in SITE_NUMBERS:
            value = data.get(name)
            problem = NUMBERS[name].problem(value) if value is not None else None
            if problem:
                self.add_error(name, f"{NUMBERS[name].label} {problem}.")
        return data


def _version(request) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return -1


#: Findings shown per code before "show more" (the panel stays small for a 25,000-rack hall) and per page after.
FINDINGS_SHOWN = 12
FINDINGS_PAGE = 100
SEVERITY_TITLES = {"error": "Errors", "warning": "Warnings", "info": "Notes"}


def findings_groups(report) -> list[dict]:
    """Findings by severity, then by code (in order of first appearance), each code's first
    ``FINDINGS_SHOWN`` items: the panel's HTML is bounded by the number of codes, not of racks."""
    groups: dict[str, dict[str, list]] = {"error": {}, "warning": {}, "info": {}}
    for f in report.findings:
        groups[f.severity].setdefault(f.code, []).append(f)
    return [{"severity": s, "title": SEVERITY_TITLES[s], "count": sum(len(v) for v in codes.values()),
             "codes": [{"severity": s, "code": code, "count": len(items), "items": items[:FINDINGS_SHOWN],
                        "more": max(0, len(items) - FINDINGS_SHOWN), "next": FINDINGS_SHOWN}
                       for code, items in codes.items()]}
            for s, codes in groups.items() if codes]


@require_GET
def findings_page(request, code):
    """The next page of one code's findings (the panel's "show more"): ``severity``, ``code``, ``offset``."""
    row = _get_design_for_user(request, code)
    state = editing.load_state(row, get_catalog())
    severity, finding_code = request.GET.get("severity", ""), request.GET.get("code", "")
    try:
        offset = max(0, int(request.GET.get("offset", "0")))
    except ValueError:
        return HttpResponseBadRequest("offset must be a whole number")
    items = [f for f in state.report.findings if f.severity == severity and f.code == finding_code]
    page = items[offset:offset + FINDINGS_PAGE]
    rest = len(items) - offset - len(page)
    return render(request, "designs/_findings_more.html", {
        "design": row, "items": page, "rack_subjects": {r.id for r in state.design.racks},
        "group": {"severity": severity, "code": finding_code, "more": max(0, rest), "next": offset + len(page)}})


def palettes(catalog) -> dict:
    racks = sorted(catalog.of_kind(Rack), key=lambda r: (r.u_height, r.width_mm, r.depth_mm))
    rack_scale = [s for s in catalog.of_kind(System) if s.is_rack_scale]
    devices = [i for i in catalog if isinstance(i, (System, Switch, Storage, FacilityCooling)) and is_placeable(i)]
    kind_order = {"system": 0, "switch": 1, "storage": 2, "facility_cooling": 3}
    devices.sort(key=lambda i: (kind_order.get(i.kind, 9), i.vendor, i.name))
    return {
        "rack_models": racks, "rack_scale": rack_scale, "devices": devices,
        "systems": [i for i in devices if isinstance(i, System)],
        "pdus": catalog.of_kind(Pdu), "rack_coolings": catalog.of_kind(RackCooling),
        "switches": catalog.of_kind(Switch), "storage_items": catalog.of_kind(Storage),
        "facility_items": [i for i in catalog.of_kind(FacilityCooling)],
    }


def workspace_context(request, row: Design, state, catalog, **extra) -> dict:
    report = state.report
    from .designs import reference_cards  # the scalable units the palette offers: the reference designs

    return {
        "units": reference_cards(),
        "design": row, "state": state, "report": report, "totals": report.totals,
        "findings_groups": findings_groups(report),
        "rack_subjects": {r.id for r in state.design.racks},
        "floor_svg": svg.floor_svg(catalog, state.design, report.findings),
        "site_form": SiteForm(instance=row), "undo_depth": len(history.undo_stack(row, request.session.session_key)),
        "fabrics": state.design.fabrics, "storage": state.design.storage, "facility": state.design.facility,
        **extra,
    }


@require_GET
def editor(request, code):
    row = _get_design_for_user(request, code)
    catalog = get_catalog()
    state = editing.load_state(row, catalog)
    context = workspace_context(request, row, state, catalog, **palettes(catalog))
    return render(request, "designs/editor.html", context)


def _elevation_context(row: Design, state, catalog, label: str) -> dict:
    rack = state.design.rack(label)
    model = svg.lookup(catalog, rack.model)
    limits = editing.rack_limits(catalog, rack, state.design.site.tile_mm)
    meters = [
        {"label": "Space", "value": limits.u_used, "limit": limits.u_total, "unit": "U", "digits": 0},
        {"label": "Power", "value": limits.power_kw, "limit": limits.power_limit_kw, "unit": "kW", "digits": 1},
        {"label": "Heat to air", "value": limits.heat_air_kw, "limit": limits.air_limit_kw, "unit": "kW", "digits": 1},
        {"label": "Heat to liquid", "value": limits.heat_liquid_kw, "limit": limits.liquid_limit_kw, "unit": "kW",
         "digits": 1},
        {"label": "Load", "value": limits.load_kg, "limit": limits.load_limit_kg, "unit": "kg", "digits": 0},
    ]
    for m in meters:
        m["pct"] = min(100, round(100 * m["value"] / m["limit"])) if m["limit"] else (100 if m["value"] else 0)
        m["level"] = ("over" if m["limit"] and m["value"] > m["limit"] + 1e-9 or (not m["limit"] and m["value"])
                      else "near" if m["pct"] >= 90 else "ok")
    pdu_a = [p.model for p in rack.pdus if p.feed == "A"]
    pdu_b = [p.model for p in rack.pdus if p.feed == "B"]
    return {"rack": rack, "rack_model": model, "elevation_svg": svg.elevation_svg(catalog, rack, range(len(rack.devices))),
            "meters": meters, "rack_findings": [f for f in state.report.findings if f.subject == label],
            "pdu_a": pdu_a[0] if pdu_a else "", "pdu_a_count": len(pdu_a),
            "pdu_b": pdu_b[0] if pdu_b else "", "pdu_b_count": len(pdu_b),
            "is_rack_scale": isinstance(model, System) and model.is_rack_scale}


@require_GET
def rack_panel(request, code, label):
    row = _get_design_for_user(request, code)
    catalog = get_catalog()
    state = editing.load_state(row, catalog)
    if label not in {r.id for r in state.design.racks}:
        return render(request, "designs/editor.html#rack-missing", {"label": label}, status=404)
    context = {"design": row, **_elevation_context(row, state, catalog, label), **palettes(catalog)}
    return render(request, "designs/editor.html#rack-panel", context)


def _change_response(request, row: Design, change, catalog, *, status: int = 200, error: str = "",
                     field_errors=None, can_undo: bool | None = None):
    """The fragments that show ``change``; ``can_undo`` when the caller knows whether this session has
    an edit to undo (an edit it just saved with an inverse), else the undo stack is read."""
    state = change.state
    worst = svg.worst_by_subject(state.report.findings)
    tile_mm = state.design.site.tile_mm
    index = state.index()
    racks_svg = "".join(svg.rack_g(catalog, state.design.racks[index[label]], tile_mm, worst.get(label), oob=True)
                        for label in change.racks if label in index and label not in change.added)
    added_svg = "".join(svg.rack_g(catalog, state.design.racks[index[label]], tile_mm, worst.get(label))
                        for label in change.added if label in index)
    open_rack = request.POST.get("open_rack", "")
    context = {
        "design": row, "state": state, "report": state.report, "totals": state.report.totals,
        "findings_groups": findings_groups(state.report) if "findings" not in change.unchanged else None,
        "unchanged": change.unchanged, "rack_subjects": set(index),
        "racks_svg": racks_svg, "added_svg": added_svg, "removed": change.removed,
        "full_floor": svg.floor_svg(catalog, state.design, state.report.findings) if change.full else "",
        "panels": change.panels, "message": error or change.message, "is_error": bool(error),
        "site_form": (SiteForm(request.POST, instance=row) if field_errors
                      else SiteForm(instance=row)) if "site" in change.panels or field_errors else None,
        "fabrics": state.design.fabrics, "storage": state.design.storage, "facility": state.design.facility,
        "undo_depth": can_undo if can_undo is not None else len(history.undo_stack(row, request.session.session_key)),
    }
    if "fabrics" in change.panels:
        context.update(palettes(catalog))
    if open_rack and open_rack in index:
        context.update(_elevation_context(row, state, catalog, open_rack))
        context["refresh_rack"] = True
        context.update({k: v for k, v in palettes(catalog).items() if k in ("devices", "systems", "pdus",
                                                                                "rack_coolings")})
    if field_errors and "site" not in change.panels:
        context["panels"] = (*change.panels, "site")
    return render(request, "designs/_change.html", context, status=status)


@require_POST
def edit(request, code, op):
    """One edit. 200: saved (fragments); 400: refused (reason, nothing saved); 409: stale version."""
    row = _get_design_for_user(request, code, write=True)
    catalog = get_catalog()
    expected = _version(request)
    try:
        change = editing.apply(op, row, expected, request.POST, user=request.user, catalog=catalog,
                               session_key=request.session.session_key or "")
    except StaleVersion as exc:
        return _stale_response(request, code, catalog, str(exc))
    except editing.EditError as exc:
        state = editing.load_state(row, catalog)
        labels = [label for label in request.POST.getlist("rack") if label in state.index()]
        refused = editing.Change(state, racks=labels, panels=("site",) if exc.field_errors else ())
        return _change_response(request, row, refused, catalog, status=400, error=str(exc),
                                field_errors=exc.field_errors or None)
    return _change_response(request, row, change, catalog, can_undo=True if change.inverse is not None else None)


def _stale_response(request, code, catalog, message: str):
    row = _get_design_for_user(request, code)
    state = editing.load_state(row, catalog)
    change = editing.Change(state, full=True, panels=("site", "fabrics", "name"))
    return _change_response(request, row, change, catalog, status=409, error=message)


@require_POST
def undo(request, code):
    row = _get_design_for_user(request, code, write=True)
    catalog = get_catalog()
    stack = history.undo_stack(row, request.session.session_key)
    if not stack:
        state = editing.load_state(row, catalog)
        return _change_response(request, row, editing.Change(state), catalog, status=400,
                                error="Nothing to undo in this session", can_undo=False)
    try:
        change = editing.apply_undo(row, _version(request), stack[0], user=request.user, catalog=catalog)
    except StaleVersion as exc:
        return _stale_response(request, code, catalog, str(exc))
    return _change_response(request, row, change, catalog, can_undo=len(stack) > 1)


def require_edit(row: Design) -> None:
    if not getattr(row, "can_edit", False):
        raise PermissionDenied("You can view this design but not change it")
