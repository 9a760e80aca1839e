"""Waiting for the prefill server: how long a new prompt queues behind others.

The prefill work of a worker is a single server with (nearly) deterministic service time ``s``
(the prompt lengths of a workload are alike) and random arrivals at utilisation ``ρ``. Mean wait is
Pollaczek–Khinchine for M/D/1: ``W = ρ·s / (2·(1 − ρ))``. For the percentiles, a prompt waits at all
with probability ``ρ`` and the wait of those that do is taken as exponential with mean ``W/ρ``
(the heavy-traffic shape of queue waits, Kingman): median ``(W/ρ)·ln(2ρ)`` when ``ρ > ½`` else 0,
p99 ``(W/ρ)·ln(100ρ)`` when ``ρ > 1 %`` else 0.

Closed loops of clients (benchmark harnesses) arrive less randomly than Poisson; the same formulas are
used for both, and the closed loop's throughput follows from Little's law (``inference.py``).

A worker whose ranks step together (data-parallel attention ranks share the MoE layers, so every
iteration waits for all of them) serves up to one prompt per rank per iteration: the queue above sees
its whole capacity, but a prompt that arrives during an iteration still waits that iteration out
(``cycle_wait_s``).

A benchmark's closed loop is a run of a set number of requests per client, started with every client's
first prompt at once and ended when the last request finishes: its output throughput is the run's average,
below the steady state by the start's burst and the end's drain (``benchmark_run_share``).

A worker with data-parallel attention admits new requests in rounds, one per rank, so that the ranks
take them in the same iteration; a request waits for the rest of its round, at most a set number of
iterations (``round_wait_iters``).
"""

from __future__ import annotations

import functools
import math

#: Utilisation treated as saturation: above it the queue grows without bound [M].
RHO_MAX = 0.98


def mean_wait_s(rho: float, service_s: float) -> float:
    """M/D/1 mean wait. ρ = 0.5, s = 100 ms: 0.5 × 0.1 / (2 × 0.5) = 50 ms."""
    if rho <= 0 or service_s <= 0:
        return 0.0
    rho = min(rho, RHO_MAX)
    return rho * service_s / (2.0 * (1.0 - rho))


def quantile_wait_s(rho: float, service_s: float, q: float) -> float:
    """Wait at quantile ``q`` (0.5 median, 0.99 p99). ρ = 0.5, s = 100 ms: median 0;
    p99 = (50 ms / 0.5) × ln(0.5 / 0.01) = 100 ms × ln 50 = 391 ms."""
    if rho <= 0 or service_s <= 0:
        return 0.0
    rho = min(rho, RHO_MAX)
    tail = 1.0 - q  # P(wait > x) = ρ·exp(−x·ρ/W) = tail
    if rho <= tail:
        return 0.0
    return mean_wait_s(rho, service_s) / rho * math.log(rho / tail)


def cycle_wait_s(busy: float, cycle_s: float, q: float | None = None) -> float:
    """Wait for the iteration in progress on a lock-step worker: with probability ``busy`` a prompt
    arrives during an iteration of ``cycle_s`` and waits out its remainder, uniform on [0, ``cycle_s``].
    Mean (``q`` None) ``busy·cycle_s/2``; quantile ``q``: ``cycle_s·(1 − (1 − q)/busy)`` when
    ``busy > 1 − q``, else 0. busy 0.8, cycle 400 ms: mean 160 ms; median 400 × (1 − 0.5/0.8) = 150 ms;
    p99 400 × (1 − 0.01/0.8) = 395 ms."""
    busy = min(max(busy, 0.0), 1.0)
    if busy <= 0 or cycle_s <= 0:
        return 0.0
    if q is None:
        return busy * cycle_s / 2.0
    tail = 1.0 - q
    return cycle_s * (1.0 - tail / busy) if busy > tail else 0.0


def round_wait_iters(ranks: int, arrivals_per_iter: float, most_iters: float, q: float = 0.5) -> float:
    """Decode iterations a new request waits on a worker of ``ranks`` data-parallel attention ranks that
    admits new requests once every rank has one, or after ``most_iters``. Requests arrive at
    ``arrivals_per_iter`` (λ) per iteration and the router sends each to the rank with the fewest prompt
    tokens in flight — TensorRT-LLM's ``DefaultADPRouter``, a min-heap on ``num_active_tokens`` [V-3p:
    NVIDIA/TensorRT-LLM ``_torch/pyexecutor`` ADP router] — which completions decide: a waiting prompt adds
    one prompt to the hundreds a rank holds, so it does not steer the next arrival away. The rank an arrival
    lands on is thus independent of which ranks already hold one, and filling every rank takes the coupon
    collector's ``ranks·H(ranks)`` arrivals (H the harmonic number), not ``ranks``: the request that opens a
    round waits ``(ranks·H(ranks) − 1)/λ``, the last none, so the request at quantile ``q`` of its round waits
    ``q·(ranks·H(ranks) − 1)/λ`` (the median and the mean at ``q`` = ½), never more than ``most_iters``; no
    arrivals: ``most_iters``. 8 ranks (8·H(8) = 21.74 arrivals), 4 arrivals per iteration, at most 10: median
    min(10, 0.5 × 20.74 / 4) = 2.59 iterations; p99 min(10, 0.99 × 20.74 / 4) = 5.13. One rank: 0."""
    if ranks <= 1:
        return 0.0
    if arrivals_per_iter <= 0:
        return most_iters
    return min(most_iters, q * arrivals_to_fill(ranks) / arrivals_per_iter)


@functools.cache
def arrivals_to_fill(ranks: int) -> float:
    """Arrivals after a round's first until every one of ``ranks`` ranks holds one, when each lands on a
    rank at random: the coupon collector's ``ranks·H(ranks)`` less the first. 8 ranks: 8 × 2.7179 − 1 =
    20.74; 2 ranks: 2; 1 rank: 0. Cached: the operating-point search asks for the same few widths."""
    return ranks * sum(1.0 / k for k in range(1, ranks + 1)) - 1.0


def benchmark_run_share(rho: float, requests_per_client: float, drain_requests: float) -> float:
    """Share of the steady state's throughput a closed-loop benchmark run of ``n = requests_per_client``
    requests per client averages. Each client's request takes a time ``T`` (first token and decode); the run
    lasts ``n·T`` plus what its two ends lose. The start: every client's first prompt arrives at once and the
    prefill server, busy a share ``ρ`` in the steady state, takes ``ρ·T`` to serve them all, so decoding ramps
    up over ``ρ·T`` and loses ``ρ/2`` of a request's time. The end: ``drain_requests`` (``d``). Share
    ``n / (n + d + ρ/2)``, ρ at most 1. 10 requests per client, d = 0.5, ρ = 0.4: 10 / 10.7 = 0.935; ρ = 0:
    10 / 10.5 = 0.952."""
    return requests_per_client / (requests_per_client + drain_requests + min(max(rho, 0.0), 1.0) / 2.0)
