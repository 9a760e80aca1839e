"""load_catalog: idempotent, reports what changed, rejects a broken file with file/item/field named."""

import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from catalog.datafiles import DATA_DIR, DataFileError, read_records
from catalog.loading import load_catalog
from catalog.models import CatalogItem
from catalog.source import get_catalog

GOOD = """
- slug: test-gpu
  kind: accelerator
  name: Test GPU
  vendor: Acme
  source: Acme datasheet rev 1
  confidence: V
  price: {list_usd: 25000, currency: USD, date: "2025-06", source: "Acme price list 2025", confidence: V}
  specs:
    memory_gb: 80
    memory_bandwidth_tb_s: 3.35
    bf16_dense_tflops: 989
    tdp_w: {value: 700, source: "Acme power guide", confidence: V-3p}
- slug: test-server
  kind: system
  name: Test server
  vendor: Acme
  source: Acme server guide
  confidence: M
  price: {list_usd: 250000, currency: EUR, date: "2025-01", source: "[M] estimate, 230,000 EUR at 1.087", confidence: M}
  specs:
    accelerator: test-gpu
    accelerators: 8
    u_height: 8
    power_max_w: 10200
    power_typical_w: 8000
    weight_kg: 130
    width_mm: 482
    depth_mm: 897
    height_mm: 356
"""


@pytest.fixture
def data_dir(tmp_path):
    (tmp_path / "items.yaml").write_text(GOOD)
    return tmp_path


def test_the_shipped_data_files_load(db):
    report = load_catalog()
    assert len(report.created) == len(read_records(DATA_DIR)) >= 60
    assert CatalogItem.objects.filter(slug="dgx-h100", kind="system").exists()


def test_loading_twice_changes_nothing_the_second_time(db, data_dir):
    first = load_catalog(data_dir)
    assert sorted(first.created) == ["test-gpu", "test-server"]
    stamp = CatalogItem.objects.catalog_stamp()
    second = load_catalog(data_dir)
    assert second.created == [] and second.updated == []
    assert sorted(second.unchanged) == ["test-gpu", "test-server"]
    assert CatalogItem.objects.catalog_stamp() == stamp


def test_a_changed_number_is_reported_as_updated(db, data_dir):
    load_catalog(data_dir)
    (data_dir / "items.yaml").write_text(GOOD.replace("power_max_w: 10200", "power_max_w: 10400"))
    report = load_catalog(data_dir)
    assert report.updated == ["test-server"]
    assert get_catalog().get("test-server").power_max_w == 10400


@pytest.mark.parametrize("broken, expected", [
    (GOOD.replace("memory_gb: 80", "memory_gb: -80"), r"items.yaml: item #1: item 'test-gpu', field 'specs.memory_gb': -80 GB is below"),
    (GOOD.replace("memory_gb: 80", "memory_gb: lots"), r"field 'specs.memory_gb': expected a number, found 'lots'"),
    (GOOD.replace("accelerator: test-gpu", "accelerator: no-such-gpu"), r"no accelerator 'no-such-gpu'"),
    (GOOD.replace("confidence: M", "confidence: maybe"), r"item 'test-server', field 'confidence'"),
    (GOOD.replace("    u_height: 8", "    u_hieght: 8"), r"unknown spec field\(s\) \['u_hieght'\]"),
    (GOOD.replace("kind: system", "kind: spaceship"), r"field 'kind': expected one of"),
    (GOOD + "\n  - : [", r"items.yaml: not valid YAML"),
    ("slug: just-a-mapping", r"expected a list of items"),
])
def test_a_broken_file_is_rejected_with_file_item_and_field_named(db, data_dir, broken, expected):
    (data_dir / "items.yaml").write_text(broken)
    with pytest.raises(DataFileError, match=expected):
        load_catalog(data_dir)


def test_nothing_is_half_loaded_when_one_file_is_bad(db, data_dir):
    (data_dir / "zz-bad.yaml").write_text(GOOD.replace("test-gpu", "other-gpu").replace("test-server", "other-server")
                                          .replace("weight_kg: 130", "weight_kg: 0"))
    with pytest.raises(DataFileError, match="zz-bad.yaml"):
        load_catalog(data_dir)
    assert CatalogItem.objects.count() == 0


def test_a_slug_defined_in_two_files_is_rejected(db, data_dir):
    shutil.copy(data_dir / "items.yaml", data_dir / "copy.yaml")
    with pytest.raises(DataFileError, match="already defined in copy.yaml"):
        load_catalog(data_dir)


def test_the_command_reports_counts_and_fails_cleanly(db, data_dir, capsys):
    call_command("load_catalog", "--data-dir", str(data_dir))
    assert "2 created, 0 updated, 0 unchanged" in capsys.readouterr().out
    call_command("load_catalog", "--data-dir", str(data_dir))
    assert "0 created, 0 updated, 2 unchanged" in capsys.readouterr().out
    (data_dir / "items.yaml").write_text(GOOD.replace("weight_kg: 130", "weight_kg: -1"))
    with pytest.raises(CommandError, match="weight_kg"):
        call_command("load_catalog", "--data-dir", str(data_dir))


def test_the_domain_catalog_follows_the_database_once_loaded(db, data_dir):
    load_catalog(data_dir)
    catalog = get_catalog()
    assert len(catalog) == 2
    assert catalog.get("test-gpu").source_of("tdp_w").confidence == "V-3p"
    assert catalog.get("test-gpu").source_of("memory_gb").source == "Acme datasheet rev 1"


def test_a_price_is_stored_in_the_database_and_comes_back_as_item_price(db, data_dir):
    load_catalog(data_dir)
    row = CatalogItem.objects.get(slug="test-server")
    assert (row.price_list_usd, row.price_currency, row.price_date, row.price_confidence) == (
        250000.0, "EUR", "2025-01", "M")
    price = get_catalog().get("test-server").price
    assert price.list_usd == 250000 and price.source == "[M] estimate, 230,000 EUR at 1.087"
    (data_dir / "items.yaml").write_text(GOOD.replace("list_usd: 250000", "list_usd: 260000"))
    assert load_catalog(data_dir).updated == ["test-server"]  # a new price is a change
    assert get_catalog().get("test-server").price.list_usd == 260000


def test_without_a_loaded_database_the_files_are_used(db):
    assert CatalogItem.objects.count() == 0
    assert "dgx-h100" in get_catalog()


def test_prune_removes_items_no_longer_in_the_files(db, data_dir):
    load_catalog(data_dir)
    (data_dir / "items.yaml").write_text(GOOD.split("- slug: test-server")[0])
    report = load_catalog(data_dir)
    assert report.not_in_files == ["test-server"] and CatalogItem.objects.count() == 2
    report = load_catalog(data_dir, prune=True)
    assert report.removed == ["test-server"] and CatalogItem.objects.count() == 1


def test_data_dir_is_inside_the_repository():
    assert DATA_DIR == Path(__file__).resolve().parent.parent / "catalog" / "data"


def test_a_process_trusts_its_catalog_for_the_recheck_interval_and_sees_its_own_saves_at_once(
        db, data_dir, settings, django_assert_num_queries, monkeypatch):
    """STUDIO_CATALOG_RECHECK_S: within it no query at all; a change made elsewhere (here a bare UPDATE,
    which sends no signal) shows once it has passed; a save through this process shows at once."""
    from catalog import source

    load_catalog(data_dir)
    settings.STUDIO_CATALOG_RECHECK_S = 60
    clock = [1000.0]
    monkeypatch.setattr(source.time, "monotonic", lambda: clock[0])
    source.forget()
    first = get_catalog()
    with django_assert_num_queries(0):
        assert get_catalog() is first
    from django.utils import timezone

    CatalogItem.objects.filter(slug="test-server").update(name="Renamed elsewhere", updated_at=timezone.now())
    clock[0] += 59
    assert get_catalog().get("test-server").name != "Renamed elsewhere"  # still trusted
    clock[0] += 2
    assert get_catalog().get("test-server").name == "Renamed elsewhere"  # rechecked: rebuilt
    item = CatalogItem.objects.get(slug="test-server")
    item.name = "Saved here"
    item.save()
    assert get_catalog().get("test-server").name == "Saved here"  # at once, within the interval
    source.forget()
