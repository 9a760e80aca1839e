"""Inference estimates: scenarios, limits, bad input and physical properties."""

from __future__ import annotations

import re
from dataclasses import fields

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studio.domain.perf import EstimateError, estimate_case
from studio.domain.perf import calibration as cal
from studio.domain.perf.hardware import hardware_of
from studio.domain.perf.inference import (
    InferenceRequest,
    _relabel,
    build_pools,
    concurrency_point,
    estimate_inference,
)
from studio.domain.perf.layouts import deployment_from_config
from tests.test_perf_fixtures import small_catalog

CAT = small_catalog()
HW = hardware_of(CAT.get("dgx"), CAT.get("h100"))
FACTORS = cal.load().factors_for("hopper", "fp8")


def estimate(**kw):
    base = dict(model=CAT.get("llama-2-70b"), precision="fp8", scenario="offline", input_tokens=300,
                output_tokens=290, gpus=8)
    return estimate_inference(InferenceRequest(**{**base, **kw}), HW, FACTORS)


def case(**workload):
    w = {"kind": "inference", "model": "llama-2-70b", "precision": "fp8", "scenario": "offline",
         "input_tokens": 300, "output_tokens": 290, **workload}
    return {"id": "c", "workload": w, "cluster": {"system": "dgx", "gpus": 8}}


def test_offline_estimate_fills_every_contract_value():
    out = estimate_case(case(), CAT)
    for key in ("output_tokens_per_s", "ttft_ms", "tpot_ms", "tokens_per_joule", "usd_per_million_tokens"):
        assert out[key] > 0
    assert out["confidence"]["band"] in ("narrow", "wide")
    for value in ("ttft", "tpot"):  # each latency carries its own band, offline the widest published one
        assert 0 < out["confidence"][value]["low"] < 1 < out["confidence"][value]["high"]
    assert out["assumptions"]


def test_offline_llama2_70b_on_8_h100_lands_near_the_mlperf_result():
    # MLPerf Inference v4.1 closed: 24,525 tokens/s (the calibration point)
    assert estimate().output_tokens_per_s == pytest.approx(24525, rel=0.15)


def test_server_scenario_keeps_p99_tpot_under_its_limit():
    est = estimate(scenario="server", ttft_p99_limit_ms=2000, tpot_p99_limit_ms=200)
    assert est.tpot_p99_ms <= 200
    assert est.ttft_p99_ms <= 2000


def test_tighter_latency_limits_cost_throughput():
    loose = estimate(scenario="interactive", ttft_p99_limit_ms=2000, tpot_p99_limit_ms=200)
    tight = estimate(scenario="interactive", ttft_p99_limit_ms=450, tpot_p99_limit_ms=40)
    assert tight.output_tokens_per_s < loose.output_tokens_per_s
    assert tight.tpot_ms < loose.tpot_ms


def test_fixed_concurrency_gives_ttft_tpot_and_throughput():
    est = estimate(scenario="concurrency", concurrency=8, tensor_parallel=2, gpus=2, input_tokens=1024,
                   output_tokens=1024)
    assert 5 < est.tpot_ms < 60
    assert est.ttft_ms > est.tpot_ms
    # Little's law for the closed loop's steady state: clients = rate × (TTFT + out × TPOT); the median TTFT
    # shown is within a few per cent of the mean at this light load
    line = next(a for a in est.assumptions if "benchmark run of 10 requests per client" in a)
    steady = float(re.search(r"([\d,]+) tok/s in the steady state", line).group(1).replace(",", ""))
    assert steady == pytest.approx(8 * 1024 / ((est.ttft_ms + 1024 * est.tpot_ms) / 1e3), rel=0.02)
    # the output is the run's average: 10 / (10 + 0.5 + ρ/2) of the steady state, ρ between 0 and 1
    assert 10 / 11 * steady * 0.999 <= est.output_tokens_per_s <= 10 / 10.5 * steady * 1.001


def test_offline_and_open_arrivals_are_not_benchmark_runs():
    for scenario in ("offline", "server"):
        est = estimate(scenario=scenario, gpus=2, tensor_parallel=2)
        assert not any("benchmark run" in a for a in est.assumptions)


def test_concurrency_one_on_eight_gpus_is_not_counted_eight_times():
    one = estimate(scenario="concurrency", concurrency=1, gpus=8)
    assert one.output_tokens_per_s < 1000 / one.tpot_ms * 1.01


def test_one_client_s_decode_is_not_slowed_by_its_own_prompt():
    # a closed loop of one client: nothing is prefilled while its request decodes, so its time per output
    # token is a bare decode iteration at batch 1; with more clients the others' prompts ride along
    from studio.domain.perf.inference import build_pools, operating_point
    from studio.domain.perf.layouts import Deployment, Layout
    from studio.domain.perf.serving import Replica

    one = estimate(scenario="concurrency", concurrency=1, tensor_parallel=8, input_tokens=3072, output_tokens=256)
    bare = Replica(CAT.get("llama-2-70b"), HW, "fp8", 8, FACTORS).iteration(1, 3072 + 128, 0.0, 0.0)
    assert one.tpot_ms == pytest.approx(bare.total_s * 1e3, rel=0.005)  # b just under 1: the TTFT share of the loop
    req = InferenceRequest(model=CAT.get("llama-2-70b"), precision="fp8", scenario="concurrency", input_tokens=3072,
                           output_tokens=256, gpus=8, concurrency=64)
    pools = build_pools(Deployment(Layout(8), 1), req, HW, FACTORS, None)
    with_others = operating_point(pools, req, 1.0)
    assert with_others.tpot_s > bare.total_s * 1.01  # 63 of 64 clients' 3k prompts ride along (12 tokens a step)


def test_best_tensor_parallel_is_chosen_when_not_given():
    assert estimate().tensor_parallel in (2, 4, 8)  # 70B FP8 does not leave room for a KV cache on one 80 GB GPU


@pytest.mark.parametrize("kw, message", [
    ({"input_tokens": 0}, "at least 1"),
    ({"output_tokens": -5}, "at least 1"),
    ({"input_tokens": 4000, "output_tokens": 200}, "context"),
    ({"gpus": 0}, "no GPUs"),
    ({"tensor_parallel": 16}, "tensor_parallel"),
    ({"scenario": "batchy"}, "scenario"),
    ({"precision": "int3"}, "precision"),
])
def test_impossible_inputs_raise_a_clear_estimate_error(kw, message):
    with pytest.raises(EstimateError, match=message):
        estimate(**kw)


def test_a_model_that_fits_at_no_tensor_parallel_size_is_an_error():
    with pytest.raises(EstimateError, match="does not fit"):
        estimate(model=CAT.get("deepseek-v3"), precision="bf16", gpus=8)


def test_unknown_model_or_system_is_reported_by_name():
    with pytest.raises(EstimateError, match="unknown model 'gpt-9'"):
        estimate_case(case(model="gpt-9"), CAT)
    bad = case()
    bad["cluster"]["system"] = "dgx-z900"
    with pytest.raises(EstimateError, match="unknown system 'dgx-z900'"):
        estimate_case(bad, CAT)


@settings(max_examples=25, deadline=None)
@given(gpus=st.sampled_from([1, 2, 4, 8]), extra=st.sampled_from([2, 4, 8]))
def test_more_gpus_never_lower_the_offline_throughput(gpus, extra):
    small = estimate(model=CAT.get("llama-2-7b"), gpus=gpus).output_tokens_per_s
    large = estimate(model=CAT.get("llama-2-7b"), gpus=gpus * extra).output_tokens_per_s
    assert large >= small * 0.999


@settings(max_examples=25, deadline=None)
@given(out=st.integers(min_value=16, max_value=1500), more=st.integers(min_value=1, max_value=1500),
       scenario=st.sampled_from(["offline", "concurrency"]))
def test_longer_outputs_never_raise_per_request_throughput(out, more, scenario):
    # requests completed per second (tokens/s ÷ output length) cannot rise when every request is longer
    def run(o):
        return estimate(model=CAT.get("llama-2-7b"), scenario=scenario, concurrency=4, gpus=1, input_tokens=500,
                        output_tokens=o)

    short, long = run(out), run(out + more)
    assert long.output_tokens_per_s / (out + more) <= short.output_tokens_per_s / out * 1.0001


@settings(max_examples=30, deadline=None)
@given(scenario=st.sampled_from(["offline", "server", "interactive"]), inp=st.integers(1, 3000),
       out=st.integers(1, 1000), precision=st.sampled_from(["bf16", "fp8"]))
def test_tokens_per_joule_stays_within_physical_bounds(scenario, inp, out, precision):
    est = estimate(model=CAT.get("llama-2-7b"), scenario=scenario, input_tokens=inp, output_tokens=out,
                   precision=precision, ttft_p99_limit_ms=2000, tpot_p99_limit_ms=200)
    # no more tokens per joule than the peak FLOPs per watt allow at 2 FLOPs per active parameter
    bound = HW.peak_flops(precision) * 8 / (2 * 6.74e9) / 7500
    assert 0 < est.tokens_per_joule < bound


@settings(max_examples=25, deadline=None)
@given(ttft=st.floats(min_value=1, max_value=20_000), tpot=st.floats(min_value=1, max_value=500),
       scenario=st.sampled_from(["server", "interactive"]))
def test_no_estimate_breaks_a_limit_without_saying_slo_met_false(ttft, tpot, scenario):
    est = estimate(scenario=scenario, ttft_p99_limit_ms=ttft, tpot_p99_limit_ms=tpot)
    if est.slo_met:
        assert est.ttft_p99_ms <= ttft and est.tpot_p99_ms <= tpot
    else:
        assert est.slo_met is False and (est.ttft_p99_ms > ttft or est.tpot_p99_ms > tpot)


def test_prompts_arrive_in_chunks_not_a_few_tokens_per_iteration():
    # DeepSeek-R1 FP8 on 4 × B300 (TP4), 8 decoding sequences, 64 prompt tokens per iteration from
    # 8,192-token prompts: one iteration in 128 carries a whole prompt, the rest are pure decode
    from catalog.datafiles import file_catalog
    from studio.domain.perf.calibration import load
    from studio.domain.perf.hardware import hardware_of
    from studio.domain.perf.inference import decode_iteration
    from studio.domain.perf.serving import Replica

    cat = file_catalog()
    b300 = hardware_of(cat.get("dgx-b300"), cat.get("b300"))
    rep = Replica(cat.get("deepseek-r1"), b300, "fp8", 4, load().factors_for("blackwell-ultra", "fp8"))
    pure = rep.iteration(8, 8704, 0, 0).total_s
    whole = rep.iteration(8, 8704, 8192, 4096, prefill_ranks=1).total_s
    mean = decode_iteration(rep, 8, 8704, 64, 8192, 4096, 1.0).total_s
    assert mean == pytest.approx(pure + (whole - pure) * 64 / 8192)
    spread = rep.iteration(8, 8704, 64, 4096).total_s  # the old reading: 64 tokens in every iteration
    assert mean < 0.6 * spread  # 72 tokens per iteration touch most experts; 8 touch ~20 %
    # a chunk or more per iteration: every iteration carries them, over as many ranks
    assert decode_iteration(rep, 8, 8704, 16384, 8192, 4096, 1.0) == rep.iteration(8, 8704, 16384, 4096, prefill_ranks=2)


def test_queued_prompts_are_prefilled_on_every_attention_rank():
    # Llama-4-Maverick FP4 on 4 × B200 with data-parallel attention (DEP4): 1,000 decoding sequences and
    # 4,096 prompt tokens per iteration in 8,192-token chunks (n = 0.5). Arriving one at a time, half the
    # iterations carry a chunk on one rank while the other three wait for it; queued (offline, or clients
    # beyond the batch: all 4 ranks take theirs together), an eighth of the iterations carry a chunk on
    # every rank; in rounds of 2, a quarter carry a chunk on each of two ranks.
    from catalog.datafiles import file_catalog
    from studio.domain.perf.calibration import load
    from studio.domain.perf.hardware import hardware_of
    from studio.domain.perf.inference import decode_iteration
    from studio.domain.perf.serving import Replica

    cat = file_catalog()
    b200 = hardware_of(cat.get("dgx-b200"), cat.get("b200"))
    rep = Replica(cat.get("llama-4-maverick"), b200, "fp4", 4, load().factors_for("blackwell", "fp4"), 4, True)
    queued = decode_iteration(rep, 1000, 8704, 4096, 8192, 4096, 1.0, round_ranks=4)
    pure = rep.iteration(1000, 8704, 0, 0)
    together = rep.iteration(1000, 8704, 4 * 8192, 4096, prefill_ranks=4)
    assert queued.total_s == pytest.approx(pure.total_s * 7 / 8 + together.total_s / 8)
    one_at_a_time = decode_iteration(rep, 1000, 8704, 4096, 8192, 4096, 1.0)
    assert queued.total_s < 0.8 * one_at_a_time.total_s
    pairs = decode_iteration(rep, 1000, 8704, 4096, 8192, 4096, 1.0, round_ranks=2)
    two = rep.iteration(1000, 8704, 2 * 8192, 4096, prefill_ranks=2)
    assert pairs.total_s == pytest.approx(pure.total_s * 3 / 4 + two.total_s / 4)
    assert queued.total_s < pairs.total_s < one_at_a_time.total_s
    # more ranks than there are: all of them
    assert decode_iteration(rep, 1000, 8704, 4096, 8192, 4096, 1.0, round_ranks=9) == queued
    # eight chunks or more per iteration: every rank prefills its share in every iteration
    assert decode_iteration(rep, 1000, 8704, 65536, 8192, 4096, 1.0, round_ranks=4) == rep.iteration(
        1000, 8704, 65536, 4096)
    # tensor-parallel attention (one rank): a queue changes nothing, a prompt starts when a sequence ends
    tp = Replica(cat.get("llama-4-maverick"), b200, "fp4", 4, load().factors_for("blackwell", "fp4"))
    assert decode_iteration(tp, 100, 8704, 4096, 8192, 4096, 1.0, round_ranks=4) == decode_iteration(
        tp, 100, 8704, 4096, 8192, 4096, 1.0)


def test_an_aggregated_data_parallel_attention_worker_prefills_its_admission_round_together(monkeypatch):
    # DeepSeek-R1 FP4 on 8 × B200, TP8/EP8 with data-parallel attention, 1k/1k: at 256 clients a new
    # request arrives every few iterations and the 60-iteration hold fills every round, so the ranks take
    # their chunks together as if the prompts were queued; at 4 clients (one request every ~1,000
    # iterations) the hold runs out with one prompt, which prefills alone
    import studio.domain.perf.inference as inf
    from catalog.datafiles import file_catalog

    cat = file_catalog()
    cfg = {"serving": "single-node", "tp": 8, "ep": 8, "dp_attention": True, "spec_decoding": "none"}
    seen = []
    real = inf.decode_iteration

    def spy(*args, **kw):
        seen.append(kw.get("round_ranks", 1.0))
        return real(*args, **kw)

    def run(conc):
        seen.clear()
        c = {"id": "t", "workload": {"kind": "inference", "model": "deepseek-r1", "precision": "fp4",
                                     "scenario": "concurrency", "input_tokens": 1024, "output_tokens": 1024,
                                     "concurrency": conc},
             "cluster": {"system": "dgx-b200", "gpus": 8}, "config": cfg}
        estimate_case(c, cat)
        return seen[-1]

    monkeypatch.setattr(inf, "decode_iteration", spy)
    assert run(256) == 8  # 1 + b/1024 × 60 ≥ 8 ranks
    assert 1.0 < run(4) < 1.3  # 1 + ~4/1024 × 60


def test_weight_only_quantised_experts_multiply_fp8_on_blackwell_and_bf16_without_fp4_units():
    # gpt-oss's MXFP4 experts: W4A8 (MXFP4 x MXFP8) on B200, W4A16 on H100; its attention stays BF16.
    # DeepSeek-R1 NVFP4 quantises weights and activations: FP4 GEMMs on B200.
    from catalog.datafiles import file_catalog
    from studio.domain.perf.calibration import load
    from studio.domain.perf.hardware import hardware_of
    from studio.domain.perf.serving import Replica

    cat = file_catalog()
    b200 = hardware_of(cat.get("dgx-b200"), cat.get("b200"))
    h100 = hardware_of(cat.get("dgx-h100"), cat.get("h100-sxm"))
    gpt, r1 = cat.get("gpt-oss-120b"), cat.get("deepseek-r1")
    f = load().factors_for("blackwell", "fp4")
    assert Replica(gpt, b200, "fp4", 1, f).expert_math_precision == "fp8"
    assert Replica(gpt, h100, "fp8", 1, f).expert_math_precision == "bf16"
    assert Replica(gpt, b200, "fp4", 1, f).dense_precision == "bf16"
    assert Replica(r1, b200, "fp4", 8, f).expert_math_precision == "fp4"
    assert Replica(r1, b200, "fp4", 8, f).dense_precision == "fp8"
    # the KV cache follows the activations: BF16 for gpt-oss on H100 (kv_cache_dtype auto), FP8 on B200
    assert Replica(gpt, h100, "fp8", 1, f).kv_precision == "bf16"
    assert Replica(gpt, b200, "fp4", 1, f).kv_precision == "fp8"
    assert Replica(r1, h100, "fp8", 8, f).kv_precision == "fp8"


def _prefill_launches_s(factors) -> tuple[float, float]:
    """``Replica.prefill_launch_s`` of the docstring's two examples on B200: gpt-oss-120b TP1, DeepSeek-V3 TP8."""
    from catalog.datafiles import file_catalog
    from studio.domain.perf.hardware import hardware_of
    from studio.domain.perf.serving import Replica

    cat = file_catalog()
    b200 = hardware_of(cat.get("dgx-b200"), cat.get("b200"))
    return (Replica(cat.get("gpt-oss-120b"), b200, "fp4", 1, factors).prefill_launch_s(),
            Replica(cat.get("deepseek-v3"), b200, "fp8", 8, factors).prefill_launch_s())


def test_an_eager_prefill_launch_worked_examples():
    # Replica.prefill_launch_s at 80 µs a kernel: gpt-oss-120b 36 layers × 13 kernels = 37.4 ms;
    # DeepSeek-V3 61 × 20.66 = 1,260 kernels = 100.8 ms
    from dataclasses import replace

    from studio.domain.perf.calibration import load

    gpt, dsv3 = _prefill_launches_s(replace(load().factors_for("blackwell", "fp8"), prefill_kernel_overhead_s=80e-6))
    assert gpt == pytest.approx(0.03744)
    assert dsv3 == pytest.approx(0.1008, rel=1e-3)


def test_the_prefill_launch_docstring_quotes_the_committed_fit():
    # the docstring's worked example is written at the fitted figure per kernel: a refit that moves it
    # leaves the example stale, and this names the figures to write there instead
    import re

    from studio.domain.perf.calibration import load
    from studio.domain.perf.serving import Replica

    f = load().factors_for("blackwell", "fp8")
    doc = " ".join(Replica.prefill_launch_s.__doc__.split())
    quoted = re.search(r"At the fitted (\d+) µs a kernel.*?= (\d+) ms; DeepSeek-V3 .*?= (\d+) ms", doc)
    assert quoted, doc
    gpt, dsv3 = _prefill_launches_s(f)
    fitted = (round(f.prefill_kernel_overhead_s * 1e6), round(gpt * 1e3), round(dsv3 * 1e3))
    assert tuple(int(x) for x in quoted.groups()) == fitted, f"write {fitted} (µs, ms, ms) in the docstring"


def test_expert_parallel_wider_than_tensor_parallel_pays_the_dispatch_as_data_parallel_attention_does():
    # DeepSeek-R1 FP8 on 8 × B200: TP1/EP8 without the data-parallel flag is eight attention replicas that
    # share the experts — data-parallel attention in all but name — so its iteration is TP8/EP8 DP-attn's,
    # MoE dispatch and combine included; TP4/EP8 (two replicas of TP4) pays them too
    from catalog.datafiles import file_catalog
    from studio.domain.perf.calibration import load
    from studio.domain.perf.hardware import hardware_of
    from studio.domain.perf.serving import Replica

    cat = file_catalog()
    b200 = hardware_of(cat.get("dgx-b200"), cat.get("b200"))
    f = load().factors_for("blackwell", "fp8")
    model = cat.get("deepseek-r1")
    named = Replica(model, b200, "fp8", 8, f, 8, True).iteration(256, 1536, 0, 0)
    assert Replica(model, b200, "fp8", 1, f, 8, False).iteration(256, 1536, 0, 0) == named
    wide = Replica(model, b200, "fp8", 4, f, 8, False).iteration(256, 1536, 0, 0)
    tp_only = Replica(model, b200, "fp8", 4, f, 4, False).iteration(256, 1536, 0, 0)
    assert wide.communication_s > tp_only.communication_s + 0.2 * named.communication_s


def test_relabel_copies_every_field_but_the_label():
    # ``_relabel`` copies positionally (faster than dataclasses.replace): a field added to Point must be copied
    req = InferenceRequest(model=CAT.get("llama-2-70b"), precision="fp8", scenario="concurrency",
                           input_tokens=300, output_tokens=290, gpus=2, tensor_parallel=2, concurrency=8)
    dep = deployment_from_config({"serving": "single-node", "tp": 2}, req.model, 2)
    p = concurrency_point(build_pools(dep, req, HW, FACTORS, None), req)
    q = _relabel(p, "another label")
    assert q.limited_by == "another label" and p.steady_tokens_per_s is not None
    assert all(getattr(q, f.name) == getattr(p, f.name) for f in fields(p) if f.name != "limited_by")


def test_the_factors_an_estimate_reads_are_those_of_the_precision_its_experts_multiply_at():
    # gpt-oss's MXFP4 experts multiply FP8 activations on Blackwell (W4A8): the GEMM efficiency is read, and
    # fitted, at FP8; where they dequantise to BF16 (W4A16, no FP4 units) at the precision the GPU runs
    from catalog.datafiles import file_catalog
    from studio.domain.perf.fitting import family_keys
    from studio.domain.perf.search import factor_precision

    cat = file_catalog()
    gpt, r1 = cat.get("gpt-oss-120b"), cat.get("deepseek-r1")
    assert factor_precision(gpt, cat.get("b300"), "fp4") == "fp8"
    assert factor_precision(gpt, cat.get("h100-sxm"), "fp4") == "fp8"
    assert factor_precision(gpt, cat.get("h100-sxm"), "bf16") == "bf16"
    assert factor_precision(r1, cat.get("b300"), "fp4") == "fp4"
    assert factor_precision(r1, cat.get("mi300x"), "fp4") == "fp8"  # no FP4 units: runs FP8
    case = {"workload": {"kind": "inference", "model": "gpt-oss-120b", "precision": "fp4", "scenario": "offline",
                         "input_tokens": 1024, "output_tokens": 1024},
            "cluster": {"system": "dgx-b200", "gpus": 8}, "measured": {"output_tokens_per_s": 1.0}}
    assert family_keys([case], cat) == {("inference_gemm_efficiency", "blackwell", "fp8")}


def test_the_engine_reserves_a_requests_whole_output_when_it_admits_it():
    # max_batch's worked example: Llama-2-70B FP8 on TP2 H100, 300 tokens in and 290 out:
    # (80 − 34.75 − 4) × 0.9 = 37.12 GB per GPU. A closed loop of API clients runs TensorRT-LLM's default
    # GUARANTEED_NO_EVICT, which admits a request only with room for its prompt and whole output:
    # ÷ (590 × 80 KiB) = 768 sequences; MLPerf's tuned harness admits on the tokens held: ÷ (445 × 80 KiB)
    from studio.domain.perf.serving import Replica, admission_output_share

    rep = Replica(CAT.get("llama-2-70b"), HW, "fp8", 2, FACTORS)
    assert rep.kv_bytes_per_token_per_gpu == 80 * 1024
    assert rep.kv_capacity_bytes_per_gpu == pytest.approx(37.12e9, rel=1e-3)
    assert admission_output_share("concurrency") == 1.0
    assert admission_output_share("offline") == admission_output_share("server") == 0.5
    assert rep.max_batch(300, 290, admission_output_share("concurrency")) == 768
    assert rep.max_batch(300, 290, admission_output_share("offline")) == 1018
