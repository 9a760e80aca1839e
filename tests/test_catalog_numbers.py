"""Catalog numbers you can defend: tags that do not claim more than their sources, supplies that carry their
system's maximum, and the corrected values of issue 8 (each with the source it was checked against)."""

from __future__ import annotations

import re

import pytest

from catalog.datafiles import read_records
from studio.domain.catalog import (
    Accelerator,
    Catalog,
    FacilityCooling,
    LlmModel,
    System,
    Transceiver,
    item_from_record,
)

RANK = {"M": 0, "V-3p": 1, "V": 2}
#: Words that mark a note as an estimate or as arithmetic; a V or V-3p tag may not rest on such a note.
NOT_READ = re.compile(r"\bestimate\b|background knowledge|\bassum|\bnot found\b", re.IGNORECASE)


@pytest.fixture(scope="module")
def records():
    return [{k: v for k, v in r.items() if not k.startswith("_")} for r in read_records()]


@pytest.fixture(scope="module")
def catalog(records):
    return Catalog.from_records(records)


def _numbers(record):
    """(name, raw) of the record's numeric specs; raw is the bare value or the {value, source, confidence} mapping."""
    for name, raw in record["specs"].items():
        value = raw["value"] if isinstance(raw, dict) else raw
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            yield name, raw


def test_every_v_tag_rests_on_a_source_that_was_read(records):
    bad = []
    for record in records:
        if record["confidence"] != "M" and (not record["source"].strip() or NOT_READ.search(record["source"])):
            bad.append(f"{record['slug']} (item)")
        for name, raw in _numbers(record):
            if isinstance(raw, dict) and raw.get("confidence", record["confidence"]) != "M":
                if not str(raw.get("source", "")).strip() or NOT_READ.search(raw["source"]):
                    bad.append(f"{record['slug']}.{name}")
        price = record.get("price")
        if price and price["confidence"] != "M" and NOT_READ.search(price["source"]):
            bad.append(f"{record['slug']}.price")
    assert not bad, f"V/V-3p tags on estimates or without a source: {bad}"


def test_an_item_level_tag_claims_no_more_than_its_numbers(records):
    """When every number of an item carries its own tag, the item's tag is at most the strongest of them."""
    bad = []
    for record in records:
        numbers = list(_numbers(record))
        if not numbers or any(not isinstance(raw, dict) for _, raw in numbers):
            continue  # a bare number inherits the item's tag, so the item's tag is a claim about it
        strongest = max(RANK[raw.get("confidence", record["confidence"])] for _, raw in numbers)
        if RANK[record["confidence"]] > strongest:
            bad.append(record["slug"])
    assert not bad, f"item-level tag stronger than every one of its numbers: {bad}"


def test_the_tag_check_catches_an_item_claiming_v_over_estimates():
    record = {"slug": "box", "kind": "storage", "name": "Box", "vendor": "Acme", "source": "Acme blog",
              "confidence": "V", "specs": {"read_gb_s": {"value": 90, "source": "estimate", "confidence": "M"}}}
    assert RANK[record["confidence"]] > max(RANK[raw["confidence"]] for _, raw in _numbers(record))


def test_psu_usable_power_reproduces_the_worked_example(catalog):
    dgx = catalog.get("dgx-h100", System)
    assert (dgx.psu_count, dgx.psu_redundant, dgx.psu_rating_w) == (6, 2, 3300)
    assert dgx.psu_usable_w == 13_200  # (6 - 2) x 3,300 W


def test_no_system_draws_more_than_its_supplies_deliver_with_redundancy_held(catalog):
    over = [(s.slug, s.power_max_w, s.psu_usable_w) for s in catalog.of_kind(System)
            if s.psu_rating_w and s.power_max_w > s.psu_usable_w]
    assert not over, f"max power above (PSUs - redundant) x rating: {over}"


def test_the_supply_check_catches_the_old_mi325x_figure():
    record = {"slug": "x", "kind": "system", "name": "X", "vendor": "AMD", "source": "s", "confidence": "M",
              "specs": {"power_max_w": 11500, "psu_count": 6, "psu_redundant": 3, "psu_rating_w": 3000}}
    system = item_from_record(record)
    assert system.power_max_w > system.psu_usable_w == 9000


#: The shipped systems whose supplies were read (issue 8); announced systems may not publish PSUs yet.
SHIPPED_SYSTEMS = ("dgx-a100 dgx-h100 dgx-h200 dgx-b200 dgx-b300 gb200-nvl72 gb300-nvl72 mi300x-oam8 mi325x-oam8 "
                   "mi355x-oam8 gaudi3-oam8 dell-xe9680-h100 dell-xe9680-mi300x dgx-spark").split()


def test_every_shipped_system_states_its_psu_rating(catalog):
    unrated = [slug for slug in SHIPPED_SYSTEMS if not catalog.get(slug, System).psu_rating_w]
    assert not unrated, f"systems without a sourced PSU rating: {unrated}"


@pytest.mark.parametrize("slug, kind, field_name, value, confidence", [
    # docs.habana.ai Network Configuration: 21 scale-up ports x 25 GB/s x 2 directions
    ("gaudi3", Accelerator, "scale_up_bandwidth_gb_s", 1050, "V"),
    # AS-8125GS-TNMR2: (6 - 3) x 3,000 W
    ("mi300x-oam8", System, "power_max_w", 9000, "M"),
    ("mi325x-oam8", System, "power_max_w", 9000, "M"),
    # Vertiv CoolChip data sheets SL-80005 / SL-80607
    ("cdu-1350kw", FacilityCooling, "weight_kg", 1086, "V-3p"),
    ("cdu-1350kw", FacilityCooling, "power_w", 20500, "V-3p"),
    ("cdu-2300kw", FacilityCooling, "weight_kg", 1793, "V-3p"),
    # NVIDIA MMS4X00-NS product specification: "Single Mode DR8 100m"
    ("osfp-800g-dr8", Transceiver, "reach_m", 100, "V"),
    # AS-4126GS-NMR-LCC: (4 - 2) x 6,600 W
    ("mi355x-oam8", System, "power_max_w", 13200, "M"),
    ("mi355x-oam8", System, "psu_rating_w", 6600, "V-3p"),
    # the liquid-cooled MI355X platform is 4U, not 8U
    ("mi355x-oam8", System, "u_height", 4, "V-3p"),
    # computed from config.json's shape
    ("llama-3.1-405b", LlmModel, "params_total_b", 405.85, "M"),
])
def test_the_values_issue_8_found_wrong_are_corrected_and_tagged(catalog, slug, kind, field_name, value, confidence):
    item = catalog.get(slug, kind)
    assert getattr(item, field_name) == value
    assert item.source_of(field_name).confidence == confidence


def test_llama_405b_parameters_follow_from_its_shape(catalog):
    m = catalog.get("llama-3.1-405b", LlmModel)
    per_layer = (m.hidden * m.heads * m.head_dim * 2 + 2 * m.hidden * m.kv_heads * m.head_dim  # q, o, k, v
                 + 3 * m.hidden * m.ffn + 2 * m.hidden)  # gated MLP, two norms
    total = 2 * m.vocab * m.hidden + m.layers * per_layer + m.hidden  # untied embeddings, final norm
    assert total == 405_853_388_800
    assert m.params_total_b == round(total / 1e9, 2)
    assert "405,853,388,800" in m.source_of("params_total_b").source


def test_the_dgx_h100_typical_power_no_longer_cites_dgx_a100_figures(catalog):
    source = catalog.get("dgx-h100", System).source_of("power_typical_w").source
    assert "supercluster.blog's 6.5-8.5 kW range is no longer used" in source
    assert "0.73 x 10,200 = 7,446 W" in source
