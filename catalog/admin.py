from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied

from studio.domain.catalog import Catalog, CatalogError, item_from_record, require_price

from .models import CatalogItem
from .source import get_catalog
from .usage import uses_of

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
        old_slug = self.instance.slug if self.instance.pk else None
        if old_slug and (cleaned.get("slug") != old_slug or cleaned.get("kind") != self.instance.kind):
            uses = uses_of([old_slug]).get(old_slug, [])
            if uses:
                raise forms.ValidationError(
                    {"slug": f"'{old_slug}' is in use, so its slug and kind cannot change: "
                             + "; ".join(str(u) for u in uses[:10]) + (" …" if len(uses) > 10 else "")})
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

    def get_deleted_objects(self, objs, request):
        """Refuse to delete an item that designs (or other catalog items) use, naming each design.

        Django's delete page and the "delete selected" action show the ``protected`` list and
        delete nothing while it is not empty.
        """
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        uses = uses_of(obj.slug for obj in objs)
        return deleted, counts, perms_needed, [*protected, *(str(u) for slug in sorted(uses) for u in uses[slug])]

    def delete_model(self, request, obj):
        self._refuse_if_used([obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        self._refuse_if_used(list(queryset))
        super().delete_queryset(request, queryset)

    @staticmethod
    def _refuse_if_used(objs):
        uses = uses_of(obj.slug for obj in objs)
        if uses:
            raise PermissionDenied("catalog items in use cannot be deleted: " + ", ".join(sorted(uses)))
