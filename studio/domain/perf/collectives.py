"""Collective-communication times on one tier of the network (bandwidth, latency, efficiency).

``Link`` is what one GPU sees on a tier: bytes per second per direction, the bus efficiency
NCCL/RCCL reaches, and the latency of one algorithm step. All times are seconds; ``size_bytes``
is the buffer each rank holds (the all-reduce payload).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .constants import SCALE_OUT_LATENCY_S, SCALE_OUT_LINK_EFFICIENCY, SCALE_UP_LATENCY_S, SCALE_UP_LINK_EFFICIENCY
from .hardware import Hardware


@dataclass(frozen=True)
class Link:
    bytes_per_s: float
    efficiency: float
    latency_s: float
    tier: str  # "scale-up" or "scale-out"

    @property
    def effective_bytes_per_s(self) -> float:
        return self.bytes_per_s * self.efficiency


def scale_up_link(hw: Hardware) -> Link:
    """NVLink/Infinity Fabric: H100 450 GB/s per direction × 0.7, 8 µs per step."""
    return Link(hw.scale_up_bytes_per_s_per_dir, SCALE_UP_LINK_EFFICIENCY, SCALE_UP_LATENCY_S, "scale-up")


def scale_out_link(hw: Hardware) -> Link:
    """The compute fabric per GPU: DGX H100 50 GB/s (one 400 Gb/s NIC per GPU) × 0.85, 20 µs."""
    return Link(max(hw.scale_out_bytes_per_s_per_gpu, 1.0), SCALE_OUT_LINK_EFFICIENCY, SCALE_OUT_LATENCY_S, "scale-out")


def link_for_group(hw: Hardware, group_size: int) -> Link:
    """A group inside the scale-up domain talks over NVLink; a larger one is bound by the fabric."""
    return pick_link(group_size, hw.scale_up_domain, scale_up_link(hw), scale_out_link(hw))


def pick_link(group_size: int, scale_up_domain: int, up: Link, out: Link) -> Link:
    """``link_for_group``'s rule on links already built (a search that prices many groups builds them once)."""
    return up if group_size <= scale_up_domain else out


def ring_all_reduce_s(size_bytes: float, n: int, link: Link) -> float:
    """Ring all-reduce: ``2·(n−1)/n · S / B + 2·(n−1)·α``.

    1 GB over 8 H100 on NVLink (315 GB/s effective, 8 µs): 2 × 7/8 × 1e9 / 315e9 + 14 × 8 µs
    = 5.56 ms + 0.11 ms = 5.67 ms. ``n = 1`` costs nothing.
    """
    if n <= 1 or size_bytes <= 0:
        return 0.0
    return 2.0 * (n - 1) / n * size_bytes / link.effective_bytes_per_s + 2.0 * (n - 1) * link.latency_s


def tree_all_reduce_s(size_bytes: float, n: int, link: Link) -> float:
    """Double-binary-tree all-reduce (NCCL at scale): ``2 · S / B + 2·log2(n)·α``.

    Bandwidth term as a ring's at large n, but latency grows with log2(n) instead of n.
    """
    if n <= 1 or size_bytes <= 0:
        return 0.0
    return 2.0 * size_bytes / link.effective_bytes_per_s + 2.0 * math.ceil(math.log2(n)) * link.latency_s


def all_reduce_s(size_bytes: float, n: int, link: Link) -> float:
    """The faster of ring and tree (what NCCL's tuner picks, to first order)."""
    return min(ring_all_reduce_s(size_bytes, n, link), tree_all_reduce_s(size_bytes, n, link))


def switch_all_reduce_s(size_bytes: float, n: int, link: Link) -> float:
    """All-reduce inside an NVSwitch domain with a two-shot algorithm (TRT-LLM custom AR):
    ring bandwidth term, but only two latency steps: ``2·(n−1)/n · S / B + 2·α``.

    Llama-2-70B decode, 64 tokens × 8,192 × 2 B = 1 MB over TP8 H100: 5.6 µs + 16 µs = 21.6 µs.
    """
    if n <= 1 or size_bytes <= 0:
        return 0.0
    return 2.0 * (n - 1) / n * size_bytes / link.effective_bytes_per_s + 2.0 * link.latency_s


def all_gather_s(size_bytes: float, n: int, link: Link) -> float:
    """Ring all-gather of a result of ``size_bytes`` in total: ``(n−1)/n · S / B + (n−1)·α``."""
    if n <= 1 or size_bytes <= 0:
        return 0.0
    return (n - 1) / n * size_bytes / link.effective_bytes_per_s + (n - 1) * link.latency_s


def reduce_scatter_s(size_bytes: float, n: int, link: Link) -> float:
    """Ring reduce-scatter: the same cost as an all-gather of the same total size."""
    return all_gather_s(size_bytes, n, link)


def all_to_all_s(size_bytes: float, n: int, link: Link) -> float:
    """All-to-all where each rank sends ``size_bytes`` in total: ``(n−1)/n · S / B + α``
    (pairwise exchanges run in parallel on a non-blocking fabric)."""
    if n <= 1 or size_bytes <= 0:
        return 0.0
    return (n - 1) / n * size_bytes / link.effective_bytes_per_s + link.latency_s


def p2p_s(size_bytes: float, link: Link) -> float:
    """One point-to-point send (pipeline stage boundary): ``S / B + α``."""
    if size_bytes <= 0:
        return 0.0
    return size_bytes / link.effective_bytes_per_s + link.latency_s


def group_all_reduce_s(size_bytes: float, n: int, hw: Hardware) -> float:
    """All-reduce over ``n`` GPUs priced on the links it crosses.

    Inside the scale-up domain: the two-shot NVSwitch all-reduce. Across domains (TP16 on two
    8-GPU H100 nodes): hierarchical — the two-shot reduce-scatter/all-gather inside each domain on
    NVLink around an all-reduce of the ``1/D`` shard across the ``⌈n/D⌉`` domains on each GPU's NIC.
    1 MB over 16 H100 (D = 8): (2 × 7/8 × 1 MB / 315 GB/s + 2 × 8 µs) + (2 × 1/2 × 125 kB /
    42.5 GB/s + 2 × 20 µs) = 21.6 µs + 42.9 µs = 64.5 µs.
    """
    if n <= 1 or size_bytes <= 0:
        return 0.0
    domain = max(1, min(n, hw.scale_up_domain))
    up = scale_up_link(hw)
    if n <= domain:
        return switch_all_reduce_s(size_bytes, n, up)
    nodes = math.ceil(n / domain)
    return switch_all_reduce_s(size_bytes, domain, up) + all_reduce_s(size_bytes / domain, nodes, scale_out_link(hw))


def group_all_to_all_s(bytes_per_gpu: float, n: int, hw: Hardware) -> float:
    """All-to-all over ``n`` GPUs where each sends ``bytes_per_gpu`` spread evenly over all ranks.

    Inside the scale-up domain ``D``: ``(n−1)/n · S`` on NVLink. Wider: the share for other domains,
    ``(n−D)/n · S``, leaves on the GPU's NIC while ``(D−1)/n · S`` goes over NVLink; the slower sets the
    time. 1 MB per GPU over EP16 on H100: max(7/16 MB / 315 GB/s + 8 µs, 8/16 MB / 42.5 GB/s + 20 µs)
    = max(9.4 µs, 31.8 µs) = 31.8 µs.
    """
    if n <= 1 or bytes_per_gpu <= 0:
        return 0.0
    domain = max(1, min(n, hw.scale_up_domain))
    up = scale_up_link(hw)
    if n <= domain:
        return all_to_all_s(bytes_per_gpu, n, up)
    out = scale_out_link(hw)
    intra = bytes_per_gpu * (domain - 1) / n / up.effective_bytes_per_s + up.latency_s if domain > 1 else 0.0
    inter = bytes_per_gpu * (n - domain) / n / out.effective_bytes_per_s + out.latency_s
    return max(intra, inter)


def kv_transfer_s(size_bytes: float, senders: int, same_domain: bool, hw: Hardware) -> float:
    """Moving a prompt's KV cache from a prefill worker to a decode worker over ``senders`` GPUs in
    parallel: NVLink when both sit in one scale-up domain (NVL72), else the RDMA NICs.
    DeepSeek-V3 FP8, 8,192 tokens (287.8 MB) from 8 H100 NICs: 287.8 MB / (8 × 42.5 GB/s) + 20 µs = 0.867 ms.
    """
    if size_bytes <= 0:
        return 0.0
    link = scale_up_link(hw) if same_domain else scale_out_link(hw)
    return size_bytes / (max(1, senders) * link.effective_bytes_per_s) + link.latency_s
