from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "Catalog"

    def ready(self) -> None:
        from .models import CatalogItem
        from .source import forget

        # a catalog change saved through this process is seen by its next get_catalog() at once
        post_save.connect(forget, sender=CatalogItem, dispatch_uid="catalog-forget-on-save")
        post_delete.connect(forget, sender=CatalogItem, dispatch_uid="catalog-forget-on-delete")
