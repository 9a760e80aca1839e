"""List prices in the catalog: every purchasable item has one, with a source; a model has none."""

from __future__ import annotations

import copy

import pytest

from catalog.datafiles import DataFileError, read_records
from studio.domain.catalog import (
    CONFIDENCES,
    UNPRICED_KINDS,
    CatalogError,
    Price,
    item_from_record,
    require_price,
)

RACK = {
    "slug": "rack-x", "kind": "rack", "name": "Rack X", "vendor": "Acme", "source": "Acme sheet", "confidence": "V",
    "price": {"list_usd": 1900, "currency": "USD", "date": "2025-06", "source": "[M] estimate", "confidence": "M"},
    "specs": {"u_height": 42},
}
MODEL = {"slug": "m", "kind": "model", "name": "M", "vendor": "Acme", "source": "config.json", "confidence": "V",
         "specs": {"layers": 2}}


@pytest.fixture(scope="module")
def records():
    return read_records()


def test_every_purchasable_item_in_the_data_files_has_a_sourced_list_price(records):
    for record in records:
        item = item_from_record({k: v for k, v in record.items() if not k.startswith("_")})
        if item.kind in UNPRICED_KINDS:
            assert item.price is None, f"{item.slug}: a model is not bought"
            continue
        assert isinstance(item.price, Price), f"{item.slug} has no list price"
        assert item.price.list_usd >= 0 and item.price.currency == "USD"
        assert item.price.source.strip() and item.price.confidence in CONFIDENCES, item.slug


def test_an_estimated_price_says_so_in_its_source(records):
    for record in records:
        price = record.get("price")
        if price and price["confidence"] == "M":
            assert "[M]" in price["source"], f"{record['slug']}: an M price must say it is an estimate"


def test_the_prices_that_left_perf_cost_live_in_the_catalog(records):
    by_slug = {r["slug"]: r for r in records}
    # the figures of the former SYSTEM_PRICE_USD table in studio/domain/perf/cost.py [M]
    assert by_slug["dgx-h100"]["price"]["list_usd"] == 300_000
    assert by_slug["gb200-nvl72"]["price"]["list_usd"] == 3_300_000
    assert by_slug["gaudi3-oam8"]["price"]["list_usd"] == 160_000
    # a desk-side test bed no longer falls back to a 55 k$ default: $3,999 Founders Edition
    assert by_slug["dgx-spark"]["price"]["list_usd"] == 3_999


def test_a_price_is_read_into_item_price():
    item = item_from_record(RACK)
    assert item.price == Price(list_usd=1900.0, currency="USD", date="2025-06", source="[M] estimate",
                               confidence="M")


@pytest.mark.parametrize("change, message", [
    ({"list_usd": -1}, r"price.list_usd': expected a number of US dollars >= 0"),
    ({"list_usd": "cheap"}, r"price.list_usd"),
    ({"currency": "usd"}, r"price.currency': expected an ISO 4217 code"),
    ({"date": "2025-13"}, r"price.date': expected the month as 'YYYY-MM'"),
    ({"date": "June 2025"}, r"price.date"),
    ({"source": " "}, r"price.source': expected non-empty text"),
    ({"confidence": "sure"}, r"price.confidence': expected one of"),
])
def test_a_malformed_price_is_refused_naming_the_item_and_the_part(change, message):
    record = copy.deepcopy(RACK)
    record["price"].update(change)
    with pytest.raises(CatalogError, match=message) as info:
        item_from_record(record)
    assert info.value.slug == "rack-x" and info.value.field_name == "price"


def test_a_price_with_missing_or_extra_parts_is_refused():
    record = copy.deepcopy(RACK)
    del record["price"]["date"]
    with pytest.raises(CatalogError, match=r"expected exactly \['list_usd', 'currency', 'date', 'source', 'conf"):
        item_from_record(record)


def test_a_model_cannot_carry_a_price():
    with pytest.raises(CatalogError, match="a model is not bought"):
        item_from_record({**MODEL, "price": RACK["price"]})
    require_price(item_from_record(MODEL))  # and needs none


def test_a_purchasable_item_without_a_price_is_refused_by_require_price():
    item = item_from_record({k: v for k, v in RACK.items() if k != "price"})
    assert item.price is None  # in-memory test fixtures may omit it ...
    with pytest.raises(CatalogError, match="item 'rack-x': missing 'price'"):
        require_price(item)  # ... the data files and the admin may not


def test_a_data_file_item_without_a_price_is_rejected_with_file_and_item_named(tmp_path):
    (tmp_path / "racks.yaml").write_text(
        "- slug: rack-x\n  kind: rack\n  name: Rack X\n  vendor: Acme\n  source: Acme sheet\n  confidence: V\n"
        "  specs: {u_height: 42}\n")
    with pytest.raises(DataFileError, match=r"racks.yaml: item #1: item 'rack-x': missing 'price'"):
        read_records(tmp_path)
