"""Collective times: worked examples."""

from __future__ import annotations

import pytest

from studio.domain.perf.collectives import (
    Link,
    all_gather_s,
    all_to_all_s,
    ring_all_reduce_s,
    switch_all_reduce_s,
    tree_all_reduce_s,
)

NVLINK = Link(450e9, 0.7, 8e-6, "scale-up")


def test_ring_all_reduce_matches_worked_example():
    # 2 × 7/8 × 1 GB / 315 GB/s + 14 × 8 µs = 5.556 ms + 0.112 ms
    assert ring_all_reduce_s(1e9, 8, NVLINK) == pytest.approx(2 * 7 / 8 * 1e9 / 315e9 + 14 * 8e-6)


def test_a_single_rank_communicates_nothing():
    assert ring_all_reduce_s(1e9, 1, NVLINK) == 0
    assert all_gather_s(1e9, 1, NVLINK) == 0


def test_tree_beats_ring_on_latency_for_small_messages_at_scale():
    assert tree_all_reduce_s(1e3, 1024, NVLINK) < ring_all_reduce_s(1e3, 1024, NVLINK)


def test_two_shot_switch_all_reduce_pays_two_latency_steps():
    # 1 MB over TP8: 2 × 7/8 × 1 MB / 315 GB/s + 16 µs
    assert switch_all_reduce_s(1e6, 8, NVLINK) == pytest.approx(2 * 7 / 8 * 1e6 / 315e9 + 16e-6)


def test_all_gather_moves_half_the_bytes_of_an_all_reduce():
    bandwidth_part = all_gather_s(1e9, 8, NVLINK) - 7 * 8e-6
    assert bandwidth_part == pytest.approx((ring_all_reduce_s(1e9, 8, NVLINK) - 14 * 8e-6) / 2)


def test_all_to_all_is_bandwidth_bound_for_large_messages():
    assert all_to_all_s(1e9, 8, NVLINK) == pytest.approx(7 / 8 * 1e9 / 315e9 + 8e-6)
