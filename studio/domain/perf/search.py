"""Choosing how to serve: the deployment a ``config`` names, or the best one the search finds, and
the estimate that results (``estimate_inference``); the throughput–interactivity frontier
(``frontier``).

Search (no ``config``): every candidate layout aggregated (as many workers as the GPUs hold); then,
for scenarios with latency limits or a concurrency, disaggregated splits — the three layouts that
prefill a lone prompt fastest per GPU and the three that prefill fastest with every attention rank busy ×
every aggregated layout as the decoder × prefill worker counts on both sides of shares of ⅛ … ¾ of the GPUs,
and the fewest that leave room for the most decoders (``prefill_worker_counts``).
Best = highest output tokens/s among the points that meet the limits; when none meets them, the point
closest to them (smallest worst ratio of p99 latency to its limit), reported with ``slo_met: false``.

FP4 on a GPU without FP4 units is estimated as FP8 is there (``hardware.effective_precision``: weights stored
and read at FP8 and FP8 math on MI300X; BF16 on A100, which has no FP8 units either), with an assumption line
saying so — it is never faster than FP8 there. FP8 without FP8 units runs as BF16.
"""

from __future__ import annotations

import math
from dataclasses import replace

from . import models as M
from .calibration import Factors
from .confidence import band, inference_distance, latency_band
from .constants import BENCHMARK_REQUESTS_PER_CLIENT, GB
from .cost import CostInputs, system_price_usd, usd_per_hour, usd_per_million_tokens
from .energy import DEFAULT_PUE, facility_power, it_power_w, systems_for_gpus, tokens_per_joule
from .errors import EstimateError
from .hardware import Hardware, effective_precision
from .inference import (
    BISECT_RELATIVE,
    InferenceRequest,
    Point,
    Pools,
    admission_hold_iters,
    build_pools,
    operating_point,
    point_for,
    validate,
)
from .layouts import Deployment, candidate_layouts, deployment_from_config
from .queueing import RHO_MAX
from .results import InferenceEstimate
from .serving import admission_note, expert_math_precision
from .specdec import large_batch_caution, spec_for

PREFILL_SHARES = (0.125, 0.25, 0.375, 0.5, 0.625, 0.75)


def factor_precision(model, acc, precision: str) -> str:
    """The precision whose fitted GEMM efficiency an inference estimate reads: that of the GEMMs doing
    most of the work — the routed experts' math (``serving.expert_math_precision``) at the precision the
    GPU runs (``effective_precision``). The efficiency is a share of that precision's peak, so gpt-oss's
    MXFP4 experts, which multiply at the FP8 rate on Blackwell (W4A8), read the FP8 efficiency, not the
    one DeepSeek-R1's NVFP4 GEMMs reach at the FP4 rate. Where they dequantise to BF16 (W4A16 on Hopper
    and CDNA3) they keep the factors of the precision the GPU runs: a dequantising kernel is not a BF16
    GEMM, and a BF16 factor fitted to it would set every dense BF16 model's (stop 23 measured both).
    Example: gpt-oss-120b ``fp4`` on B300 → ``fp8``; on H100 → ``fp8`` (FP4 runs as FP8 there);
    DeepSeek-R1 ``fp4`` on B300 → ``fp4``, on MI300X → ``fp8``."""
    runs = effective_precision(acc, precision, bool(model.checkpoint_expert_precision))[0]
    experts = expert_math_precision(model, acc, runs)
    return runs if experts == "bf16" and runs != "bf16" else experts


def _spec_mode(req: InferenceRequest) -> str:
    if req.spec_decoding:
        return req.spec_decoding
    return (req.config or {}).get("spec_decoding") or "none"


def _aggregated(req: InferenceRequest, hw: Hardware, mode: str) -> list[Deployment]:
    layouts = candidate_layouts(req.model, req.gpus, hw.scale_up_domain, req.tensor_parallel)
    return [Deployment(lay, req.gpus // lay.gpus, spec_decoding=mode) for lay in layouts if lay.gpus <= req.gpus]


def _disaggregated(req: InferenceRequest, agg: list[tuple[Pools, Point]], mode: str) -> list[Deployment]:
    if len(agg) == 0 or req.gpus < 2:
        return []
    i = req.input_tokens
    workers: dict = {}  # each aggregated layout's worker, the first one tried
    for pools, _ in agg:
        workers.setdefault(pools.deployment.decode, pools.decode)
    # the three that prefill a lone prompt in the fewest GPU-seconds (the shortest TTFT at a light load) and the
    # three that do with every attention rank busy (the most prompts a second: data-parallel attention, which a
    # lone prompt leaves mostly idle). Until stop 29 only the first three, at the shares rounded: the search came
    # out below 39 of the capture's 390 published layouts (bench/search_coverage.py), most of them prefilling on
    # TP4/EP4 with data-parallel attention
    fastest = list(dict.fromkeys(
        sorted(workers, key=lambda lay: _prefill_cost(workers[lay], i))[:3]
        + sorted(workers, key=lambda lay: _prefill_cost(workers[lay], i, loaded=True))[:3]))
    # every aggregated layout decodes: a decoder that aggregated serving ranks low (wide EP with data-parallel
    # attention, slowed there by the prefills it also runs) can be the best once prefill moves out (the four
    # fastest plus the aggregated frontier's decoders, the rule until stop 28, missed on 32 B300 the TP16/EP16
    # decoder that 24 B300 found)
    decoders = list(dict.fromkeys(pt.deployment.decode for _, pt in sorted(agg, key=lambda a: -a[1].tokens_per_s)))
    out: set[Deployment] = set()
    for lp in fastest:
        for ld in decoders:
            for wp in prefill_worker_counts(req.gpus, lp.gpus, ld.gpus):
                wd = (req.gpus - wp * lp.gpus) // ld.gpus
                if wd >= 1:
                    out.add(Deployment(ld, wd, lp, wp, mode))
    return sorted(out, key=lambda d: d.label())


def prefill_worker_counts(gpus: int, prefill_gpus: int, decode_gpus: int) -> list[int]:
    """Prefill worker counts a disaggregated split tries: for each of ``PREFILL_SHARES`` the counts just below
    and above that share of the GPUs, and the fewest that leave the most decode workers (a large decoder's
    split, which the shares can miss). 36 GPUs, TP4 prefill, TP8 decode: shares → 1.1, 2.25, 3.4, 4.5, 5.6,
    6.75 workers, so 1 … 7; the most decoders, 4 (32 GPUs), leave 1 → [1, 2, 3, 4, 5, 6, 7]. 34 GPUs, TP2
    prefill, a TP32 decoder: 1 decoder leaves 2 GPUs → 1 prefill worker, which the shares (2 … 13) miss."""
    counts = set()
    for share in PREFILL_SHARES:
        exact = round(share * gpus / prefill_gpus, 9)  # 0.125 × 32 / 4 is 1, not 1.0000000001
        counts |= {max(1, math.floor(exact)), max(1, math.ceil(exact))}
    most_decoders = (gpus - prefill_gpus) // decode_gpus
    if most_decoders >= 1:
        counts.add((gpus - most_decoders * decode_gpus) // prefill_gpus)
    return sorted(c for c in counts if c >= 1)


#: Ratio between successive decode batches of the frontier's sweep. Half an octave: with a whole one
#: (2×) a speed that fell between two of a layout's points was read at the next slower point or on a
#: slower layout (DeepSeek-R1 FP8 1k/1k on 72 B200 at 50 tok/s per user: 240 tok/s per GPU at 2×,
#: 302 at √2; ``bench/accuracy_frontier.py --ratios``); √2 costs 18 % more CPU
#: (``bench/bench_estimate.py``, the 1,008-GB200 frontier: 965 → 1,141 ms, stop 30).
BATCH_STEP = 2 ** 0.5


def batch_sweep(pools: Pools, req: InferenceRequest):
    """The deployment's operating points at decode batches of 1, √2, 2, 2√2, … up to what memory holds
    (2·log2 of the batch limit + 1 points; ``BATCH_STEP``)."""
    b = 1.0
    while True:
        yield operating_point(pools, req, min(b, pools.bmax))
        if b >= pools.bmax:
            return
        b *= BATCH_STEP


def pareto(points: list[tuple[float, float, object]]) -> list[tuple[float, float, object]]:
    """The ``(tok/s per GPU, tok/s per user, what)`` points no other beats on both, fastest per user
    first. O(n log n)."""
    frontier, best_gpu = [], -1.0
    for per_gpu, per_user, what in sorted(points, key=lambda t: (-t[1], -t[0])):
        if per_gpu > best_gpu * (1 + 1e-9):
            frontier.append((per_gpu, per_user, what))
            best_gpu = per_gpu
    return frontier


def _prefill_cost(worker, tokens: int, loaded: bool = False) -> float:
    """GPU-seconds per prompt of ``tokens`` on ``worker`` (a ``serving.Replica``): one prompt alone, or
    (``loaded``) one on every attention rank, per prompt — what a busy prefill pool pays
    (``inference.operating_point``'s service time)."""
    ranks = worker.attn_dp if loaded else 1
    return worker.prefill_s(tokens, ranks) / ranks * worker.gpus


def _score(p: Point, req: InferenceRequest) -> tuple:
    if not req.has_limits:
        return (1, p.tokens_per_s, -p.ttft_s)
    if p.meets(req):
        return (1, p.tokens_per_s, -p.ttft_s)
    worst = max(p.ttft_p99_s * 1e3 / req.ttft_p99_limit_ms if req.ttft_p99_limit_ms else 0.0,
                p.tpot_p99_s * 1e3 / req.tpot_p99_limit_ms if req.tpot_p99_limit_ms else 0.0)
    return (0, -worst, p.tokens_per_s)


#: The search screens every deployment with its batch bisected to this share (11 halvings where 25 give
#: ``inference.BISECT_RELATIVE``), then settles the ``REFINED`` best at full precision: a throughput 0.1 %
#: short cannot reorder deployments further apart than that, and the two phases took the frontier of
#: ``bench/bench_estimate.py`` from 1.38 to 1.03 s of CPU (medians of two runs, stop 30) [M].
SCREEN_RELATIVE = 1e-3
REFINED = 8


def evaluate(req: InferenceRequest, hw: Hardware, factors: Factors) -> tuple[list[tuple[Pools, Point]], list[str]]:
    """Every deployment tried with its operating point (config: just that one). Searched deployments are
    screened (``SCREEN_RELATIVE``); the ``REFINED`` best by ``_score`` are settled at full precision."""
    spec = spec_for(req.model, _spec_mode(req))
    mode = "mtp" if spec else "none"
    tried: list[tuple[Pools, Point]] = []
    skipped: list[str] = []

    def run(deps: list[Deployment], relative: float) -> list[tuple[Pools, Point]]:
        done = []
        for dep in deps:
            pools = build_pools(dep, req, hw, factors, spec)
            if pools is None:
                skipped.append(dep.label())
                continue
            done.append((pools, point_for(pools, req, relative)))
        return done

    if req.config:
        dep = replace(deployment_from_config(req.config, req.model, req.gpus), spec_decoding=mode)
        return run([dep], BISECT_RELATIVE), skipped
    tried = run(_aggregated(req, hw, mode), SCREEN_RELATIVE)
    if req.scenario != "offline" and (req.has_limits or req.scenario == "concurrency"):
        tried += run(_disaggregated(req, tried, mode), SCREEN_RELATIVE)
    best = sorted(range(len(tried)), key=lambda k: _score(tried[k][1], req), reverse=True)[:REFINED]
    for k in best:
        tried[k] = (tried[k][0], point_for(tried[k][0], req))
    return tried, skipped


def estimate_inference(req: InferenceRequest, hw: Hardware, factors: Factors,
                       cost_inputs: CostInputs = CostInputs(), with_frontier: bool = False) -> InferenceEstimate:
    """Estimate one inference workload on ``req.gpus`` GPUs of ``hw``; see the module doc."""
    validate(req)
    precision, notes = effective_precision(hw.accelerator, req.precision, bool(req.model.checkpoint_expert_precision))
    req = replace(req, precision=precision)
    tried, skipped = evaluate(req, hw, factors)
    if not tried:
        raise EstimateError(
            f"{req.model.slug} at {precision} does not fit in {hw.accelerator.memory_gb:g} GB GPUs "
            f"with room for one {req.input_tokens + req.output_tokens}-token sequence at any layout on "
            f"{req.gpus} GPUs (tried {', '.join(skipped) or 'none'})")
    pools, best = max(tried, key=lambda t: _score(t[1], req))
    dep = best.deployment
    gpus_used = dep.gpus
    power = it_power_w(hw.system, gpus_used)
    hourly = usd_per_hour(systems_for_gpus(hw.system, gpus_used),
                          system_price_usd(hw.system, hw.family, cost_inputs), power, cost_inputs)
    slo_met = best.meets(req) if req.has_limits else None
    dec = pools.decode
    ttft_note = "median request (closed loop)" if req.scenario == "concurrency" else "mean under Poisson arrivals"
    assumptions = (
        f"{dep.label()} on {gpus_used} of {req.gpus} GPUs; {best.batch:.1f} sequences decoding per decode "
        f"worker ({best.limited_by})",
        f"weights {dec.weights_bytes_per_gpu / GB:.1f} GB and KV cache {dec.kv_capacity_bytes_per_gpu / GB:.1f} GB "
        f"per decode GPU; KV cache in {dec.kv_precision.upper()}; room for {pools.bmax:,} sequences per decode "
        f"worker, {admission_note(req.scenario)}",
        f"TTFT is the {ttft_note}; prefill server utilisation {best.prefill_rho:.0%}",
        *((f"output averaged over a benchmark run of {BENCHMARK_REQUESTS_PER_CLIENT} requests per client (the "
           f"first prompts arrive together, the last requests drain): {best.steady_tokens_per_s:,.0f} tok/s "
           f"in the steady state",) if best.steady_tokens_per_s else ()),
        *((f"the decode worker's {dec.attn_dp} data-parallel attention ranks take new requests one per rank "
           f"per round: {best.admission_wait_s * 1e3:.0f} ms of the TTFT is the rest of the round (at most "
           f"{admission_hold_iters(dep)} decode iterations, TensorRT-LLM's "
           + ("batching wait)" if dep.disaggregated else
              "attention data-parallel balancing timeout), and the prompts a round admits are prefilled in "
              "the same iterations"),)
          if best.admission_wait_s > 0 else ()),
        *((pools.spec.describe(),) if pools.spec else ()),
        *filter(None, (large_batch_caution(pools.spec, dep.disaggregated, dec.attn_dp, best.batch),)),
        *(("no layout meets the latency limits: the closest is shown with the throughput there",)
          if slo_met is False else ()),
        *notes,
        *dep.notes,
        *((f"{req.model.slug}'s experts as published ({req.model.checkpoint_expert_precision.upper()} weights) "
           f"stay at that size and multiply {dec.expert_math_precision.upper()} activations "
           f"(dequantised in the expert GEMM); the rest of the checkpoint is {dec.dense_precision.upper()}",)
          if req.model.checkpoint_expert_precision and precision != "bf16" else ()),
        f"wall power {hw.system.power_typical_w:g} W per {hw.system.slug} under load (catalog typical)",
        *factors.notes,
    )
    regime = "latency" if req.scenario == "concurrency" else "limits" if req.has_limits else "inference"
    distance = inference_distance(req.input_tokens, req.output_tokens, M.total_params(req.model) / 1e9)
    frontier = tuple(frontier_points(req, hw, factors, cost_inputs, tried, chosen=best)) if with_frontier else ()
    considered = tuple(
        {"layout": p.deployment.as_config(), "output_tokens_per_s": round(p.tokens_per_s, 1),
         "ttft_p99_ms": round(p.ttft_p99_s * 1e3, 1), "tpot_p99_ms": round(p.tpot_p99_s * 1e3, 2),
         **({"slo_met": p.meets(req)} if req.has_limits else {})}
        for _, p in tried) if with_frontier else ()
    return InferenceEstimate(
        model=req.model.slug, system=hw.system.slug, precision=precision, scenario=req.scenario,
        gpus=req.gpus, tensor_parallel=dep.decode.tp, replicas=dep.decode_workers,
        batch_per_replica=max(1, round(best.batch)),
        output_tokens_per_s=best.tokens_per_s, ttft_ms=best.ttft_s * 1e3, tpot_ms=best.tpot_s * 1e3,
        ttft_p99_ms=best.ttft_p99_s * 1e3, tpot_p99_ms=best.tpot_p99_s * 1e3,
        power_w=power, tokens_per_joule=tokens_per_joule(best.tokens_per_s, power),
        usd_per_million_tokens=usd_per_million_tokens(hourly, best.tokens_per_s, cost_inputs),
        kv_cache_gb_per_gpu=dec.kv_capacity_bytes_per_gpu / GB, weights_gb_per_gpu=dec.weights_bytes_per_gpu / GB,
        breakdown=best.breakdown, limited_by=best.limited_by,
        band=band(factors.anchored_inference, regime, hw.family, precision, distance),
        assumptions=assumptions, slo_met=slo_met, layout=dep.as_config(), frontier=frontier, considered=considered,
        ttft_band=latency_band(regime, dep.disaggregated, "ttft", distance),
        tpot_band=latency_band(regime, dep.disaggregated, "tpot", distance),
    )


def frontier_points(req: InferenceRequest, hw: Hardware, factors: Factors, cost_inputs: CostInputs,
                    tried: list[tuple[Pools, Point]], chosen: Point | None = None) -> list[dict]:
    """Pareto frontier of output tok/s per GPU against tok/s per user over every deployment tried and
    decode batches in steps of √2 up to what memory holds, and the estimate's own operating point
    (``chosen``: so the chart's chosen point lies on or under its frontier, never above it). Each point
    carries tok/s per provisioned MW (busy systems + network + storage, × PUE) and $ per million tokens."""
    points: list[tuple[float, float, Deployment]] = []
    if chosen is not None:
        points.append((chosen.tokens_per_s / chosen.deployment.gpus, chosen.tokens_per_s_per_user,
                       chosen.deployment))
    points += [(p.tokens_per_s / pools.deployment.gpus, p.tokens_per_s_per_user, pools.deployment)
               for pools, _ in tried for p in batch_sweep(pools, req) if p.prefill_rho < RHO_MAX]
    frontier = pareto(points)
    out = []
    per_gpu_w = it_power_w(hw.system, 1)
    price = system_price_usd(hw.system, hw.family, cost_inputs)
    for per_gpu, per_user, dep in frontier:
        wall_w_per_gpu = facility_power(per_gpu_w, pue=DEFAULT_PUE).wall_w
        hourly = usd_per_hour(systems_for_gpus(hw.system, 1), price, per_gpu_w, cost_inputs)
        out.append({
            "tokens_per_s_per_gpu": round(per_gpu, 2), "tokens_per_s_per_user": round(per_user, 2),
            "tokens_per_s_per_mw": round(per_gpu / wall_w_per_gpu * 1e6, 0),
            "usd_per_million_tokens": round(usd_per_million_tokens(hourly, per_gpu, cost_inputs), 4),
            "layout": dep.as_config(),
        })
    return out
