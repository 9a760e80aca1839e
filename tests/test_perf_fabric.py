"""Fabric sizing reproduces the DGX SuperPOD reference numbers (hardware.md §3)."""

from __future__ import annotations

import pytest

from studio.domain.perf import EstimateError, size_fabric
from tests.test_perf_fixtures import small_catalog

CAT = small_catalog()
DGX, QM9700 = CAT.get("dgx"), CAT.get("qm9700")


@pytest.mark.parametrize("nodes, leaf, spine", [(32, 8, 4), (64, 16, 8), (96, 24, 16), (128, 32, 16)])
def test_rail_optimized_superpod_h100_matches_the_reference_architecture(nodes, leaf, spine):
    f = size_fabric(DGX, nodes, QM9700, "rail-optimized", 1.0)
    assert (f.leaf, f.spine, f.core, f.tiers) == (leaf, spine, 0, 2)


def test_one_su_has_one_cable_per_gpu_per_tier_and_two_transceivers_per_cable():
    f = size_fabric(DGX, 32, QM9700)
    assert f.cables == 256 + 256
    assert f.transceivers == 1024


def test_two_tiers_end_at_k_squared_over_two_endpoints():
    f = size_fabric(DGX, 256, QM9700)  # 2,048 endpoints
    assert (f.tiers, f.core) == (2, 0)
    assert f.max_endpoints_two_tier == 2048
    assert size_fabric(DGX, 260, QM9700).tiers == 3


def test_three_tier_fat_tree_at_full_size_matches_al_fares():
    # k = 64: k³/4 = 65,536 endpoints with k²/2 leaves, k²/2 aggregation, k²/4 core
    f = size_fabric(DGX, 65536 // 8, QM9700, "fat-tree")
    assert (f.tiers, f.leaf, f.spine, f.core) == (3, 2048, 2048, 1024)


def test_beyond_three_tiers_a_fourth_tier_is_added():
    assert size_fabric(DGX, 100_000 // 8, QM9700).tiers == 4


def test_oversubscription_reduces_spines():
    blocking = size_fabric(DGX, 128, QM9700, oversubscription=3.0)
    assert blocking.leaf == 8 * 3  # 48 nodes per SU
    assert blocking.spine < 16


def test_an_unknown_topology_is_an_estimate_error():
    with pytest.raises(EstimateError, match="topology"):
        size_fabric(DGX, 32, QM9700, "torus")
