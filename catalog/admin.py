from django import forms
from django.contrib import admin

from studio.domain.catalog import Catalog, CatalogError, item_from_record

from .models import CatalogItem
from .source import get_catalog


class CatalogItemForm(forms.ModelForm):
    class Meta:
        model = CatalogItem
        fields = ["slug", "kind", "name", "vendor", "description", "source", "confidence", "specs"]

    def clean(self):
        cleaned = super().clean()
        record = {k: cleaned.get(k) for k in ("slug", "kind", "name", "vendor", "source", "confidence", "specs")}
        if cleaned.get("description"):
            record["description"] = cleaned["description"]
        try:
            item = item_from_record(record)
            others = [i for i in get_catalog() if i.slug != (self.instance.slug or item.slug)]
            Catalog([*others, item])  # references (a system's accelerator) must resolve
        except CatalogError as exc:
            field = "specs" if exc.field_name not in self.fields else exc.field_name
            raise forms.ValidationError({field: str(exc)}) from exc
        return cleaned


@admin.register(CatalogItem)
class CatalogItemAdmin(admin.ModelAdmin):
    form = CatalogItemForm
    list_display = ["slug", "name", "kind", "vendor", "confidence", "data_file", "updated_at"]
    list_filter = ["kind", "vendor", "confidence"]
    search_fields = ["slug", "name", "vendor", "description", "source"]
    readonly_fields = ["data_file", "created_at", "updated_at"]
