"""Model arithmetic: worked examples of performance.md §1.1."""

from __future__ import annotations

import pytest

from studio.domain.perf import models as M
from studio.domain.perf.constants import KIB
from studio.domain.perf.hardware import hardware_of
from tests.test_perf_fixtures import small_catalog

CAT = small_catalog()


def model(slug):
    return CAT.get(slug)


def test_kv_cache_bytes_per_token_for_gqa_matches_worked_example():
    # 2 × 80 layers × 8 KV heads × 128 × 2 B = 320 KiB
    assert M.kv_bytes_per_token(model("llama-2-70b"), "bf16") == 320 * KIB


def test_kv_cache_bytes_per_token_for_mha_counts_every_head():
    # Llama-2-7B: 2 × 32 × 32 × 128 × 2 B = 512 KiB
    assert M.kv_bytes_per_token(model("llama-2-7b"), "bf16") == 512 * KIB


def test_kv_cache_bytes_per_token_for_mla_matches_deepseek_v3():
    # 61 × (512 + 64) × 2 B = 70,272 B = 68.6 KiB ("70 KB per token")
    kv = M.kv_bytes_per_token(model("deepseek-v3"), "bf16")
    assert kv == 70_272
    assert kv / KIB == pytest.approx(68.6, abs=0.05)


def test_fp8_serving_halves_the_kv_cache():
    assert M.kv_bytes_per_token(model("llama-2-70b"), "fp8") == 160 * KIB


def test_mixtral_routed_experts_hold_most_parameters():
    # 32 × 8 × 3 × 4,096 × 14,336 = 45.1 B of 46.7 B
    assert M.routed_expert_params(model("mixtral-8x7b")) == pytest.approx(45.1e9, rel=0.01)


def test_moe_decode_at_batch_one_reads_only_the_routed_experts():
    m = model("mixtral-8x7b")
    one = M.weight_bytes_read_per_step(m, "fp8", 1)
    many = M.weight_bytes_read_per_step(m, "fp8", 512)
    assert many == pytest.approx(M.weight_bytes(m, "fp8") - m.vocab * m.hidden * 2, rel=1e-6)
    # 2 of 8 experts: about 1.6 B shared + 11.3 B of experts
    assert one == pytest.approx(1.6e9 + 45.1e9 / 4, rel=0.05)


def test_linear_flops_per_token_is_twice_the_active_parameters_less_the_embedding():
    assert M.linear_flops_per_token(model("llama-2-70b")) == pytest.approx(2 * (68.98e9 - 32000 * 8192))


def test_attention_flops_per_context_token_worked_example():
    # 4 × 80 × 64 × 128 = 2.62 MFLOP
    assert M.attention_flops_per_token_per_context(model("llama-2-70b")) == 4 * 80 * 64 * 128


def test_absorbed_mla_decode_attends_in_the_latent_space():
    assert M.attention_flops_per_token_per_context(model("deepseek-v3"), absorbed=True) == 2 * 61 * 128 * (512 + 64 + 512)


def test_weights_in_fp8_keep_embeddings_in_bf16():
    m = model("llama-2-70b")
    emb = 2 * 32000 * 8192
    assert M.weight_bytes(m, "fp8") == pytest.approx((68.98e9 - emb) * 1 + emb * 2)


def test_fp4_weights_carry_one_fp8_scale_per_sixteen_values():
    m = model("llama-2-70b")
    emb = 2 * 32000 * 8192
    assert M.weight_bytes(m, "fp4") == pytest.approx((68.98e9 - emb) * 0.5625 + emb * 2)


def test_critical_batch_on_h100_is_about_295_tokens():
    hw = hardware_of(CAT.get("dgx"), CAT.get("h100"))
    # peak FLOP/s over HBM B/s × (bytes per param / 2): 989.4 T / 3.35 T ≈ 295 for BF16, same for FP8
    assert hw.peak_flops("bf16") / hw.hbm_bytes_per_s == pytest.approx(295.3, abs=0.5)
    assert hw.peak_flops("fp8") / hw.hbm_bytes_per_s * (1 / 2) == pytest.approx(295.3, abs=0.5)


def test_scale_up_and_scale_out_bandwidth_per_gpu_follow_the_catalog():
    hw = hardware_of(CAT.get("dgx"), CAT.get("h100"))
    assert hw.scale_up_bytes_per_s_per_dir == 450e9
    assert hw.scale_out_bytes_per_s_per_gpu == 50e9


def test_kernels_per_layer_worked_examples():
    # Llama: 2 norms + GQA 4 + FFN 3; DeepSeek-V3: 2 + MLA 9 + (3 dense × 3 + 58 MoE × (7 + shared 3)) / 61
    assert M.kernels_per_layer(model("llama-2-70b")) == 9
    assert M.kernels_per_layer(model("deepseek-v3")) == pytest.approx(2 + 9 + (3 * 3 + 58 * 10) / 61)
    assert M.kernels_per_layer(model("deepseek-v3")) == pytest.approx(20.66, abs=0.005)


def test_gpt_oss_layers_count_thirteen_kernels():
    from catalog.datafiles import file_catalog

    assert M.kernels_per_layer(file_catalog().get("gpt-oss-120b")) == 2 + 4 + 7
