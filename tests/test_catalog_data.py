"""The version-controlled catalog data files under catalog/data/: contract slugs, sources, worked numbers.

Pure Python (no database): the records are read with ``catalog.datafiles.read_records`` and built
into the domain catalog with ``studio.domain.catalog``.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from pathlib import Path

import pytest

from catalog.datafiles import read_records
from studio.domain.catalog import (
    CONFIDENCES,
    Accelerator,
    Catalog,
    LlmModel,
    Pdu,
    Rack,
    RackCooling,
    Switch,
    System,
)

CONTRACT_SLUGS = {
    "system": "dgx-a100 dgx-h100 dgx-h200 dgx-b200 dgx-b300 gb200-nvl72 gb300-nvl72 mi300x-oam8 "
              "mi325x-oam8 mi355x-oam8 gaudi3-oam8",
    "switch": "quantum-2-ndr quantum-x800-xdr spectrum-x-800g",
    "model": "llama-2-7b llama-2-70b llama-3.1-8b llama-3.1-70b llama-3.1-405b mixtral-8x7b gpt-3-175b deepseek-v3",
    "storage": "ddn-ai400x2t",
    "rack": "rack-42u-600x1200 rack-48u-600x1200",
    "pdu": "pdu-208v-60a-3ph pdu-415v-32a-3ph pdu-415v-60a-3ph",
    "rack-cooling": "air rdhx-passive rdhx-active dlc immersion",
    "facility-cooling": "cdu-1350kw",
}

# Numbers the power/energy rules and the estimator rely on; a system must state each one itself
# (a silent dataclass default would be an unsourced number).
SYSTEM_FIELDS_REQUIRED = (
    "accelerator", "accelerators", "scale_up_domain", "u_height", "power_max_w", "power_typical_w",
    "weight_kg", "width_mm", "depth_mm", "height_mm", "cooling", "liquid_heat_fraction",
    "compute_ports", "compute_port_gbps", "psu_count", "psu_redundant",
)
RACK_SCALE_FIELDS_REQUIRED = ("rack_u", "rack_power_capacity_w", "rack_max_load_kg")


@pytest.fixture(scope="module")
def records():
    return read_records()


@pytest.fixture(scope="module")
def catalog(records):
    return Catalog.from_records({k: v for k, v in r.items() if not k.startswith("_")} for r in records)


def test_every_contract_slug_exists_with_the_right_kind(catalog):
    for kind, slugs in CONTRACT_SLUGS.items():
        for slug in slugs.split():
            assert slug in catalog, f"contract slug {slug!r} missing"
            assert catalog.get(slug).kind == kind, f"{slug} should be a {kind}"


def test_the_example_design_file_only_names_catalog_items(catalog):
    # ARCHITECTURE.md, design file ai-factory-design/1 example
    for slug in ("rack-48u-600x1200", "rdhx-active", "pdu-415v-60a-3ph", "dgx-h100", "quantum-2-ndr",
                 "ddn-ai400x2t", "cdu-1350kw", "llama-3.1-70b"):
        assert slug in catalog


def test_the_catalog_has_at_least_sixty_items_across_every_kind(records):
    assert len(records) >= 60
    kinds = Counter(r["kind"] for r in records)
    for kind in ("accelerator", "system", "switch", "nic", "transceiver", "storage", "rack", "pdu",
                 "rack-cooling", "facility-cooling", "model"):
        assert kinds[kind] >= 1, f"no {kind} items"


def test_every_item_and_every_sourced_field_has_a_source_and_a_valid_confidence(records):
    for record in records:
        slug = record["slug"]
        assert record["source"].strip(), slug
        assert record["confidence"] in CONFIDENCES, slug
        for name, raw in record["specs"].items():
            if isinstance(raw, dict):
                assert str(raw.get("source", "")).strip(), f"{slug}.{name} has an empty source"
                assert raw.get("confidence") in CONFIDENCES, f"{slug}.{name} needs V, V-3p or M"


def test_every_number_can_be_traced_through_source_of(catalog):
    for item in catalog:
        for name in item.field_sources:
            where = item.source_of(name)
            assert where.source and where.confidence in CONFIDENCES


def test_every_system_states_the_numbers_the_rules_rely_on(records):
    for record in records:
        if record["kind"] != "system":
            continue
        missing = [f for f in SYSTEM_FIELDS_REQUIRED if f not in record["specs"]]
        assert not missing, f"{record['slug']} lacks {missing}"
        if record["specs"]["form_factor"] == "rack-scale":
            missing = [f for f in RACK_SCALE_FIELDS_REQUIRED if f not in record["specs"]]
            assert not missing, f"{record['slug']} lacks {missing}"


def test_every_system_names_an_accelerator_that_exists(catalog):
    for system in catalog.of_kind(System):
        assert system.accelerator, system.slug
        accelerator = catalog.accelerator_of(system)
        assert isinstance(accelerator, Accelerator)
        assert system.accelerators >= 1
        assert system.power_typical_w <= system.power_max_w, system.slug


def test_pdu_415v_60a_three_phase_gives_34_5_kw_usable(catalog):
    # √3 × 415 V × 60 A × PF 1.0 × 0.8 = 34,502 W
    pdu = catalog.get("pdu-415v-60a-3ph", Pdu)
    assert pdu.usable_power_w == pytest.approx(math.sqrt(3) * 415 * 60 * 0.8)
    assert pdu.usable_power_w == pytest.approx(34_502, abs=1)


def test_north_american_pdus_match_the_hp_branch_circuit_table(catalog):
    # HP "Power basics for IT professionals" Table 4: 208 V 3φ 60 A → 17,292 VA; 30 A → 8,646 VA
    assert catalog.get("pdu-208v-60a-3ph", Pdu).usable_power_w == pytest.approx(17_292, abs=2)
    assert catalog.get("pdu-208v-30a-3ph", Pdu).usable_power_w == pytest.approx(8_646, abs=2)
    # 230 V 1φ 32 A: 230 × 32 × 0.8 = 5,888 W
    assert catalog.get("pdu-230v-32a-1ph", Pdu).usable_power_w == pytest.approx(5_888)


def test_dgx_h100_is_10_2_kw_with_eight_h100(catalog):
    dgx = catalog.get("dgx-h100", System)
    assert dgx.power_max_w == 10_200
    assert dgx.accelerators == 8 and dgx.accelerator == "h100-sxm"
    assert dgx.u_height == 8 and dgx.weight_kg == pytest.approx(130.45)
    assert dgx.compute_ports == 8 and dgx.compute_port_gbps == 400
    assert 6_500 <= dgx.power_typical_w <= 8_500  # supercluster.blog typical range


def test_dgx_power_maxima_match_the_user_guides(catalog):
    expected = {"dgx-a100": 6_500, "dgx-h100": 10_200, "dgx-h200": 10_200, "dgx-b200": 14_300, "dgx-b300": 15_000}
    for slug, watts in expected.items():
        assert catalog.get(slug, System).power_max_w == watts, slug


def test_dgx_b200_typical_power_is_the_mlperf_measured_wall_draw(catalog):
    dgx = catalog.get("dgx-b200", System)
    assert dgx.power_typical_w == 10_446
    assert dgx.source_of("power_typical_w").confidence == "V"


def test_llama_3_1_70b_uses_gqa_with_eight_kv_heads(catalog):
    model = catalog.get("llama-3.1-70b", LlmModel)
    assert model.kv_heads == 8 and model.attention == "gqa"
    # KV cache per token in bf16: 2 × L × kv_heads × head_dim × 2 B = 320 KiB (performance.md §1.1)
    assert 2 * model.layers * model.kv_heads * model.head_dim * 2 == 320 * 1024


def test_deepseek_v3_mla_cache_is_about_70_kb_per_token(catalog):
    model = catalog.get("deepseek-v3", LlmModel)
    assert model.attention == "mla" and model.is_moe
    kv_bytes = model.layers * (model.kv_lora_rank + model.rope_dim) * 2
    assert kv_bytes / 1024 == pytest.approx(68.6, abs=0.1)
    assert (model.experts, model.experts_active, model.shared_experts, model.dense_layers) == (256, 8, 1, 3)


def test_moe_models_activate_fewer_parameters_than_they_hold(catalog):
    for model in catalog.of_kind(LlmModel):
        if model.is_moe:
            assert model.params_active_b < model.params_total_b, model.slug
            assert 0 < model.experts_active <= model.experts
        else:
            assert model.params_active_b == model.params_total_b, model.slug


def test_gb200_nvl72_is_a_rack_scale_system_with_72_gpus(catalog):
    rack = catalog.get("gb200-nvl72", System)
    assert rack.is_rack_scale
    assert rack.accelerators == 72 and rack.scale_up_domain == 72 and rack.compute_ports == 72
    assert rack.cooling == "hybrid" and rack.liquid_heat_fraction == pytest.approx(0.85)
    assert rack.weight_kg == pytest.approx(1_360)  # 3,000 lb, not 3,000 kg
    assert catalog.get("gb300-nvl72", System).liquid_heat_fraction == pytest.approx(0.9)


def test_rack_scale_systems_fit_their_own_power_shelves_and_rating(catalog):
    for system in catalog.of_kind(System):
        if system.is_rack_scale:
            assert system.rack_u >= 42
            assert system.power_max_w <= system.rack_power_capacity_w, system.slug
            assert system.weight_kg <= system.rack_max_load_kg, system.slug


def test_scale_up_domain_is_eight_for_hgx_and_oam_servers(catalog):
    for slug in ("dgx-a100", "dgx-h100", "dgx-h200", "dgx-b200", "dgx-b300", "mi300x-oam8", "mi325x-oam8",
                 "mi355x-oam8", "gaudi3-oam8"):
        assert catalog.get(slug, System).scale_up_domain == 8, slug


def test_accelerator_flops_are_dense_not_sparse_marketing_figures(catalog):
    for acc in catalog.of_kind(Accelerator):
        if acc.fp8_dense_tflops:
            assert acc.fp8_dense_tflops <= 2.01 * acc.bf16_dense_tflops, acc.slug
    assert catalog.get("h100-sxm", Accelerator).bf16_dense_tflops == pytest.approx(989.4)
    # "H200 dense BF16 1.97 PF" is a sparse figure seen in circulation (hardware.md: do not import)
    assert catalog.get("h200-sxm", Accelerator).bf16_dense_tflops < 1_000
    assert catalog.get("b200", Accelerator).fp8_dense_tflops == 4_500


def test_numbers_listed_as_wrong_in_hardware_md_are_not_imported(catalog):
    dgx_h100 = catalog.get("dgx-h100", System)
    assert dgx_h100.u_height != 4 and dgx_h100.psu_count != 4 and dgx_h100.weight_kg != pytest.approx(123.2)
    assert catalog.get("gb200-nvl72", System).weight_kg < 2_000
    assert catalog.get("b300", Accelerator).memory_gb > 180  # the RA's "1,440 GB" is the B200 figure


def test_fabric_switches_have_the_contract_radix_and_speed(catalog):
    expected = {"quantum-2-ndr": (64, 400, "infiniband"), "quantum-x800-xdr": (144, 800, "infiniband"),
                "spectrum-x-800g": (64, 800, "ethernet")}
    for slug, (ports, gbps, protocol) in expected.items():
        switch = catalog.get(slug, Switch)
        assert (switch.ports, switch.port_speed_gbps, switch.protocol) == (ports, gbps, protocol), slug


def test_rack_cooling_methods_rise_in_air_capacity_and_doors_move_heat_to_liquid(catalog):
    air, passive, active = (catalog.get(s, RackCooling) for s in ("air", "rdhx-passive", "rdhx-active"))
    assert air.max_air_heat_kw < passive.max_air_heat_kw < active.max_air_heat_kw
    assert not air.to_liquid and passive.to_liquid and active.to_liquid
    assert passive.weight_kg == pytest.approx(35.6)  # IBM RDHx, filled
    dlc = catalog.get("dlc", RackCooling)
    # a GB300 NVL72's liquid share fits a DLC rack, its residual air share fits the air allowance
    gb300 = catalog.get("gb300-nvl72", System)
    assert gb300.power_max_w * gb300.liquid_heat_fraction / 1000 <= dlc.max_liquid_heat_kw
    assert gb300.power_max_w * (1 - gb300.liquid_heat_fraction) / 1000 <= dlc.max_air_heat_kw


def test_racks_have_room_for_the_standard_ai_footprint(catalog):
    for slug in ("rack-42u-600x1200", "rack-48u-600x1200"):
        rack = catalog.get(slug, Rack)
        assert (rack.width_mm, rack.depth_mm) == (600, 1200)
        assert rack.max_load_kg > rack.weight_kg
    # four DGX B200 (142.4 kg each) fit the 48U cabinet's load rating
    assert 4 * catalog.get("dgx-b200", System).weight_kg < catalog.get("rack-48u-600x1200", Rack).max_load_kg


def _calibration_file() -> Path | None:
    here = Path(__file__).resolve()
    for candidate in (here.parents[1] / "bench" / "data" / "calibration.json",  # the copy kept in the repository
                      here.parents[2] / "shared" / "reference" / "calibration.json"):
        if candidate.exists():
            return candidate
    return None


def test_every_system_and_model_in_the_calibration_cases_is_in_the_catalog(catalog):
    path = _calibration_file()
    if path is None:
        pytest.skip("calibration.json not found beside the checkout")
    cases = json.loads(path.read_text(encoding="utf-8"))["cases"]
    for case in cases:
        cluster, workload = case.get("cluster", {}), case.get("workload", {})
        if "system" in cluster:
            assert cluster["system"] in catalog, f"{case['id']}: {cluster['system']}"
        if "fabric" in cluster:
            assert cluster["fabric"] in catalog, f"{case['id']}: {cluster['fabric']}"
        if "model" in workload:
            assert workload["model"] in catalog, f"{case['id']}: {workload['model']}"
