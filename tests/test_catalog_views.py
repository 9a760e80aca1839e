"""The catalog pages: sign-in required, htmx filtering by kind, vendor and text, sourced detail view."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_it_requires_sign_in(client, loaded_catalog):
    response = client.get(reverse("catalog_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_list_shows_every_item(owner_client, loaded_catalog):
    response = owner_client.get(reverse("catalog_list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="catalog-filters"' in html
    assert f"{len(loaded_catalog.created)} items" in html
    assert "dgx-h100" in html and "quantum-2-ndr" in html


def test_an_htmx_request_returns_only_the_results_fragment(owner_client, loaded_catalog):
    response = owner_client.get(reverse("catalog_list"), {"kind": "switch"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="catalog-results"')
    assert "<html" not in html
    assert "quantum-2-ndr" in html and "dgx-h100" not in html


def test_filters_combine_kind_vendor_and_text(owner_client, loaded_catalog):
    response = owner_client.get(reverse("catalog_list"), {"kind": "system", "vendor": "NVIDIA", "q": "b200"})
    html = response.content.decode()
    assert "dgx-b200" in html
    assert "dgx-h100" not in html and "mi300x-oam8" not in html


def test_no_match_says_so(owner_client, loaded_catalog):
    response = owner_client.get(reverse("catalog_list"), {"q": "no-such-thing-xyz"}, HTTP_HX_REQUEST="true")
    assert "No items match these filters." in response.content.decode()


def test_the_detail_view_shows_each_number_with_its_source(owner_client, loaded_catalog):
    response = owner_client.get(reverse("catalog_detail", args=["dgx-h100"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Max power" in html and "10200" in html
    assert "User Guide" in html  # the DGX H100 user guide is the main source
    assert 'class="badge badge-conf badge-conf-V' in html


def test_the_detail_view_shows_the_list_price_with_its_date_source_and_tag(owner_client, loaded_catalog):
    html = owner_client.get(reverse("catalog_detail", args=["dgx-spark"])).content.decode()
    price = html.split('id="price"')[1].split('id="spec-table"')[0]
    assert "List price" in price and "3,999 USD" in price and "2025-10" in price
    assert "Founders Edition" in price  # the price's own source
    assert 'badge-conf-V-3p' in price


def test_the_list_shows_each_list_price_and_marks_estimates(owner_client, loaded_catalog):
    html = owner_client.get(reverse("catalog_list"), {"q": "dgx-spark"}).content.decode()
    assert "List price" in html and "3,999 USD" in html
    html = owner_client.get(reverse("catalog_list"), {"q": "cdu-1350kw"}).content.decode()
    assert "270,000 USD" in html and "est." in html


def test_a_model_page_says_a_model_is_not_bought(owner_client, loaded_catalog):
    html = owner_client.get(reverse("catalog_detail", args=["llama-3.1-70b"])).content.decode()
    assert "A model is not bought: no list price." in html


def test_an_unknown_item_is_404(owner_client, loaded_catalog):
    assert owner_client.get(reverse("catalog_detail", args=["no-such-item"])).status_code == 404


def test_the_admin_rejects_a_malformed_item(client, loaded_catalog, django_user_model):
    admin = django_user_model.objects.create_superuser("boss", "b@example.com", "pw-123456789")
    client.force_login(admin)
    response = client.post(reverse("admin:catalog_catalogitem_add"), {
        "slug": "bad-gpu", "kind": "accelerator", "name": "Bad", "vendor": "X", "source": "s",
        "confidence": "V", "specs": '{"memory_gb": -5}', "description": ""})
    assert response.status_code == 200
    assert "memory_gb" in response.content.decode()
    from catalog.models import CatalogItem
    assert not CatalogItem.objects.filter(slug="bad-gpu").exists()
