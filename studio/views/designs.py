"""The design list: my designs and those shared with me; new from a reference or blank; rename,
clone as scenario, delete (with a confirmation step), import a design file, export it."""

from __future__ import annotations

import functools
import json

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from catalog.source import get_catalog
from studio.domain import design as d
from studio.domain.designfile import dump_design_text, load_estimates
from studio.domain.limits import NUMBERS, TEXTS, check_text
from studio.domain.rules import validate

from .. import editing, services
from ..models import Design, DesignMember


def _get_design_for_user(request, code, *, write: bool = False) -> Design:
    """The design if the user may see it: 404 for outsiders (its existence is not revealed),
    403 for a view-only collaborator asking to change it. Sets ``can_edit`` on the row."""
    design = Design.objects.filter(code=code).first()
    if design is None:
        raise Http404("No such design")
    if design.owner_id == request.user.id:
        design.can_edit = True
        return design
    role = DesignMember.objects.filter(design=design, user=request.user).values_list("role", flat=True).first()
    if role is None:
        raise Http404("No such design")
    design.can_edit = role == DesignMember.EDIT
    if write and not design.can_edit:
        raise PermissionDenied("You can view this design but not change it")
    return design


@functools.lru_cache(maxsize=4)
def _reference_cards(stamp) -> list[dict]:
    catalog = get_catalog()
    cards = []
    for ref in services.reference_designs(catalog):
        totals = validate(ref["design"], catalog).totals
        cards.append({"slug": ref["slug"], "name": ref["name"], "gpus": totals.gpus, "racks": totals.racks,
                      "kw": totals.it_kw_max,
                      "hall": f"{ref['design'].site.width_m:g} × {ref['design'].site.depth_m:g} m"})
    return cards


def reference_cards() -> list[dict]:
    files = sorted(services.REFERENCE_DIR.glob("*.json")) if services.REFERENCE_DIR.is_dir() else []
    stamp = tuple((p.name, p.stat().st_mtime_ns) for p in files) + (id(get_catalog()),)
    return _reference_cards(stamp)


def _limited(form: forms.Form) -> None:
    """Check each field against its row of ``studio.domain.limits`` (the one table of bounds)."""
    for name, value in list(form.cleaned_data.items()):
        if name in NUMBERS and value is not None:
            problem = NUMBERS[name].problem(value)
        elif name in TEXTS and value is not None:
            problem = TEXTS[name].problem(value)
        else:
            problem = None
        if problem:
            form.add_error(name, f"{(NUMBERS.get(name) or TEXTS[name]).label} {problem}.")


class BlankDesignForm(forms.Form):
    name = forms.CharField(max_length=TEXTS["name"].max_chars, initial="New hall")
    width_m = forms.FloatField(initial=24, label="Hall width (m)")
    depth_m = forms.FloatField(initial=18, label="Hall depth (m)")
    it_power_kw = forms.FloatField(initial=1000, label="IT power (kW)")
    air_cooling_kw = forms.FloatField(initial=400, label="Air cooling (kW)")
    liquid_cooling_kw = forms.FloatField(initial=800, label="Liquid cooling (kW)")

    def clean(self):
        data = super().clean()
        _limited(self)
        return data


class ImportForm(forms.Form):
    file = forms.FileField(label="Design file (JSON)")


def _list_context(request, blank_form=None, import_form=None) -> dict:
    mine = Design.objects.filter(owner=request.user).annotate(rack_count=Count("racks")).select_related("parent")
    shared = (Design.objects.filter(members__user=request.user).annotate(rack_count=Count("racks"))
              .select_related("owner"))
    roles = dict(DesignMember.objects.filter(user=request.user).values_list("design_id", "role"))
    for row in shared:
        row.role = roles.get(row.pk)
    # a scenario's parent is named only while the user may still see it (a former member's clone
    # must not keep showing the original's current name)
    parents = {row.parent_id for row in mine if row.parent_id}
    visible = set(Design.objects.filter(pk__in=parents).filter(Q(owner=request.user) | Q(members__user=request.user))
                  .values_list("pk", flat=True)) if parents else set()
    for row in mine:
        row.parent_name = row.parent.name if row.parent_id in visible else ""
    return {"mine": mine, "shared": shared, "references": reference_cards(),
            "blank_form": blank_form or BlankDesignForm(), "import_form": import_form or ImportForm()}


@require_GET
def design_list(request):
    return render(request, "designs/list.html", _list_context(request))


def _new_name(request) -> str | None:
    """The name typed for a new design (None: the default one), within ``limits.TEXTS['name']``
    (``ValueError`` with the reason)."""
    name = request.POST.get("name", "").strip()
    return check_text(name, "name") if name else None


@require_POST
def design_create(request):
    """New design from a reference (``template``) or from the blank site form."""
    slug = request.POST.get("template", "")
    if slug:
        try:
            row = services.create_from_reference(request.user, slug, _new_name(request))
        except KeyError:
            messages.error(request, f"There is no reference design '{slug[:60]}'.")
            return redirect("design_list")
        except ValueError as exc:
            messages.error(request, str(exc))
            return redirect("design_list")
        messages.success(request, f"Created “{row.name}” from a reference design.")
        return redirect("design_editor", code=row.code)
    form = BlankDesignForm(request.POST)
    if not form.is_valid():
        return render(request, "designs/list.html", _list_context(request, blank_form=form), status=400)
    c = form.cleaned_data
    site = d.Site(width_m=c["width_m"], depth_m=c["depth_m"], it_power_kw=c["it_power_kw"],
                  facility_power_kw=round(c["it_power_kw"] * 1.3, 1),
                  cooling=d.SiteCooling(c["air_cooling_kw"], c["liquid_cooling_kw"]))
    row = services.create_design(request.user, d.Design(name=c["name"], site=site))
    return redirect("design_editor", code=row.code)


@require_POST
def design_rename(request, code):
    """Rename through the editor's loop: the version the list showed must still be the current one
    (409 otherwise, so that a rename never overwrites a change made elsewhere, and open editor
    tabs see the rename as a change)."""
    row = _get_design_for_user(request, code, write=True)
    try:
        expected = int(request.POST.get("version", ""))
    except ValueError:
        expected = -1
    try:
        change = editing.apply("rename", row, expected, request.POST, user=request.user)
    except services.StaleVersion as exc:
        messages.error(request, str(exc).replace("your view was refreshed", "the list now shows it"))
        return render(request, "designs/list.html", _list_context(request), status=409)
    except editing.EditError as exc:
        messages.error(request, str(exc))
        return redirect("design_list")
    messages.success(request, f"{change.message}.")
    return redirect(request.POST.get("next") or "design_list") if _safe_next(request) else redirect("design_list")


def _safe_next(request) -> bool:
    target = request.POST.get("next", "")
    return target.startswith("/designs/") and "//" not in target


@require_POST
def design_clone(request, code):
    """A new scenario: the same content, linked to the design's family for comparison."""
    row = _get_design_for_user(request, code)
    try:
        name = _new_name(request)
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect("design_list")
    clone = services.clone_as_scenario(row, request.user, name)
    messages.success(request, f"Created the scenario “{clone.name}”.")
    return redirect("design_editor", code=clone.code)


@require_http_methods(["GET", "POST"])
def design_delete(request, code):
    """GET: the confirmation step; POST: delete (owner only)."""
    row = _get_design_for_user(request, code)
    if row.owner_id != request.user.id:
        raise PermissionDenied("Only the owner can delete a design")
    if request.method == "POST":
        name = row.name
        row.delete()
        messages.success(request, f"Deleted “{name}”.")
        return redirect("design_list")
    return render(request, "designs/confirm_delete.html", {"design": row, "racks": row.racks.count()})


@require_POST
def design_import(request):
    """Upload a design file; a bad one is refused (400) with the JSON path of the problem, nothing saved."""
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "designs/list.html", _list_context(request, import_form=form), status=400)
    upload = form.cleaned_data["file"]
    if upload.size > settings.STUDIO_MAX_UPLOAD_BYTES:
        form.add_error("file", f"The file is {upload.size / 2**20:.1f} MB; the studio takes design files of up to "
                               f"{settings.STUDIO_MAX_UPLOAD_BYTES // 2**20} MB (STUDIO_MAX_UPLOAD_MB).")
        return render(request, "designs/list.html", _list_context(request, import_form=form), status=400)
    try:
        text = upload.read().decode("utf-8")
    except UnicodeDecodeError:
        form.add_error("file", "The file is not UTF-8 text.")
        return render(request, "designs/list.html", _list_context(request, import_form=form), status=400)
    try:
        estimates = load_estimates(_json_or_none(text))
        row = services.import_design_text(request.user, text)
        services.attach_imported_estimates(row, request.user, estimates)
    except services.DesignFileError as exc:
        form.add_error("file", str(exc))
        return render(request, "designs/list.html", _list_context(request, import_form=form), status=400)
    messages.success(request, f"Imported “{row.name}”.")
    return redirect("design_editor", code=row.code)


def _json_or_none(text: str):
    """The decoded JSON, or None when it is not JSON (the design reader then says where it breaks)."""
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


@require_GET
def design_export(request, code):
    row = _get_design_for_user(request, code)
    full = services.designs_with_content().get(pk=row.pk)
    text = dump_design_text(services.design_to_domain(full), estimates=services.estimates_for_export(row))
    response = HttpResponse(text, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slugify(row.name) or "design"}.json"'
    return response
