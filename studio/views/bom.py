"""A design's bill of materials (page, CSV, XLSX) and its NetBox export (a zip of CSV files).

Anyone who may see the design (owner and members) may read its BOM and export it; nothing here
writes. The numbers are those of ``studio.domain.bom`` on the design's validation totals.
"""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from catalog.source import get_catalog
from studio.domain.bom import POWER_LABELS, bill_of_materials

from .. import editing
from ..reports.bom import bom_csv, bom_xlsx
from ..reports.netbox import netbox_zip
from .designs import _get_design_for_user

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def design_bom(design, catalog=None):
    """The BOM of a design row, on the validation the editor shows (cached per version)."""
    catalog = catalog or get_catalog()
    state = editing.load_state(design, catalog)
    return bill_of_materials(state.design, catalog, state.report.totals), state


def _filename(design, ext: str) -> str:
    return f"{slugify(design.name) or 'design'}-bom.{ext}"


@require_GET
def bom_page(request, code):
    design = _get_design_for_user(request, code)
    bom, _state = design_bom(design)
    sections = [{"name": s, "lines": bom.section(s), "usd": bom.section_usd(s)} for s in bom.sections]
    power = [{"label": label, "value": bom.power[key], "unit": unit} for key, label, unit in POWER_LABELS]
    return render(request, "bom/page.html", {"design": design, "bom": bom, "sections": sections, "power": power})


@require_GET
def bom_download(request, code, fmt):
    design = _get_design_for_user(request, code)
    if fmt not in ("csv", "xlsx"):
        raise Http404("Unknown format")
    bom, _state = design_bom(design)
    if fmt == "csv":
        response = HttpResponse(bom_csv(bom), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(bom_xlsx(bom), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_filename(design, fmt)}"'
    return response


@require_GET
def netbox_download(request, code):
    design = _get_design_for_user(request, code)
    catalog = get_catalog()
    state = editing.load_state(design, catalog)
    data = netbox_zip(state.design, catalog, state.report.totals)
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{slugify(design.name) or "design"}-netbox.zip"'
    return response
