"""Inference serving estimates per scenario, on ``gpus`` GPUs split into TP replicas.

Scenarios (MLPerf vocabulary):

* ``offline`` — maximum throughput: every replica runs the largest batch memory allows.
* ``server`` / ``interactive`` — maximum throughput while p99 TTFT and TPOT stay under the
  limits. p99 is modelled as mean × a fixed ratio (``TPOT_P99_OVER_MEAN``, ``TTFT_P99_OVER_MEAN``);
  Poisson arrivals leave ``POISSON_LOAD_FACTOR`` headroom.
* ``concurrency`` — a fixed number of requests in flight (benchmark clients): TTFT, TPOT and the
  throughput that follows. Requests of fixed lengths run in lock-step waves of
  ``PREFILL_CHUNK_TOKENS / input`` requests, so TTFT is one wave's prefill plus half an iteration.

Continuous batching in steady state: a replica with ``B`` running sequences admits ``B·in/out``
prompt tokens per iteration, so every iteration mixes decode and prefill work.
When TP is not given, every TP up to the scale-up domain is tried and the best kept;
replicas = GPUs // TP.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from studio.domain.catalog import LlmModel

from . import models as M
from .calibration import Factors
from .confidence import band
from .constants import GB, PREFILL_CHUNK_TOKENS, TP_CHOICES, TPOT_P99_OVER_MEAN, TTFT_P99_OVER_MEAN
from .cost import CostInputs, system_price_usd, usd_per_hour, usd_per_million_tokens
from .energy import it_power_w, systems_for_gpus, tokens_per_joule
from .errors import EstimateError
from .hardware import Hardware
from .results import InferenceEstimate, TimeBreakdown
from .serving import Replica

SCENARIOS = ("offline", "server", "interactive", "concurrency")
#: Share of the saturated throughput a Poisson-loaded server sustains while its queue stays
#: bounded (MLPerf v4.1 server ÷ offline on the same system: H100 0.88, H200 0.93) [M].
POISSON_LOAD_FACTOR = 0.9


@dataclass(frozen=True)
class InferenceRequest:
    model: LlmModel
    precision: str
    scenario: str
    input_tokens: int
    output_tokens: int
    gpus: int
    tensor_parallel: int | None = None
    concurrency: int | None = None
    ttft_p99_limit_ms: float | None = None
    tpot_p99_limit_ms: float | None = None


@dataclass(frozen=True)
class _Point:
    tp: int
    batch: int
    tokens_per_s: float
    ttft_s: float
    tpot_s: float
    breakdown: TimeBreakdown
    limited_by: str
    kv_gb: float
    weights_gb: float


def validate(req: InferenceRequest) -> None:
    M.check_precision(req.precision)
    if req.scenario not in SCENARIOS:
        raise EstimateError(f"unknown scenario '{req.scenario}' (expected one of {', '.join(SCENARIOS)})")
    if req.gpus is None or req.gpus < 1:
        raise EstimateError("the cluster has no GPUs: at least one is needed")
    if req.input_tokens is None or req.output_tokens is None or req.input_tokens < 1 or req.output_tokens < 1:
        raise EstimateError("input_tokens and output_tokens must both be at least 1")
    if req.input_tokens + req.output_tokens > req.model.max_context:
        raise EstimateError(f"input + output = {req.input_tokens + req.output_tokens} tokens exceeds "
                            f"{req.model.slug}'s context of {req.model.max_context} tokens")
    if req.tensor_parallel is not None and (req.tensor_parallel < 1 or req.tensor_parallel > req.gpus):
        raise EstimateError(f"tensor_parallel {req.tensor_parallel} must be between 1 and the {req.gpus} GPUs")
    if req.scenario == "concurrency" and (req.concurrency is None or req.concurrency < 1):
        raise EstimateError("scenario 'concurrency' needs concurrency ≥ 1")


def tp_candidates(req: InferenceRequest, hw: Hardware) -> list[int]:
    if req.tensor_parallel:
        return [req.tensor_parallel]
    limit = min(req.gpus, hw.scale_up_domain)
    return [t for t in TP_CHOICES if t <= limit and t <= req.model.heads]


def _steady_iteration(rep: Replica, req: InferenceRequest, batch: float) -> TimeBreakdown:
    """One mixed iteration at batch ``batch``: B decode tokens + B·in/out prompt tokens."""
    i, o = req.input_tokens, req.output_tokens
    return rep.iteration(batch, i + o / 2.0, batch * i / o, i / 2.0)


def _ttft_queue_s(rep: Replica, req: InferenceRequest, t_iter: float) -> float:
    """Mean TTFT under random arrivals: ``ttft_iterations`` mixed iterations (half a residual
    iteration, the wait for a token budget, the iteration that carries the prompt)."""
    return rep.factors.ttft_iterations * t_iter


def _offline(rep: Replica, req: InferenceRequest, bmax: int) -> _Point:
    it = _steady_iteration(rep, req, bmax)
    t = it.total_s
    limit = "memory (KV cache)" if bmax < 2048 else "engine batch limit"
    return _Point(rep.tp, bmax, bmax / t, _ttft_queue_s(rep, req, t), t, it, limit, 0, 0)


def _latency_bound(rep: Replica, req: InferenceRequest, bmax: int) -> _Point:
    def ok(b: int) -> bool:
        t = _steady_iteration(rep, req, b).total_s
        if req.tpot_p99_limit_ms and t * TPOT_P99_OVER_MEAN * 1e3 > req.tpot_p99_limit_ms:
            return False
        return not (req.ttft_p99_limit_ms and _ttft_queue_s(rep, req, t) * TTFT_P99_OVER_MEAN * 1e3 > req.ttft_p99_limit_ms)

    if ok(bmax):
        b, limit = bmax, "memory (KV cache)"
    elif not ok(1):
        b, limit = 1, "latency limits unreachable even at batch 1"
    else:
        lo, hi = 1, bmax  # ok(lo), not ok(hi)
        while hi - lo > 1:
            mid = (lo + hi) // 2
            lo, hi = (mid, hi) if ok(mid) else (lo, mid)
        b, limit = lo, "p99 latency limits"
    it = _steady_iteration(rep, req, b)
    t = it.total_s
    return _Point(rep.tp, b, b / t * POISSON_LOAD_FACTOR, _ttft_queue_s(rep, req, t), t, it, limit, 0, 0)


def _concurrency(rep: Replica, req: InferenceRequest, bmax: int, replicas: int) -> _Point:
    """``concurrency`` requests spread over the replicas (idle replicas when fewer requests);
    throughput = concurrency × output / request time, whatever the replica count."""
    i, o = req.input_tokens, req.output_tokens
    per_replica = math.ceil(req.concurrency / replicas)
    b = min(per_replica, bmax)
    it = _steady_iteration(rep, req, b)
    tpot = it.total_s
    wave = min(b, max(1, PREFILL_CHUNK_TOKENS // i))
    prefill = rep.iteration(0, 0, wave * i, i / 2.0).total_s
    ttft = prefill + 0.5 * tpot
    request_s = ttft + (o - 1) * tpot
    if per_replica > b:  # the rest wait for a free slot
        ttft += (per_replica / b - 1) * request_s
        request_s = ttft + (o - 1) * tpot
    limit = "fixed concurrency" if per_replica <= bmax else "memory (KV cache): requests queue"
    total = req.concurrency * o / request_s
    return _Point(rep.tp, b, total / replicas, ttft, tpot, it, limit, 0, 0)


def estimate_inference(req: InferenceRequest, hw: Hardware, factors: Factors,
                       cost_inputs: CostInputs = CostInputs()) -> InferenceEstimate:
    """Estimate one inference workload on ``req.gpus`` GPUs of ``hw``; see the module doc."""
    validate(req)
    best: _Point | None = None
    best_replicas = 0
    tried = []
    for tp in tp_candidates(req, hw):
        rep = Replica(req.model, hw, req.precision, tp, factors)
        bmax = rep.max_batch(req.input_tokens, req.output_tokens)
        tried.append(tp)
        if bmax < 1:
            continue
        replicas = req.gpus // tp
        if req.scenario == "offline":
            p = _offline(rep, req, bmax)
        elif req.scenario == "concurrency":
            p = _concurrency(rep, req, bmax, replicas)
        else:
            p = _latency_bound(rep, req, bmax)
        p = _Point(p.tp, p.batch, p.tokens_per_s * replicas, p.ttft_s, p.tpot_s, p.breakdown, p.limited_by,
                   rep.kv_capacity_bytes_per_gpu / GB, rep.weights_bytes_per_gpu / GB)
        if best is None or p.tokens_per_s > best.tokens_per_s * 1.0001:
            best, best_replicas = p, replicas
    if best is None:
        need = M.weight_bytes(req.model, req.precision) / GB
        raise EstimateError(
            f"{req.model.slug} at {req.precision} ({need:.0f} GB of weights plus KV cache for "
            f"{req.input_tokens + req.output_tokens} tokens) does not fit in {hw.accelerator.memory_gb:g} GB GPUs "
            f"at tensor-parallel sizes {tried}")
    power = it_power_w(hw.system, best.tp * best_replicas)
    hourly = usd_per_hour(systems_for_gpus(hw.system, best.tp * best_replicas),
                          system_price_usd(hw.system, hw.family, cost_inputs), power, cost_inputs)
    regime = "latency" if req.scenario == "concurrency" else "inference"
    assumptions = (
        f"TP{best.tp} × {best_replicas} replica(s), {best.batch} sequences in flight per replica ({best.limited_by})",
        f"weights {best.weights_gb:.1f} GB and KV cache {best.kv_gb:.1f} GB per GPU; KV cache in "
        f"{'FP8' if req.precision != 'bf16' else 'BF16'}",
        "continuous batching: decode and prompt tokens share every iteration",
        f"wall power {hw.system.power_typical_w:g} W per {hw.system.slug} under load (catalog typical)",
        *factors.notes,
    )
    return InferenceEstimate(
        model=req.model.slug, system=hw.system.slug, precision=req.precision, scenario=req.scenario,
        gpus=req.gpus, tensor_parallel=best.tp, replicas=best_replicas, batch_per_replica=best.batch,
        output_tokens_per_s=best.tokens_per_s, ttft_ms=best.ttft_s * 1e3, tpot_ms=best.tpot_s * 1e3,
        ttft_p99_ms=best.ttft_s * 1e3 * TTFT_P99_OVER_MEAN, tpot_p99_ms=best.tpot_s * 1e3 * TPOT_P99_OVER_MEAN,
        power_w=power, tokens_per_joule=tokens_per_joule(best.tokens_per_s, power),
        usd_per_million_tokens=usd_per_million_tokens(hourly, best.tokens_per_s, cost_inputs),
        kv_cache_gb_per_gpu=best.kv_gb, weights_gb_per_gpu=best.weights_gb, breakdown=best.breakdown,
        limited_by=best.limited_by,
        band=band(factors.anchored_inference, regime, hw.family, req.precision),
        assumptions=assumptions,
    )
