from django import forms
from django.contrib import admin

from studio.domain.catalog import Catalog, CatalogError, item_from_record, require_price

from .models import CatalogItem
from .source import get_catalog

PRICE_FIELDS = ["price_list_usd", "price_currency", "price_date", "price_source", "price_confidence"]


class CatalogItemForm(forms.ModelForm):
    class Meta:
        model = CatalogItem
        fields = ["slug", "kind", "name", "vendor", "description", "source", "confidence", "specs", *PRICE_FIELDS]

    def clean(self):
        cleaned = super().clean()
        record = {k: cleaned.get(k) for k in ("slug", "kind", "name", "vendor", "source", "confidence", "specs")}
        if cleaned.get("description"):
            record["description"] = cleaned["description"]
        if cleaned.get("price_list_usd") is not None:
            record["price"] = {"list_usd": cleaned["price_list_usd"], "currency": cleaned.get("price_currency"),
                               "date": cleaned.get("price_date"), "source": cleaned.get("price_source"),
                               "confidence": cleaned.get("price_confidence")}
        try:
            item = item_from_record(record)
            require_price(item)
            others = [i for i in get_catalog() if i.slug != (self.instance.slug or item.slug)]
            Catalog([*others, item])  # references (a system's accelerator) must resolve
        except CatalogError as exc:
            field = "price_list_usd" if exc.field_name == "price" else exc.field_name
            field = field if field in self.fields else "specs"
            raise forms.ValidationError({field: str(exc)}) from exc
        return cleaned


@admin.register(CatalogItem)
class CatalogItemAdmin(admin.ModelAdmin):
    form = CatalogItemForm
    list_display = ["slug", "name", "kind", "vendor", "confidence", "price_list_usd", "data_file", "updated_at"]
    fieldsets = [
        (None, {"fields": ["slug", "kind", "name", "vendor", "description", "source", "confidence", "specs"]}),
        ("List price", {"fields": PRICE_FIELDS,
                        "description": "Every item but a model has a list price; an [M] estimate says so in its source."}),
        ("Loaded from", {"fields": ["data_file", "created_at", "updated_at"]}),
    ]
    list_filter = ["kind", "vendor", "confidence"]
    search_fields = ["slug", "name", "vendor", "description", "source"]
    readonly_fields = ["data_file", "created_at", "updated_at"]
