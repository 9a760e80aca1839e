"""Inference serving estimates per scenario, on ``gpus`` GPUs served as a ``layouts.Deployment``.

Scenarios (MLPerf vocabulary):

* ``offline`` — maximum throughput: every decode worker runs the largest batch memory allows.
* ``server`` / ``interactive`` — open Poisson arrivals: the largest load whose p99 TTFT and p99 TPOT
  stay under the limits. When no layout meets them the result says ``slo_met: false`` and gives the
  best latencies reachable (at batch ~1) and the throughput there — never a throughput that breaks a
  limit silently.
* ``concurrency`` — a closed loop of ``concurrency`` clients (benchmark harnesses): the operating point
  where the requests in decode plus those waiting for their first token add up to the clients
  (Little's law: ``C = W·b + X·TTFT``); TTFT and TPOT are then the median request's, and the output is
  the steady state's averaged over a benchmark run of ``BENCHMARK_REQUESTS_PER_CLIENT`` requests per
  client (``queueing.benchmark_run_share``), which the assumptions give beside it.

Operating point at decode batch ``b`` per decode worker (``operating_point``): an iteration carries
``b`` decode tokens (× the tokens verified per step with MTP) and, aggregated, the ``b·in/out`` prompt
tokens that keep the batch full; TPOT = iteration ÷ tokens per step; request rate ``X = W·b/(out·TPOT)``.
TTFT = the API request's fixed cost (closed-loop benchmarks only) + half a decode iteration (the one
running when the prompt arrives) + the prompt's prefill — aggregated, in the iteration that carries it,
at least a decode iteration long; disaggregated, alone on a prefill worker plus the KV-cache transfer —
+ the wait for the prefill server (``queueing``) + on a decode worker with data-parallel attention, the
rest of the request's admission round (one new request per rank, ``queueing.round_wait_iters``, at most
``admission_hold_iters`` iterations), and never less than the prompt's compute/memory floor.
When one prompt per rank cannot keep the prefill workers up with a closed loop's clients, the prompts
queue and each worker fills its token budget (``PREFILL_CHUNK_TOKENS`` ÷ prompt per rank per batch): more
prompts per second, each taking its batch's time. When no ``config`` is given, every candidate layout
(``layouts.candidate_layouts``) is tried aggregated, and disaggregated splits of the GPUs too when
the scenario has latency limits or a concurrency; the best is kept (``search.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

from studio.domain.catalog import LlmModel

from . import models as M
from .calibration import Factors
from .collectives import kv_transfer_s
from .constants import (
    BENCHMARK_DRAIN_REQUESTS,
    BENCHMARK_REQUESTS_PER_CLIENT,
    DP_ADMISSION_WAIT_ITERS,
    DP_CONTEXT_WAIT_ITERS,
    PREFILL_CHUNK_TOKENS,
    TPOT_P99_OVER_MEAN,
)
from .errors import EstimateError
from .hardware import Hardware
from .layouts import Deployment
from .queueing import RHO_MAX, benchmark_run_share, cycle_wait_s, mean_wait_s, quantile_wait_s, round_wait_iters
from .results import TimeBreakdown
from .serving import Replica, admission_output_share
from .specdec import SpecDecoding

SCENARIOS = ("offline", "server", "interactive", "concurrency")


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
    config: dict | None = None
    spec_decoding: str | None = None

    @property
    def has_limits(self) -> bool:
        return self.ttft_p99_limit_ms is not None or self.tpot_p99_limit_ms is not None


@dataclass(frozen=True)
class Point:
    """One operating point of one deployment."""

    deployment: Deployment
    batch: float  # mean sequences decoding per decode worker
    tokens_per_s: float  # whole deployment, output tokens
    ttft_s: float  # median
    ttft_mean_s: float
    ttft_p99_s: float
    tpot_s: float
    tpot_p99_s: float
    breakdown: TimeBreakdown
    limited_by: str
    decode_worker: Replica
    prefill_rho: float
    admission_wait_s: float = 0.0  # of the median TTFT: the rest of a data-parallel attention admission round
    steady_tokens_per_s: float | None = None  # a benchmark run's point: the steady state's output (``tokens_per_s`` is the run's)

    def meets(self, req: InferenceRequest) -> bool:
        if req.ttft_p99_limit_ms is not None and self.ttft_p99_s * 1e3 > req.ttft_p99_limit_ms:
            return False
        return not (req.tpot_p99_limit_ms is not None and self.tpot_p99_s * 1e3 > req.tpot_p99_limit_ms)

    @property
    def tokens_per_s_per_user(self) -> float:
        return 1.0 / self.tpot_s if self.tpot_s > 0 else 0.0


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
    if req.tensor_parallel is not None and req.model.heads % req.tensor_parallel:
        raise EstimateError(f"tensor_parallel {req.tensor_parallel} does not divide {req.model.slug}'s "
                            f"{req.model.heads} attention heads")
    if req.scenario == "concurrency" and (req.concurrency is None or req.concurrency < 1):
        raise EstimateError("scenario 'concurrency' needs concurrency ≥ 1")
    for name in ("ttft_p99_limit_ms", "tpot_p99_limit_ms"):
        value = getattr(req, name)
        if value is not None and not value > 0:
            raise EstimateError(f"{name} must be a positive number of milliseconds, found {value!r}")
    if req.config is not None and not isinstance(req.config, dict):
        raise EstimateError(f"config must be an object (serving, tp, ep, dp_attention, prefill, decode …), "
                            f"found {req.config!r}")


@dataclass(frozen=True)
class Pools:
    """The workers of a deployment, built once (their memory fit is per layout)."""

    deployment: Deployment
    decode: Replica
    prefill: Replica  # the decode worker itself when aggregated
    bmax: int  # sequences a decode worker holds
    spec: SpecDecoding | None


def build_pools(dep: Deployment, req: InferenceRequest, hw: Hardware, factors: Factors,
                spec: SpecDecoding | None) -> Pools | None:
    """The deployment's workers, or None when a worker cannot hold one full sequence."""
    d = dep.decode
    dec = Replica(req.model, hw, req.precision, d.tp, factors, d.ep, d.dp_attention, d.pp)
    share = admission_output_share(req.scenario)
    bmax = dec.max_batch(req.input_tokens, req.output_tokens, share)
    if bmax < 1:
        return None
    pre = dec
    if dep.disaggregated:
        p = dep.prefill
        pre = Replica(req.model, hw, req.precision, p.tp, factors, p.ep, p.dp_attention, p.pp)
        if pre.max_batch(req.input_tokens, 1, share) < 1:
            return None
    return Pools(dep, dec, pre, bmax, spec)


def others_share(req: InferenceRequest) -> float:
    """Share of the prompts prefilled while a request decodes that belong to *other* requests.

    A request's own prompt is prefilled before it decodes (in its TTFT), never during its decode. With
    open arrivals (and offline) the other requests are countless: 1. In a closed loop of ``C`` clients the
    client whose request is decoding sends nothing until it finishes, so prompts arrive during its decode
    at ``(C − 1)/C`` of the overall rate: one client (c1): 0, nothing interrupts its decode; 4 clients: 0.75.
    """
    if req.scenario != "concurrency" or not req.concurrency:
        return 1.0
    return (req.concurrency - 1) / req.concurrency


def decode_iteration(dec: Replica, b: float, context: float, prompt_tokens: float, chunk_tokens: int,
                     prompt_context: float, verify: float, round_ranks: float = 1.0) -> TimeBreakdown:
    """The mean iteration of an aggregated worker decoding ``b`` sequences while prompts arrive at
    ``prompt_tokens`` per iteration, each prefilled in chunks of ``chunk_tokens`` (a whole prompt up to
    the engine's chunk budget).

    Prompts come in chunks, not a few tokens per iteration: with ``n = prompt_tokens / chunk`` < 1, a
    share ``n`` of the iterations carries one chunk (on one attention rank) and the rest are pure decode;
    with ``n`` ≥ 1 every iteration carries ``n`` chunks spread over up to ``n`` ranks. For a MoE this is
    what decides the expert traffic: DeepSeek-R1 on 4 × B300, 8 clients of 8,192-token prompts, 64 prompt
    tokens per iteration: spread evenly they would touch nearly every expert in every iteration (~30 ms
    of expert reads at TP4); as 8,192-token chunks one iteration in 128 touches them all and the rest
    touch the ~20 % the eight decoding tokens route to.

    ``round_ranks`` (``k``) of the ``d`` data-parallel attention ranks take their chunks in the same
    iteration — prompts queued (offline, or more clients than the workers hold: ``k = d``), or admitted in
    rounds (``operating_point``) — so a share ``n/k`` of the iterations carries one chunk on each of ``k``
    ranks instead of one rank prefilling while the others wait for it (the ranks step together through
    the MoE); with ``n`` ≥ ``k`` every iteration carries ``n`` chunks over up to ``n`` ranks. ``k = 1``:
    one prompt at a time. Without data-parallel attention (``d = 1``) there is one rank and no round.
    """
    if prompt_tokens <= 0:
        return dec.iteration(b, context, 0.0, 0.0, verify)
    n = prompt_tokens / chunk_tokens
    k = max(1.0, min(round_ranks, dec.attn_dp))
    if n >= k:
        return dec.iteration(b, context, prompt_tokens, prompt_context, verify, prefill_ranks=n)
    pure = dec.iteration(b, context, 0.0, 0.0, verify)
    mixed = dec.iteration(b, context, chunk_tokens * k, prompt_context, verify, prefill_ranks=k)
    return pure.scaled(1 - n / k) + mixed.scaled(n / k)


def admission_hold_iters(dep: Deployment) -> int:
    """Most decode iterations a new request waits for its admission round on a decode worker with
    data-parallel attention: ``DP_CONTEXT_WAIT_ITERS`` on an aggregated worker, whose ranks balance the
    prompts themselves; ``DP_ADMISSION_WAIT_ITERS`` on a disaggregated decode worker."""
    return DP_ADMISSION_WAIT_ITERS if dep.disaggregated else DP_CONTEXT_WAIT_ITERS


def operating_point(pools: Pools, req: InferenceRequest, b: float, backlog: bool = False) -> Point:
    """The deployment at a mean of ``b`` sequences decoding per decode worker (see the module doc);
    ``backlog``: prompts are queued (offline, or clients beyond what the workers hold), so data-parallel
    attention ranks prefill their chunks together (``decode_iteration``)."""
    dep, dec, pre, spec = pools.deployment, pools.decode, pools.prefill, pools.spec
    i, o = req.input_tokens, req.output_tokens
    verify = 1 + spec.draft_tokens if spec else 1
    per_step = spec.tokens_per_step if spec else 1.0
    prompt_tokens = 0.0 if dep.disaggregated else b * i / o * per_step * others_share(req)
    # prompts that take their chunks together: all the ranks' when they queue; otherwise the admission round's
    # — one new request per rank, or what arrived (b·per_step/o per iteration) before the hold ran out (one
    # rank without data-parallel attention; a disaggregated decode worker prefills nothing)
    hold = admission_hold_iters(dep)
    together = dec.attn_dp if backlog else min(dec.attn_dp, 1.0 + b * per_step / o * hold)
    it = decode_iteration(dec, b, i + o / 2.0, prompt_tokens, min(i, PREFILL_CHUNK_TOKENS), i / 2.0, verify,
                          round_ranks=together)
    step = it.total_s
    if spec:  # the draft module: one extra layer's iteration share per drafted token
        step += spec.draft_tokens * spec.draft_layers * (step - it.overhead_s) / req.model.layers
    tpot = step / per_step
    workers = dep.decode_workers
    rate = workers * b / (o * tpot)  # requests per second
    # a benchmark client's request through the API server (HTTP, tokenising, scheduling, streaming the
    # first token back) — the closed-loop scenario; MLPerf LoadGen drives the engine in-process
    api = req.scenario == "concurrency"
    fixed_s = pre.factors.prefill_fixed_s if api else 0.0
    # the engine behind it launches each prefill's kernels eagerly (``Replica.prefill_launch_s``)
    launch = pre.prefill_launch_s() if api else 0.0
    k = max(1, PREFILL_CHUNK_TOKENS // i) if backlog and dep.disaggregated else 1  # queued prompts per rank
    batch = pre.prefill_s(i, k * pre.attn_dp)  # k prompts on every attention rank
    one = batch if k * pre.attn_dp == 1 else pre.prefill_s(i)  # one prompt alone (on one attention rank)
    # a prompt's own prefill; a queued prefill worker runs k per rank, each waiting for its batch
    alone = (one if k == 1 else batch) + launch
    # per prompt with every attention rank busy. A pipeline's stages are already all busy in ``batch``: its
    # iteration splits the prompts into ``pp`` micro-batches (``Replica.iteration``), so it is not divided by
    # ``pp`` again (until stop 30 it was: a TP8/PP4 prefill pool of DeepSeek-R1 8k prompts on GB200 took
    # 9 ms a prompt where four TP8 workers on the same 32 GPUs take 30, and the search put PP4 prefill
    # pools on the frontier at 1.9× the tok/s per GPU of any other)
    service = batch / (k * pre.attn_dp)
    if dep.disaggregated:
        rho = rate / dep.prefill_workers * service
        transfer = kv_transfer_s(M.kv_bytes_per_sequence(req.model, pre.kv_precision, i),
                                 min(pre.gpus, dec.gpus), pre.hw.scale_up_domain >= dep.gpus, pre.hw)
        # the disaggregated path: router, prefill queue and KV-transfer handshake on top of the API server
        path = pre.factors.disagg_fixed_s if api else 0.0
        fixed = fixed_s + path + alone + transfer + step / 2.0
        # data-parallel attention ranks step together: a prompt also waits out the prefill iteration in
        # progress, one prompt's long, which runs a share ``busy`` of the time (the queue sees all the ranks)
        busy = rate / dep.prefill_workers * one if pre.attn_dp > 1 else 0.0
    else:
        busy = 0.0
        rho = rate / workers * service
        # the prompt rides in the next iteration, which lasts at least a decode iteration at this batch
        fixed = fixed_s + step / 2.0 + max(alone, step)
    fixed = max(fixed, pre.prefill_floor_s(i))
    # a decode worker with data-parallel attention admits new requests in rounds, one per rank
    admission = admission_p99 = 0.0
    if dec.attn_dp > 1:
        per_iter = rate / workers * step  # new requests per decode iteration of one worker
        admission = round_wait_iters(dec.attn_dp, per_iter, hold) * step
        admission_p99 = round_wait_iters(dec.attn_dp, per_iter, hold, 0.99) * step
    ttft_med = fixed + admission + quantile_wait_s(rho, service, 0.5) + cycle_wait_s(busy, one, 0.5)
    ttft_mean = fixed + admission + mean_wait_s(rho, service) + cycle_wait_s(busy, one)
    ttft_p99 = fixed + admission_p99 + quantile_wait_s(rho, service, 0.99) + cycle_wait_s(busy, one, 0.99)
    limit = "memory (KV cache)" if b >= pools.bmax else "load"
    return Point(dep, b, rate * o, ttft_med, ttft_mean, ttft_p99, tpot, tpot * TPOT_P99_OVER_MEAN, it, limit,
                 dec, rho, admission)


#: A batch bisection stops when its bracket is this share of its upper end (a throughput that close to the
#: limit's is the same to six figures) [M].
BISECT_RELATIVE = 1e-7


def _bisect(lo: float, hi: float, below: Callable[[float], bool],
            relative: float = BISECT_RELATIVE) -> tuple[float, float]:
    """Halvings of ``[lo, hi]`` toward the batch where ``below`` stops holding (true at ``lo``, false at
    ``hi``) until the bracket is ``relative`` of its upper end, forty at most (the rule before stop
    29): [0, 2,048] toward a batch near 1,000 takes 25 halvings (2,048 / 2²⁵ = 6.1e-5 ≤ 1e-7 × 1,000); at
    the search's screening bracket (``search.SCREEN_RELATIVE``, 1e-3) 11 (2,048 / 2¹¹ = 1 ≤ 1e-3 × 1,000)."""
    for _ in range(40):
        if hi - lo <= relative * hi:
            break
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if below(mid) else (lo, mid)
    return lo, hi


def _max_batch(pools: Pools, req: InferenceRequest, backlog: bool = False,
               relative: float = BISECT_RELATIVE) -> float:
    """The largest batch the decode workers can run with the prefill server below saturation."""
    hi = float(pools.bmax)
    if operating_point(pools, req, hi, backlog).prefill_rho < RHO_MAX:
        return hi
    lo = min(1.0, hi)
    if operating_point(pools, req, lo, backlog).prefill_rho >= RHO_MAX:
        return lo
    return _bisect(lo, hi, lambda b: operating_point(pools, req, b, backlog).prefill_rho < RHO_MAX, relative)[0]


def offline_point(pools: Pools, req: InferenceRequest, relative: float = BISECT_RELATIVE) -> Point:
    b = _max_batch(pools, req, relative=relative)
    p = operating_point(pools, req, b, backlog=True)
    limit = "memory (KV cache)" if b >= pools.bmax else "prefill capacity"
    if b >= pools.bmax and pools.bmax >= 2048 * pools.decode.attn_dp:
        limit = "engine batch limit"
    return _relabel(p, limit)


def _relabel(p: Point, limit: str) -> Point:
    """``p`` with another ``limited_by``: every field copied positionally (``dataclasses.replace`` cost 6 %
    of the frontier's time), so a field added to ``Point`` is added here too."""
    return Point(p.deployment, p.batch, p.tokens_per_s, p.ttft_s, p.ttft_mean_s, p.ttft_p99_s, p.tpot_s,
                 p.tpot_p99_s, p.breakdown, limit, p.decode_worker, p.prefill_rho, p.admission_wait_s,
                 p.steady_tokens_per_s)


def latency_point(pools: Pools, req: InferenceRequest, relative: float = BISECT_RELATIVE) -> Point:
    """Open arrivals: the largest batch meeting the p99 limits; batch ~1 when none does."""
    hi = _max_batch(pools, req, relative=relative)
    top = operating_point(pools, req, hi)
    if top.meets(req):
        return _relabel(top, "memory (KV cache)" if hi >= pools.bmax else "prefill capacity")
    lo = min(1.0, hi)
    low = operating_point(pools, req, lo)
    if not low.meets(req):
        return _relabel(low, "latency limits unreachable even at batch 1")
    lo, _ = _bisect(lo, hi, lambda b: operating_point(pools, req, b).meets(req), relative)
    return _relabel(operating_point(pools, req, lo), "p99 latency limits")


def concurrency_point(pools: Pools, req: InferenceRequest, relative: float = BISECT_RELATIVE) -> Point:
    """Closed loop of ``req.concurrency`` clients, as a benchmark runs it: the steady state
    (``steady_point``), its output averaged over a run of ``BENCHMARK_REQUESTS_PER_CLIENT`` requests per client
    (``queueing.benchmark_run_share``: the start's burst and the end's drain). TTFT and TPOT are the median
    request's, in the steady state."""
    p = steady_point(pools, req, relative)
    share = benchmark_run_share(p.prefill_rho, BENCHMARK_REQUESTS_PER_CLIENT, BENCHMARK_DRAIN_REQUESTS)
    return replace(p, tokens_per_s=p.tokens_per_s * share, steady_tokens_per_s=p.tokens_per_s)


def steady_point(pools: Pools, req: InferenceRequest, relative: float = BISECT_RELATIVE) -> Point:
    """Closed loop of ``req.concurrency`` clients: solve ``W·b + X·TTFT = C`` for ``b``. Beyond what the
    workers hold, the rest of the clients queue (``backlog``): queued prompts batch on a disaggregated
    prefill worker and go on data-parallel attention ranks together; if the batching prefill keeps up, the
    clients settle between the two."""
    c = float(req.concurrency)
    workers = pools.deployment.decode_workers

    def clients(p: Point) -> float:
        return workers * p.batch + p.tokens_per_s / req.output_tokens * p.ttft_mean_s

    hi = _max_batch(pools, req, relative=relative)
    top = operating_point(pools, req, hi)
    if clients(top) <= c:  # saturated: the rest of the clients queue for a slot or for prefill
        start, hi = hi, _max_batch(pools, req, backlog=True, relative=relative)
        top = operating_point(pools, req, hi, backlog=True)
        if clients(top) > c:  # a queued prefill worker, batching, keeps up: the clients settle in between
            lo, hi = _bisect(start, hi, lambda b: clients(operating_point(pools, req, b, backlog=True)) < c,
                             relative)
            return _relabel(operating_point(pools, req, (lo + hi) / 2, backlog=True), "prefill capacity")
        rate = top.tokens_per_s / req.output_tokens
        queued = max(0.0, c - clients(top)) / rate if rate > 0 else 0.0
        limit = "memory (KV cache): requests queue" if hi >= pools.bmax else "prefill capacity: requests queue"
        return replace(top, ttft_s=top.ttft_s + queued, ttft_mean_s=top.ttft_mean_s + queued,
                       ttft_p99_s=top.ttft_p99_s + queued, limited_by=limit)
    lo, hi = _bisect(0.0, hi, lambda b: clients(operating_point(pools, req, b)) < c, relative)
    return _relabel(operating_point(pools, req, (lo + hi) / 2), "fixed concurrency")


def point_for(pools: Pools, req: InferenceRequest, relative: float = BISECT_RELATIVE) -> Point:
    """The deployment's operating point for the workload's scenario, its batch bisected to ``relative``."""
    if req.scenario == "offline":
        return offline_point(pools, req, relative)
    if req.scenario == "concurrency":
        return concurrency_point(pools, req, relative)
    return latency_point(pools, req, relative)


from .search import estimate_inference  # noqa: E402  (the public entry point; search builds on this module)

__all__ = ["SCENARIOS", "InferenceRequest", "Point", "Pools", "build_pools", "estimate_inference",
           "operating_point", "point_for", "validate"]
