"""Browse the catalog: filter by kind, vendor and text (htmx swaps the results), and see every
number of an item with its source and confidence."""

from django.db.models import Q
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from studio.domain.catalog import KIND_LABELS, item_from_record, spec_fields

from .models import CatalogItem

CONFIDENCE_HELP = {
    "V": "Read in the cited source",
    "V-3p": "Read in a secondary source; re-check before relying on it",
    "M": "Background knowledge or arithmetic; a placeholder until a datasheet confirms it",
}


def _filtered(params):
    items = CatalogItem.objects.all()
    kind, vendor, text = params.get("kind", ""), params.get("vendor", ""), params.get("q", "").strip()
    if kind:
        items = items.filter(kind=kind)
    if vendor:
        items = items.filter(vendor=vendor)
    if text:
        items = items.filter(Q(name__icontains=text) | Q(slug__icontains=text) | Q(vendor__icontains=text)
                             | Q(description__icontains=text))
    return items.order_by("kind", "vendor", "name"), {"kind": kind, "vendor": vendor, "q": text}


@require_GET
def catalog_list(request):
    items, filters = _filtered(request.GET)
    context = {"items": items, "filters": filters, "kinds": KIND_LABELS.items(),
               "vendors": CatalogItem.objects.order_by("vendor").values_list("vendor", flat=True).distinct(),
               "total": CatalogItem.objects.count()}
    template = "catalog/list.html#results" if request.htmx and not request.htmx.boosted else "catalog/list.html"
    return render(request, template, context)


@require_GET
def item_detail(request, slug):
    row = get_object_or_404(CatalogItem, slug=slug)
    item = item_from_record(row.as_record())
    numbers = []
    for f in spec_fields(item.kind):
        if f.name not in row.specs:
            continue
        src = item.source_of(f.name)
        numbers.append({"name": f.name, "label": f.metadata.get("label") or f.name.replace("_", " "),
                        "value": getattr(item, f.name), "unit": f.metadata.get("unit", ""),
                        "source": src.source, "confidence": src.confidence,
                        "own_source": f.name in item.field_sources})
    used_by = CatalogItem.objects.filter(kind="system", specs__accelerator=slug) if row.kind == "accelerator" else []
    return render(request, "catalog/detail.html", {
        "row": row, "item": item, "numbers": numbers, "kind_label": KIND_LABELS[row.kind],
        "confidence_help": CONFIDENCE_HELP, "used_by": used_by})
