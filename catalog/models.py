"""The catalog's database mirror of ``catalog/data/*.yaml`` (browsable, editable in the admin).

A row stores one record exactly as the data files do (``specs`` keeps per-field sources), so the
domain catalog is built the same way from either place (``catalog.source.get_catalog``).
"""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Count, Max

from studio.domain.catalog import CONFIDENCES, KIND_CLASSES, KIND_LABELS


class CatalogItemQuerySet(models.QuerySet):
    def catalog_stamp(self):
        """A value that changes whenever the catalog changes; None when the table is empty."""
        agg = self.aggregate(n=Count("id"), latest=Max("updated_at"))
        if not agg["n"]:
            return None
        return (agg["n"], agg["latest"])

    def as_records(self) -> list[dict]:
        return [row.as_record() for row in self.order_by("kind", "slug")]


class CatalogItem(models.Model):
    KIND_CHOICES = [(k, KIND_LABELS[k]) for k in KIND_CLASSES]
    CONFIDENCE_CHOICES = [(c, c) for c in CONFIDENCES]

    slug = models.CharField(max_length=80, unique=True, validators=[RegexValidator(
        r"^[a-z0-9][a-z0-9._-]*$", "Lower-case letters, digits, dots, hyphens and underscores only")])
    kind = models.CharField(max_length=32, choices=KIND_CHOICES, db_index=True)
    name = models.CharField(max_length=200)
    vendor = models.CharField(max_length=100, db_index=True)
    description = models.TextField(blank=True)
    source = models.TextField(help_text="Where the item's numbers come from (datasheet, URL)")
    confidence = models.CharField(max_length=8, choices=CONFIDENCE_CHOICES,
                                  help_text="V: read in the source; V-3p: secondary source; M: background/arithmetic")
    specs = models.JSONField(default=dict, help_text="Spec values; a value may be {value, source, confidence}")
    price_list_usd = models.FloatField(
        "list price (USD)", null=True, blank=True,
        help_text="List price of one unit in US dollars; empty only for a model (a model is not bought)")
    price_currency = models.CharField("price currency", max_length=3, blank=True, default="",
                                      help_text="ISO 4217 code the source quoted in (USD unless converted)")
    price_date = models.CharField("price date", max_length=7, blank=True, default="",
                                  validators=[RegexValidator(r"^\d{4}-(0[1-9]|1[0-2])$", "Month as YYYY-MM")],
                                  help_text="Month of the quote, YYYY-MM")
    price_source = models.TextField("price source", blank=True, default="",
                                    help_text="Where the price comes from; an [M] estimate says so")
    price_confidence = models.CharField("price confidence", max_length=8, blank=True, default="",
                                        choices=CONFIDENCE_CHOICES)
    data_file = models.CharField(max_length=100, blank=True, help_text="The catalog/data file it was loaded from")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CatalogItemQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "vendor", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.slug})"

    def as_record(self) -> dict:
        record = {"slug": self.slug, "kind": self.kind, "name": self.name, "vendor": self.vendor,
                  "source": self.source, "confidence": self.confidence, "specs": self.specs}
        if self.description:
            record["description"] = self.description
        if self.price_list_usd is not None:
            record["price"] = {"list_usd": self.price_list_usd, "currency": self.price_currency,
                               "date": self.price_date, "source": self.price_source,
                               "confidence": self.price_confidence}
        return record

    @staticmethod
    def price_columns(price: dict | None) -> dict:
        """A record's ``price`` mapping as this model's ``price_*`` column values (empty when none)."""
        price = price or {}
        return {"price_list_usd": float(price["list_usd"]) if "list_usd" in price else None,
                "price_currency": price.get("currency", ""), "price_date": str(price.get("date", "")),
                "price_source": price.get("source", ""), "price_confidence": price.get("confidence", "")}
