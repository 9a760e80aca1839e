"""Catalog integrity: an item that designs use cannot be deleted or renamed (the admin says which designs use
it, a prune keeps it), and a database error is an error, never a silent fall back to the files."""

from __future__ import annotations

import json
from unittest import mock

import pytest
from django.db import DatabaseError
from django.urls import reverse

from catalog.loading import load_catalog
from catalog.models import CatalogItem
from catalog.source import get_catalog
from catalog.usage import uses_of
from studio.services import create_from_reference


@pytest.fixture
def staff_client(client, django_user_model):
    boss = django_user_model.objects.create_superuser("boss", "b@example.com", "pw-123456789")
    client.force_login(boss)
    return client


@pytest.fixture
def su_design(loaded_catalog, owner):
    return create_from_reference(owner, "dgx-h100-su", name="Customer SU")


def test_uses_of_finds_racks_devices_pdus_cooling_fabrics_storage_and_systems(su_design):
    slugs = ["dgx-h100", "rack-48u-600x1200", "rdhx-active", "pdu-415v-60a-3ph", "quantum-2-ndr", "ddn-ai400x2t",
             "h100-sxm", "gb300-nvl72"]
    uses = uses_of(slugs)
    wheres = {slug: {u.where.split(" ")[0] for u in found} for slug, found in uses.items()}
    assert "device" in wheres["dgx-h100"]
    assert "rack" in wheres["rack-48u-600x1200"]
    assert "cooling" in wheres["rdhx-active"]
    assert "PDU" in wheres["pdu-415v-60a-3ph"]
    assert "fabric" in wheres["quantum-2-ndr"]
    assert "storage" in wheres["ddn-ai400x2t"]
    assert "system" in wheres["h100-sxm"]  # the accelerator of dgx-h100 and dgx-h200
    assert "gb300-nvl72" not in uses  # nobody uses it here
    use = uses["dgx-h100"][0]
    assert (use.design_id, use.design_name, use.owner) == (su_design.pk, "Customer SU", "owner")
    assert "used by design 'Customer SU' (owner owner" in str(use)


def test_the_admin_refuses_to_delete_an_item_a_design_uses_and_names_the_design(staff_client, su_design):
    row = CatalogItem.objects.get(slug="dgx-h100")
    url = reverse("admin:catalog_catalogitem_delete", args=[row.pk])
    page = staff_client.get(url).content.decode()
    assert "Customer SU" in page and "device in rack" in page
    response = staff_client.post(url, {"post": "yes"})
    assert response.status_code in (200, 403)
    assert CatalogItem.objects.filter(slug="dgx-h100").exists()


def test_the_delete_selected_action_refuses_too(staff_client, su_design):
    ids = list(CatalogItem.objects.filter(slug__in=["quantum-2-ndr", "gb300-nvl72"]).values_list("pk", flat=True))
    response = staff_client.post(reverse("admin:catalog_catalogitem_changelist"),
                                 {"action": "delete_selected", "_selected_action": ids, "post": "yes"})
    assert "Customer SU" in response.content.decode()
    assert CatalogItem.objects.filter(slug__in=["quantum-2-ndr", "gb300-nvl72"]).count() == 2


def test_the_admin_deletes_an_item_nobody_uses(staff_client, su_design):
    row = CatalogItem.objects.get(slug="gb300-nvl72")
    staff_client.post(reverse("admin:catalog_catalogitem_delete", args=[row.pk]), {"post": "yes"})
    assert not CatalogItem.objects.filter(slug="gb300-nvl72").exists()


def test_the_design_list_still_answers_after_a_refused_delete(staff_client, su_design, owner_client):
    row = CatalogItem.objects.get(slug="dgx-h100")
    staff_client.post(reverse("admin:catalog_catalogitem_delete", args=[row.pk]), {"post": "yes"})
    assert owner_client.get(reverse("design_list")).status_code == 200


def test_the_admin_refuses_to_rename_an_item_in_use(staff_client, su_design):
    row = CatalogItem.objects.get(slug="ddn-ai400x2t")
    form = {"slug": "ddn-renamed", "kind": row.kind, "name": row.name, "vendor": row.vendor,
            "description": row.description, "source": row.source, "confidence": row.confidence,
            "specs": json.dumps(row.specs), "price_list_usd": row.price_list_usd,
            "price_currency": row.price_currency, "price_date": row.price_date, "price_source": row.price_source,
            "price_confidence": row.price_confidence}
    response = staff_client.post(reverse("admin:catalog_catalogitem_change", args=[row.pk]), form)
    assert response.status_code == 200
    assert "is in use, so its slug and kind cannot change" in response.content.decode()
    assert CatalogItem.objects.filter(slug="ddn-ai400x2t").exists()


def test_a_purchasable_item_without_a_price_is_refused_by_the_admin(staff_client, loaded_catalog):
    response = staff_client.post(reverse("admin:catalog_catalogitem_add"), {
        "slug": "free-rack", "kind": "rack", "name": "Free", "vendor": "X", "source": "s", "confidence": "M",
        "specs": '{"u_height": 42}', "description": ""})
    assert response.status_code == 200
    assert "missing &#x27;price&#x27;" in response.content.decode()
    assert not CatalogItem.objects.filter(slug="free-rack").exists()


def test_the_admin_stores_a_price_that_comes_back_as_item_price(staff_client, loaded_catalog):
    staff_client.post(reverse("admin:catalog_catalogitem_add"), {
        "slug": "priced-rack", "kind": "rack", "name": "Priced", "vendor": "X", "source": "s", "confidence": "M",
        "specs": '{"u_height": 42}', "description": "", "price_list_usd": "2100", "price_currency": "USD",
        "price_date": "2026-11", "price_source": "[M] estimate", "price_confidence": "M"})
    assert get_catalog().get("priced-rack").price.list_usd == 2100


def test_a_prune_keeps_an_item_designs_use(su_design, tmp_path):
    (tmp_path / "one.yaml").write_text(
        "- slug: only-rack\n  kind: rack\n  name: Only\n  vendor: X\n  source: s\n  confidence: M\n"
        "  price: {list_usd: 1, currency: USD, date: '2026-01', source: '[M] test', confidence: M}\n"
        "  specs: {u_height: 42}\n")
    report = load_catalog(tmp_path, prune=True)
    assert "dgx-h100" in report.kept_in_use and "dgx-h100" not in report.removed
    assert "gb300-nvl72" in report.removed
    assert CatalogItem.objects.filter(slug="dgx-h100").exists()
    assert "kept because designs use them" in report.summary()


def test_a_database_error_is_raised_not_answered_from_the_files(loaded_catalog):
    with mock.patch.object(CatalogItem.objects, "catalog_stamp", side_effect=DatabaseError("server gone")):
        with pytest.raises(DatabaseError, match="server gone"):
            get_catalog()


def test_a_row_that_no_longer_builds_is_an_error_too(loaded_catalog):
    CatalogItem.objects.filter(slug="dgx-h100").update(specs={"u_height": -1})
    with pytest.raises(ValueError, match="dgx-h100"):
        get_catalog()


def test_an_empty_table_uses_the_files(db):
    assert CatalogItem.objects.count() == 0
    assert "dgx-h100" in get_catalog()
