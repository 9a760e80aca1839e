"""Serving layouts, deployments from config, collectives across nodes, queueing and MTP: worked examples."""

from __future__ import annotations

import math

import pytest

from catalog.datafiles import file_catalog
from studio.domain.perf import EstimateError
from studio.domain.perf import models as M
from studio.domain.perf.collectives import group_all_reduce_s, group_all_to_all_s, kv_transfer_s
from studio.domain.perf.hardware import hardware_of
from studio.domain.perf.layouts import (
    Deployment,
    Layout,
    candidate_layouts,
    config_label,
    deployment_from_config,
    resize,
)
from studio.domain.perf.queueing import (
    arrivals_to_fill,
    benchmark_run_share,
    cycle_wait_s,
    mean_wait_s,
    quantile_wait_s,
    round_wait_iters,
)
from studio.domain.perf.serving import ep_imbalance
from studio.domain.perf.specdec import SPEC_DEFAULTS, acceptance_for_length, spec_for

CAT = file_catalog()
H100 = hardware_of(CAT.get("dgx-h100"), CAT.get("h100-sxm"))


def model(slug):
    return CAT.get(slug)


def test_all_reduce_across_two_h100_nodes_matches_worked_example():
    # (2 × 7/8 × 1 MB / 315 GB/s + 2 × 8 µs) + (2 × 1/2 × 125 kB / 42.5 GB/s + 2 × 20 µs) = 64.5 µs
    expected = (2 * 7 / 8 * 1e6 / 315e9 + 16e-6) + (2 * 0.5 * 125e3 / 42.5e9 + 40e-6)
    assert group_all_reduce_s(1e6, 16, H100) == pytest.approx(expected)
    assert group_all_reduce_s(1e6, 16, H100) == pytest.approx(64.5e-6, rel=0.01)


def test_tensor_parallel_across_nodes_costs_more_than_inside_one():
    assert group_all_reduce_s(1e6, 16, H100) > 2 * group_all_reduce_s(1e6, 8, H100)


def test_all_to_all_over_ep16_on_h100_is_bound_by_the_nics():
    # max(7/16 MB / 315 GB/s + 8 µs, 8/16 MB / 42.5 GB/s + 20 µs) = 31.8 µs
    assert group_all_to_all_s(1e6, 16, H100) == pytest.approx(0.5e6 / 42.5e9 + 20e-6)
    assert group_all_to_all_s(1e6, 16, H100) == pytest.approx(31.8e-6, rel=0.01)


def test_kv_transfer_of_an_8k_deepseek_prompt_matches_worked_example():
    size = M.kv_bytes_per_sequence(model("deepseek-r1"), "fp8", 8192)
    assert size == pytest.approx(287.8e6, rel=0.001)
    assert kv_transfer_s(size, 8, False, H100) == pytest.approx(size / (8 * 42.5e9) + 20e-6)
    assert kv_transfer_s(size, 8, False, H100) == pytest.approx(0.867e-3, rel=0.01)


def test_sliding_window_layers_stop_their_kv_cache_at_the_window():
    gpt = model("gpt-oss-120b")
    assert M.attended_context(gpt, 2000) == pytest.approx((18 * 2000 + 18 * 128) / 36)
    assert M.kv_bytes_per_sequence(gpt, "fp8", 2000) == pytest.approx(39.2e6, rel=0.001)
    assert M.attended_context(model("llama-3.3-70b"), 2000) == 2000


def test_experts_published_in_mxfp4_stay_4_bit_under_fp8_and_fp4_serving():
    # gpt-oss-120b: 36 layers x 128 experts x 3 x 2,880 x 2,880 = 114.66 B params; MXFP4 stays 0.5625 B/param
    gpt = model("gpt-oss-120b")
    params = 36 * 128 * 3 * 2880 * 2880
    assert M.routed_expert_params(gpt) == pytest.approx(params)
    assert M.expert_weight_bytes(gpt, "fp4") == pytest.approx(params * 0.5625)
    assert M.expert_weight_bytes(gpt, "fp8") == M.expert_weight_bytes(gpt, "fp4")  # no FP8 copy: dequantised in the GEMM
    assert M.expert_weight_bytes(gpt, "bf16") == pytest.approx(params * 2)  # BF16 serving is an upcast copy
    # DeepSeek-R1 is published in FP8: FP8 serving reads 1 B per expert weight, NVFP4 0.5625
    assert M.expert_weight_bytes(model("deepseek-r1"), "fp8") == pytest.approx(M.routed_expert_params(model("deepseek-r1")))
    # the whole model, MXFP4 experts + BF16-size rest at FP8: under the 80 GB of one H100 (the model card's claim)
    assert M.weight_bytes(gpt, "fp8") < 70e9


def test_routed_expert_flops_of_deepseek_match_worked_example():
    assert M.routed_flops_per_token(model("deepseek-r1")) == pytest.approx(2 * 58 * 8 * 3 * 7168 * 2048)
    assert M.routed_flops_per_token(model("deepseek-r1")) == pytest.approx(40.9e9, rel=0.001)
    assert M.routed_flops_per_token(model("llama-3.3-70b")) == 0


def test_new_models_have_their_published_totals():
    for slug, total in (("deepseek-r1", 671), ("gpt-oss-120b", 116.83), ("gpt-oss-20b", 20.91),
                        ("qwen3-235b-a22b", 235), ("kimi-k2", 1026), ("llama-4-maverick", 400)):
        m = model(slug)
        assert m.params_total_b == total
        assert M.routed_expert_params(m) < M.total_params(m)


def test_expert_load_imbalance_matches_worked_example():
    assert ep_imbalance(64, 16) == pytest.approx((1 + math.sqrt(2 * math.log(16) / 64)) * 1.1)
    assert ep_imbalance(64, 16) == pytest.approx(1.42, abs=0.005)
    assert ep_imbalance(64, 1) == 1.0
    assert ep_imbalance(1e6, 16) < ep_imbalance(10, 16)


def test_md1_wait_matches_worked_examples():
    assert mean_wait_s(0.5, 0.1) == pytest.approx(0.05)
    assert quantile_wait_s(0.5, 0.1, 0.5) == 0
    assert quantile_wait_s(0.5, 0.1, 0.99) == pytest.approx(0.1 * math.log(50))
    assert quantile_wait_s(0.0, 0.1, 0.99) == 0


def test_waiting_out_an_iteration_matches_worked_examples():
    assert cycle_wait_s(0.8, 0.4) == pytest.approx(0.16)
    assert cycle_wait_s(0.8, 0.4, 0.5) == pytest.approx(0.15)
    assert cycle_wait_s(0.8, 0.4, 0.99) == pytest.approx(0.395)
    assert cycle_wait_s(0.4, 0.4, 0.5) == 0  # idle more than half the time: the median prompt does not wait
    assert cycle_wait_s(3.0, 0.4, 0.5) == pytest.approx(0.2)  # always busy: half an iteration
    assert cycle_wait_s(0.0, 0.4) == 0


def test_waiting_for_an_admission_round_matches_worked_examples():
    # 8 ranks: 8 × H(8) = 21.74 arrivals fill a round when the router does not see the waiting prompts
    assert round_wait_iters(8, 4.0, 10) == pytest.approx(0.5 * 20.7429 / 4, rel=1e-4)  # 2.59 iterations
    assert round_wait_iters(8, 4.0, 10, 0.99) == pytest.approx(0.99 * 20.7429 / 4, rel=1e-4)  # 5.13
    assert round_wait_iters(8, 0.5, 10) == 10  # a quiet worker waits out its hold
    assert round_wait_iters(2, 1.0, 10) == pytest.approx(1.0)  # 2 × 1.5 − 1 = 2 arrivals, half of them waited
    assert round_wait_iters(8, 40.0, 10) == pytest.approx(0.26, rel=1e-2)  # a busy worker fills its round at once
    assert round_wait_iters(8, 0.0, 10) == 10  # nobody else comes: the hold runs out
    assert round_wait_iters(1, 0.5, 10) == 0  # one rank (tensor-parallel attention): no round
    assert arrivals_to_fill(8) == pytest.approx(20.7429, rel=1e-4) and arrivals_to_fill(2) == 2.0
    assert arrivals_to_fill(1) == 0.0


def test_mtp_emits_one_plus_the_acceptance_per_step():
    spec = spec_for(model("deepseek-r1"), "mtp")
    assert spec is SPEC_DEFAULTS["deepseek-r1"]
    assert spec.tokens_per_step == pytest.approx(1.85)
    assert spec_for(model("deepseek-r1"), "none") is None


def test_acceptance_from_a_published_acceptance_length_matches_worked_examples():
    # 1 + α + α² + α³ = 2.41 → α = 0.6674 (1 + 0.6674 + 0.4454 + 0.2973); one draft: 1 + α = 1.85
    assert acceptance_for_length(2.41, 3) == pytest.approx(0.6674, abs=1e-4)
    assert acceptance_for_length(1.85, 1) == pytest.approx(0.85, abs=1e-8)
    assert acceptance_for_length(1.0, 3) == pytest.approx(0.0, abs=1e-8)
    with pytest.raises(ValueError):
        acceptance_for_length(4.5, 3)


def test_models_without_mtp_draft_with_their_published_eagle3_heads():
    gpt = spec_for(model("gpt-oss-120b"), "mtp")
    assert (gpt.draft_tokens, round(gpt.tokens_per_step, 2)) == (3, 2.41)
    assert "EAGLE-3" in gpt.describe() and "2.41 tokens per step" in gpt.describe()
    # Llama-3.3-70B's α is measured over a chain of 7 (2.88 tokens per step) and run at 3 drafts
    llama = spec_for(model("llama-3.3-70b"), "mtp")
    assert llama.draft_tokens == 3 and llama.acceptance == pytest.approx(acceptance_for_length(2.88, 7))
    assert llama.tokens_per_step < 2.88


def test_speculative_decoding_without_a_published_acceptance_is_refused():
    with pytest.raises(EstimateError, match="qwen3-235b-a22b has no MTP module or draft head"):
        spec_for(model("qwen3-235b-a22b"), "mtp")


def test_a_disaggregated_config_reads_into_pools_and_back():
    cfg = {"serving": "disaggregated", "prefill_gpus": 16, "decode_gpus": 48,
           "prefill": {"workers": 1, "tp": 16, "ep": 16, "dp_attention": True},
           "decode": {"workers": 3, "tp": 16, "ep": 16, "dp_attention": False}, "spec_decoding": "none",
           "framework": "ignored"}
    dep = deployment_from_config(cfg, model("deepseek-r1"), 64)
    assert dep.disaggregated and dep.gpus == 64
    assert dep.prefill == Layout(16, 16, True) and dep.decode_workers == 3
    back = dep.as_config()
    assert back["prefill"] == {"workers": 1, "tp": 16, "ep": 16, "dp_attention": True}
    assert back["decode_gpus"] == 48 and back["prefill_gpus"] == 16
    assert dep.notes == ()


def test_a_pool_whose_workers_do_not_add_up_to_its_gpus_is_read_at_the_pools_width():
    # InferenceX's Dynamo+SGLang GB200 rows log data-parallel-attention workers as TP1: 5 prefill
    # workers on 40 GPUs are 8 GPUs each (TP8/EP8 DP-attn), one decode worker on 32 is TP32/EP32 DP-attn
    cfg = {"serving": "disaggregated", "prefill_gpus": 40, "decode_gpus": 32,
           "prefill": {"workers": 5, "tp": 1, "ep": 1, "dp_attention": True},
           "decode": {"workers": 1, "tp": 1, "ep": 1, "dp_attention": True}}
    dep = deployment_from_config(cfg, model("deepseek-r1"), 72)
    assert (dep.prefill, dep.prefill_workers) == (Layout(8, 8, True), 5)
    assert (dep.decode, dep.decode_workers) == (Layout(32, 32, True), 1)
    assert dep.gpus == 72
    assert dep.notes == ("config.prefill: 5 × TP1 DP-attn is 5 GPUs, the pool 40: read as 5 × TP8/EP8 DP-attn",
                         "config.decode: 1 × TP1 DP-attn is 1 GPU, the pool 32: read as 1 × TP32/EP32 DP-attn")


def test_a_pool_without_workers_takes_as_many_as_its_gpus_hold():
    cfg = {"serving": "disaggregated", "prefill_gpus": 16, "decode_gpus": 8,
           "prefill": {"workers": 0, "tp": 4, "ep": 4}, "decode": {"tp": 8, "ep": 8}}
    dep = deployment_from_config(cfg, model("deepseek-r1"), 24)
    assert (dep.prefill_workers, dep.decode_workers) == (4, 1)
    assert dep.notes[0] == "config.prefill: workers not given; 16 GPUs read as 4 × TP4/EP4"


def test_a_pool_the_workers_do_not_divide_is_an_error_that_names_it():
    cfg = {"serving": "disaggregated", "prefill_gpus": 12, "decode_gpus": 8,
           "prefill": {"workers": 5, "tp": 2}, "decode": {"workers": 1, "tp": 8}}
    with pytest.raises(EstimateError, match="config.prefill: 5 workers do not divide the pool's 12 GPUs"):
        deployment_from_config(cfg, model("deepseek-r1"), 20)
    cfg = {"serving": "disaggregated", "prefill_gpus": 12, "decode_gpus": 8,
           "prefill": {"tp": 8}, "decode": {"workers": 1, "tp": 8}}
    with pytest.raises(EstimateError, match="workers of 8 GPUs \\(TP8\\) do not fill the pool's 12 GPUs"):
        deployment_from_config(cfg, model("deepseek-r1"), 20)


def test_resizing_a_worker_keeps_what_its_layout_shares():
    r1, llama = model("deepseek-r1"), model("llama-3.3-70b")
    assert resize(Layout(1, 1, True), 8, r1) == Layout(8, 8, True)
    assert resize(Layout(4, 4, False), 8, r1) == Layout(8, 8, False)
    assert resize(Layout(1, 8, False), 16, r1) == Layout(1, 16, False)  # attention replicas sharing experts
    assert resize(Layout(4, 1, False), 8, llama) == Layout(8, 1, False)
    assert resize(Layout(8, 1, False, pp=2), 8, llama) == Layout(4, 1, False, pp=2)
    with pytest.raises(EstimateError, match="tensor parallel 24 does not divide"):
        deployment_from_config({"serving": "disaggregated", "prefill_gpus": 24, "decode_gpus": 8,
                                "prefill": {"workers": 1, "tp": 8}, "decode": {"workers": 1, "tp": 8}},
                               r1, 32)


def test_a_single_node_config_fills_the_gpus_with_workers():
    dep = deployment_from_config({"serving": "single-node", "tp": 4, "ep": 4}, model("deepseek-r1"), 8)
    assert dep == Deployment(Layout(4, 4, False), 2)


def test_a_config_that_needs_more_gpus_than_the_cluster_is_an_error():
    with pytest.raises(EstimateError, match="need 64 GPUs"):
        deployment_from_config({"serving": "disaggregated", "prefill": {"workers": 1, "tp": 16},
                                "decode": {"workers": 3, "tp": 16}}, model("deepseek-r1"), 48)


@pytest.mark.parametrize("config, message", [
    ({"tp": "8"}, "config.tp must be a whole number ≥ 1, found '8'"),
    ({"tp": 8, "dp_attention": "false"}, "config.dp_attention must be true or false, found 'false'"),
    ({"serving": "disaggregated", "prefill": {"tp": 8, "workers": 1.5}, "decode": {"tp": 8}},
     "config.prefill.workers must be a whole number ≥ 1, found 1.5"),
    ({"serving": "disaggregated", "prefill": {"tp": 8}, "decode": {"ep": -8}},
     "config.decode.ep must be a whole number ≥ 1, found -8"),
    ({"serving": "disaggregated", "prefill_gpus": [8], "prefill": {"tp": 8}, "decode": {"tp": 8}},
     "config.prefill_gpus must be a whole number ≥ 1, found \\[8\\]"),
])
def test_a_malformed_config_value_is_an_error_that_names_its_json_path(config, message):
    # these raised TypeError or AttributeError (a 500, a failed job) before stop 28
    with pytest.raises(EstimateError, match=message):
        deployment_from_config(config, model("deepseek-r1"), 16)


def test_a_null_config_value_reads_as_missing():
    assert deployment_from_config({"tp": 8, "ep": None, "pp": None, "dp_attention": None},
                                  model("deepseek-r1"), 16) == Deployment(Layout(8, 1, False), 2)


def test_tensor_parallel_that_does_not_divide_the_heads_is_refused():
    with pytest.raises(EstimateError, match="does not divide .* 40 attention heads"):
        deployment_from_config({"tp": 16}, model("llama-4-maverick"), 16)


def test_expert_parallel_that_does_not_divide_the_experts_runs_with_redundant_slots():
    # DeepSeek-R1 on EP 48 with data-parallel attention (the NVL72 Dynamo+SGLang decode of InferenceX):
    # ⌈256 / 48⌉ = 6 expert slots per GPU, 288 in all: 6/256 of the experts' bytes, not 1/48
    from studio.domain.perf.calibration import load
    from studio.domain.perf.serving import Replica

    r1 = model("deepseek-r1")
    dep = deployment_from_config({"serving": "disaggregated", "prefill": {"workers": 6, "tp": 4},
                                  "decode": {"workers": 1, "tp": 48, "ep": 48, "dp_attention": True}}, r1, 72)
    assert dep.decode == Layout(48, 48, True)
    gb200 = hardware_of(CAT.get("gb200-nvl72"), CAT.get("gb200"))
    factors = load().factors_for("blackwell", "fp8")
    wide = Replica(r1, gb200, "fp8", 48, factors, ep=48, dp_attention=True)
    assert wide.expert_share_per_gpu == pytest.approx(6 / 256)
    experts_gb = M.expert_weight_bytes(r1, "fp8") / 1e9
    assert wide.weights_bytes_per_gpu == pytest.approx(wide.dense_bytes + experts_gb * 1e9 * 6 / 256)
    assert Replica(r1, gb200, "fp8", 32, factors, ep=32, dp_attention=True).expert_share_per_gpu == 1 / 32


def test_expert_parallel_wider_than_the_experts_is_refused():
    with pytest.raises(EstimateError, match="expert parallel 512 exceeds deepseek-r1's 256 experts"):
        deployment_from_config({"tp": 512, "ep": 512, "dp_attention": True}, model("deepseek-r1"), 512)


def test_expert_parallel_on_a_dense_model_is_refused():
    with pytest.raises(EstimateError, match="dense"):
        deployment_from_config({"tp": 8, "ep": 8}, model("llama-3.3-70b"), 8)


def test_the_search_tries_wide_expert_parallel_layouts_across_nodes():
    layouts = candidate_layouts(model("deepseek-r1"), 16, 8)
    assert Layout(16, 16, True) in layouts and Layout(16, 1, False) in layouts
    assert all(lay.gpus <= 16 for lay in layouts)
    assert all(m.heads % lay.attn_tp == 0 for m in [model("deepseek-r1")] for lay in layouts)


@pytest.mark.parametrize("slug", ["deepseek-r1", "llama-3.3-70b", "gpt-oss-120b", "kimi-k2"])
def test_an_nvl72_rack_tries_every_layout_a_dgx_node_does(slug):
    # before 8-GPU pipeline stages inside the domain, DGX B200's TP8/PP4 decoders beat GB200 NVL72 on
    # DeepSeek-R1 FP4 8k/1k at TPOT p99 <= 10 ms (69 against 68 tok/s per GPU on 576 GPUs)
    for gpus in (16, 32, 72, 576):
        node, rack = candidate_layouts(model(slug), gpus, 8), candidate_layouts(model(slug), gpus, 72)
        assert set(node) <= set(rack), (gpus, set(node) - set(rack))
    assert Layout(8, 1, False, 4) in candidate_layouts(model("deepseek-r1"), 576, 72)


def test_a_pipeline_of_two_h100_nodes_holds_half_the_layers_per_gpu_and_twice_the_sequences():
    from studio.domain.perf import calibration as cal
    from studio.domain.perf.serving import Replica

    f = cal.load().factors_for("hopper", "fp8")
    m = model("deepseek-r1")
    flat = Replica(m, H100, "fp8", 16, f)
    piped = Replica(m, H100, "fp8", 8, f, pp=2)
    assert piped.gpus == 16 and piped.weights_bytes_per_gpu == pytest.approx(flat.weights_bytes_per_gpu)
    assert piped.kv_bytes_per_token_per_gpu == pytest.approx(flat.kv_bytes_per_token_per_gpu / 2)
    # a token at batch B takes the whole model's time at B/2 plus one activation send between the stages
    one = piped.iteration(64, 2048, 0, 0).total_s
    half = Replica(m, H100, "fp8", 8, f).iteration(32, 2048, 0, 0).total_s
    assert one > half and one - half < 1e-3
    assert Layout(8, 1, False, 2) in candidate_layouts(m, 16, 8)


def test_more_pipeline_stages_than_layers_are_refused():
    with pytest.raises(EstimateError, match="pipeline parallel 128 exceeds"):
        deployment_from_config({"tp": 1, "pp": 128}, model("deepseek-r1"), 128)


def test_a_system_without_a_scale_up_link_prices_expert_parallel_on_its_nics():
    spark = hardware_of(CAT.get("dgx-spark"), CAT.accelerator_of(CAT.get("dgx-spark")))
    assert spark.scale_up_domain == 1
    assert 0 < group_all_to_all_s(1e6, 16, spark) < 1.0


def test_moe_dispatch_and_combine_each_add_their_fixed_cost_per_moe_layer():
    # DeepSeek-R1 decode on EP 32 with data-parallel attention (NVL72): 58 MoE layers × (the bytes'
    # all-to-all + 2 × the fitted fixed cost of a dispatch or a combine)
    from dataclasses import replace

    from studio.domain.perf.calibration import load
    from studio.domain.perf.serving import Replica

    r1 = model("deepseek-r1")
    gb200 = hardware_of(CAT.get("gb200-nvl72"), CAT.get("gb200"))
    factors = load().factors_for("blackwell", "fp4")
    assert factors.moe_all_to_all_overhead_s > 0
    with_cost = Replica(r1, gb200, "fp4", 32, factors, ep=32, dp_attention=True)
    without = replace(with_cost, factors=replace(factors, moe_all_to_all_overhead_s=0.0))
    extra = with_cost.iteration(32 * 16, 1500, 0, 0).communication_s - without.iteration(32 * 16, 1500, 0, 0).communication_s
    assert M.moe_layers(r1) == 58
    assert extra == pytest.approx(58 * 2 * factors.moe_all_to_all_overhead_s)


def test_benchmark_run_share_worked_examples():
    # docstring: 10 requests per client, half a request's time lost at the end, the start's burst ρ/2
    assert benchmark_run_share(0.4, 10, 0.5) == pytest.approx(10 / 10.7)
    assert round(benchmark_run_share(0.4, 10, 0.5), 3) == 0.935
    assert benchmark_run_share(0.0, 10, 0.5) == pytest.approx(0.952, abs=5e-4)
    # utilisation beyond saturation is the saturated burst: ρ counts up to 1
    assert benchmark_run_share(3.0, 10, 0.5) == benchmark_run_share(1.0, 10, 0.5) == pytest.approx(10 / 11)
    # a longer run loses less
    assert benchmark_run_share(0.4, 100, 0.5) > benchmark_run_share(0.4, 10, 0.5)


def test_an_estimate_says_how_it_read_a_pool_that_did_not_add_up():
    from studio.domain.perf.cases import estimate_case

    case = {"id": "sglang-gb200", "cluster": {"system": "gb200-nvl72", "gpus": 72},
            "workload": {"kind": "inference", "model": "deepseek-r1", "precision": "fp8", "scenario": "concurrency",
                         "input_tokens": 8192, "output_tokens": 1024, "concurrency": 512},
            "config": {"serving": "disaggregated", "prefill_gpus": 40, "decode_gpus": 32,
                       "prefill": {"workers": 5, "tp": 1, "ep": 1, "dp_attention": True},
                       "decode": {"workers": 1, "tp": 1, "ep": 1, "dp_attention": True}}}
    out = estimate_case(case, CAT)
    assert "error" not in out
    assert out["layout"]["prefill"] == {"workers": 5, "tp": 8, "ep": 8, "dp_attention": True}
    assert out["layout"]["prefill_gpus"] + out["layout"]["decode_gpus"] == 72
    assert any("read as 5 × TP8/EP8 DP-attn" in a for a in out["assumptions"])


def test_gpt_oss_with_its_eagle3_head_decodes_faster_at_low_load_and_says_how():
    from studio.domain.perf.cases import estimate_case

    def run(spec):
        case = {"id": "gpt-oss", "cluster": {"system": "dgx-b200", "gpus": 1},
                "workload": {"kind": "inference", "model": "gpt-oss-120b", "precision": "fp4",
                             "scenario": "concurrency", "input_tokens": 1024, "output_tokens": 1024,
                             "concurrency": 1},
                "config": {"serving": "single-node", "tp": 1, "spec_decoding": spec}}
        return estimate_case(case, CAT)

    plain, spec = run("none"), run("mtp")
    # 2.41 tokens per step for 4 verified tokens and 3 draft passes: faster per token, not 2.41× faster
    # (the head's card measures 1.34× at batch 1 on H100)
    assert 1.2 < plain["tpot_ms"] / spec["tpot_ms"] < 2.41
    assert any(a.startswith("speculative decoding with the EAGLE-3 head") for a in spec["assumptions"])
    assert not any(a.startswith("speculative decoding") for a in plain["assumptions"])


def test_one_label_for_a_deployment_and_its_config():
    # the estimate's lines (Deployment.label) and the frontier's hover (charts, from the layout output)
    # read the same function, so a pipelined layout says PP in both
    single = Deployment(Layout(8, 8, True), 9, spec_decoding="mtp")
    assert single.label() == config_label(single.as_config()) == "9 × TP8/EP8 DP-attn + speculative decoding"
    piped = Deployment(Layout(4, 1, False, 2), 2)
    assert piped.label() == config_label(piped.as_config()) == "2 × TP4/PP2"
    disagg = Deployment(Layout(32, 32, True), 1, Layout(4, 4), 2)
    assert config_label(disagg.as_config()) == "prefill 2 × TP4/EP4, decode 1 × TP32/EP32 DP-attn"
    assert config_label(None) == config_label({}) == ""


def test_speculative_decoding_at_large_batch_on_tp_attention_says_how_far_published_runs_were():
    from studio.domain.perf.cases import estimate_case
    from studio.domain.perf.specdec import CAUTION_SEQUENCES, large_batch_caution

    spec = SPEC_DEFAULTS["deepseek-r1"]
    line = large_batch_caution(spec, False, 1, 508.3)
    assert line == ("speculative decoding with 508 sequences on a worker with tensor-parallel attention: 13 "
                    "published DeepSeek-R1 runs of this kind (one node, more than 128 clients) decoded "
                    "1.00–2.65× slower than this model gives (median 1.74×); with data-parallel attention the "
                    "model holds")
    # not without speculative decoding, on a disaggregated decode pool, with data-parallel attention, or at or
    # below 128 sequences
    assert large_batch_caution(None, False, 1, 508.3) is None
    assert large_batch_caution(spec, True, 1, 508.3) is None
    assert large_batch_caution(spec, False, 8, 508.3) is None
    assert large_batch_caution(spec, False, 1, CAUTION_SEQUENCES) is None

    def run(conc, dp):
        case = {"id": "r1", "cluster": {"system": "dgx-b200", "gpus": 8},
                "workload": {"kind": "inference", "model": "deepseek-r1", "precision": "fp8",
                             "scenario": "concurrency", "input_tokens": 1024, "output_tokens": 1024,
                             "concurrency": conc},
                "config": {"serving": "single-node", "tp": 8, "ep": 8 if dp else 1, "dp_attention": dp,
                           "spec_decoding": "mtp"}}
        return [a for a in estimate_case(case, CAT)["assumptions"] if "published DeepSeek-R1 runs" in a]

    assert len(run(512, False)) == 1
    assert run(64, False) == [] and run(512, True) == []
