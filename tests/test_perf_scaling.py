"""Scaling path: SU by SU, walls, inverse sizing; presets; design estimation with progress."""

from __future__ import annotations

import pytest

from studio.domain.design import Fabric, Site, SiteCooling, Workload
from studio.domain.perf import PRESETS, EstimateError, preset_workload, scaling_path, smallest_build
from tests.test_perf_fixtures import small_catalog

CAT = small_catalog()
CHAT = preset_workload("chat", "llama-2-70b")
SITE = Site(width_m=40, depth_m=30, it_power_kw=1000, pue=1.25, facility_power_kw=1300,
            cooling=SiteCooling(air_kw=1200, liquid_kw=0))


def test_each_step_adds_one_scalable_unit_of_32_systems():
    path = scaling_path("dgx", CHAT, CAT, fabric=Fabric("qm9700"), max_gpus=4 * 256)
    assert [s.gpus for s in path.steps] == [256, 512, 768, 1024]
    assert path.su_systems == 32
    assert path.steps[1].tokens_per_s == pytest.approx(2 * path.steps[0].tokens_per_s)
    assert [(s.leaf, s.spine) for s in path.steps] == [(8, 4), (16, 8), (24, 16), (32, 16)]


def test_the_first_binding_wall_is_named():
    path = scaling_path("dgx", CHAT, CAT, site=SITE, fabric=Fabric("qm9700"))
    assert path.first_wall == "site power exhausted"
    step = path.steps[path.first_wall_step]
    assert step.it_power_kw > SITE.it_power_kw
    assert path.steps[path.first_wall_step - 1].it_power_kw <= SITE.it_power_kw


def test_a_new_fabric_tier_is_reported_as_a_wall():
    path = scaling_path("dgx", CHAT, CAT, fabric=Fabric("qm9700"), max_gpus=3000)
    assert ("new fabric tier", 8) in path.walls  # 9 SUs = 2,304 endpoints > 2,048


def test_liquid_cooled_systems_hit_the_cooling_wall_on_an_air_only_site():
    cat = CAT  # the small catalog's DGX is air-cooled: no liquid wall
    path = scaling_path("dgx", CHAT, cat, site=SITE, max_gpus=512)
    assert "site cooling exhausted" not in [w for w, _ in path.walls]


def test_smallest_build_reaching_a_throughput_target():
    step = smallest_build("dgx", CHAT, CAT, target_tokens_per_s=1e6, max_gpus=100_000)
    one_su = scaling_path("dgx", CHAT, CAT, max_gpus=256).steps[0]
    assert step.tokens_per_s >= 1e6
    assert step.tokens_per_s - one_su.tokens_per_s < 1e6


def test_smallest_build_needs_a_target():
    with pytest.raises(EstimateError):
        smallest_build("dgx", CHAT, CAT)


def test_training_scaling_path_reports_time_to_train_and_progress():
    seen = []
    w = preset_workload("pretraining", "llama-2-70b", sequence_length=4096)
    path = scaling_path("dgx", w, CAT, max_gpus=1024, progress=lambda d, t, m: seen.append((d, t)))
    assert seen[-1] == (4, 4)
    times = [s.time_to_train_s for s in path.steps]
    assert times == sorted(times, reverse=True)


def test_every_preset_is_a_complete_workload():
    for preset in PRESETS.values():
        w = preset.workload
        assert w.kind in ("inference", "training") and w.precision
        if w.kind == "inference":
            assert w.input_tokens and w.output_tokens and w.scenario
        else:
            assert w.sequence_length and w.global_batch_sequences


def test_scaling_a_100000_gpu_factory_runs():
    w = Workload(kind="training", model="llama-2-70b", precision="bf16", sequence_length=4096,
                 global_batch_sequences=4096)
    path = scaling_path("dgx", w, CAT, fabric=Fabric("qm9700"), max_gpus=100_000)
    assert path.steps[-1].gpus >= 100_000
    assert path.steps[-1].fabric_tiers == 4


def nvl72_design(n_racks, it_power_kw):
    from tests.test_rules_support import make_design, rack
    site = {"width_m": 60, "depth_m": 60, "it_power_kw": it_power_kw, "facility_power_kw": 0,
            "cooling": {"air_kw": 0, "liquid_kw": 0}}
    racks = [rack(f"G{i:02d}", model="gb200-nvl72", cooling="dlc", pdus=[], x=2 + i, y=2) for i in range(n_racks)]
    return make_design(racks, site=site)


def test_the_design_path_fills_the_site_on_maximum_power_80_nvl72_in_10_mw():
    from studio.domain.perf.design_scaling import design_scaling_path
    from tests.test_rules_support import small_catalog
    path = design_scaling_path(nvl72_design(1, 10_000), small_catalog())
    fits = [s for s in path.steps if "site power exhausted" not in s.walls and s.it_power_kw <= 10_000]
    assert max(s.compute_racks for s in fits) <= 80  # 80 × 125 kW = 10 MW; typical power would squeeze in 100
    wall = path.steps[path.first_wall_step]
    assert path.first_wall == "site power exhausted" and wall.compute_racks > 80 and wall.it_power_kw > 10_000
    assert wall.it_power_typical_kw == pytest.approx(wall.compute_racks * 100)  # typical shown beside it


def test_the_design_path_counts_the_switches_the_fabric_needs():
    from studio.domain.perf.design_scaling import design_scaling_path
    from tests.test_rules_support import dgx_stack, make_design, rack, small_catalog
    catalog = small_catalog()
    racks = [rack(f"C{i:02d}", x=2 + i, y=5, devices=dgx_stack(4)) for i in range(8)]
    design = make_design(racks, fabrics={"compute": {"model": "quantum-2-ndr"}})
    path = design_scaling_path(design, catalog, max_gpus=512)
    own = next(s for s in path.steps if s.gpus == 256)
    assert own.it_power_kw == pytest.approx(8 * 40.8 + 12 * 1.7)  # the 12 unplaced switches of 8 leaf + 4 spine
    assert (own.leaf, own.spine) == (8, 4)


def test_a_what_if_rack_holds_what_the_designs_own_rack_power_allows():
    from studio.domain.perf.design_scaling import rack_power_budget_w
    from studio.domain.perf.scaling import systems_per_rack
    from tests.test_rules_support import dgx_stack, make_design, rack, small_catalog
    catalog = small_catalog()
    pdus = [("pdu-415v-60a-3ph", f) for f in ("A", "A", "B", "B")]
    design = make_design([rack(devices=dgx_stack(4), pdus=pdus)])
    budget = rack_power_budget_w(design, catalog)
    assert budget == pytest.approx(2 * catalog.get("pdu-415v-60a-3ph").usable_power_w)  # one feed carries it
    assert systems_per_rack(catalog.get("dgx-b200"), budget) == 4  # 14.3 kW each, 40 U / 10 U = 4
    assert systems_per_rack(catalog.get("dgx-b200")) == 3  # without a design: 45 kW → 3
