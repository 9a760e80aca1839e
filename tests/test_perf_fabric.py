"""The one fabric sizer (studio.domain.fabric) reproduces the published DGX SuperPOD counts.

Tables: DGX SuperPOD H100 RA network-fabrics (hardware.md §3.1), DGX SuperPOD B200 RA
dgx-superpod-architecture (docs.nvidia.com/dgx-superpod/reference-architecture-scalable-infrastructure-b200),
DGX SuperPOD B300-XDR RA Table 3 (docs.nvidia.com/dgx-superpod/reference-architecture/scalable-infrastructure-b300-xdr),
GB200 RA: SU = 8 NVL72 racks = 576 GPUs on NDR (reference-architecture-scalable-infrastructure-gb200).

GB200 NVL72 switch counts: NOT published in the sources at hand. Searched (docs and pages corpora,
2026-12-02): the DGX SuperPOD GB200 RA (…/reference-architecture-scalable-infrastructure-gb200/latest/
dgx-superpod-architecture.html gives only "SU = 8 racks … scale to 128 racks with 9216 GPUs", with no
component-count table unlike the H100/B200/B300 RAs; network-fabrics.html's stored text stops before any
table) and the Enterprise RA "NVL72 AI Factory" (docs.nvidia.com/enterprise-reference-architectures/
nvl72-ai-factory/latest/network-logical-architecture.html and networking-physical-topologies.html: the
stored text holds the fabric-role table and prose only; that RA is GB300 on dual-plane Spectrum-X).
So the GB200 tests below pin the sizer's arithmetic and the published facts around it (SU size, 9,216
GPUs at 16 SU, one cable per GPU per tier as in every published SuperPOD table); they are not a
reproduction of a published switch table.
"""

from __future__ import annotations

import pytest

from catalog.datafiles import file_catalog
from studio.domain.fabric import (
    FabricError,
    compute_endpoints,
    even_spines,
    leaf_ports,
    port_gbps,
    radix,
    size_fabric,
    size_system_fabric,
)

CAT = file_catalog()
NDR, XDR, SN5600 = CAT.get("quantum-2-ndr"), CAT.get("quantum-x800-xdr"), CAT.get("spectrum-x-800g")
H100, B200, B300, GB200 = CAT.get("dgx-h100"), CAT.get("dgx-b200"), CAT.get("dgx-b300"), CAT.get("gb200-nvl72")


@pytest.mark.parametrize(("sus", "leaf", "spine"), [(1, 8, 4), (2, 16, 8), (3, 24, 16), (4, 32, 16)])
def test_dgx_h100_on_ndr_matches_the_superpod_h100_table(sus, leaf, spine):
    # the RA's first SU carries 31 DGX + the UFM port on each leaf: 32 leaf ports per rail per SU
    f = size_system_fabric(H100, 32 * sus, NDR)
    assert (f.leaf, f.spine, f.core, f.tiers) == (leaf, spine, 0, 2)
    assert (f.endpoint_cables, f.leaf_spine_cables) == (256 * sus, 256 * sus)


@pytest.mark.parametrize(("sus", "leaf", "spine", "core"), [
    (2, 16, 8, 0), (4, 32, 16, 0), (8, 64, 32, 0), (16, 128, 128, 64), (32, 256, 256, 128), (64, 512, 512, 256)])
def test_dgx_b200_on_ndr_matches_the_superpod_b200_table(sus, leaf, spine, core):
    f = size_system_fabric(B200, 32 * sus, NDR)
    assert (f.leaf, f.spine, f.core) == (leaf, spine, core)
    gpus = 256 * sus
    assert (f.endpoint_cables, f.leaf_spine_cables, f.spine_core_cables) == (gpus, gpus, gpus if core else 0)


@pytest.mark.parametrize(("sus", "leaf", "spine"), [(1, 8, 4), (2, 16, 8), (4, 32, 18), (8, 64, 36), (18, 144, 72)])
def test_dgx_b300_on_xdr_matches_the_superpod_b300_xdr_table(sus, leaf, spine):
    f = size_system_fabric(B300, 72 * sus, XDR)
    assert (f.leaf, f.spine, f.core, f.tiers) == (leaf, spine, 0, 2)
    assert f.endpoint_cables == f.leaf_spine_cables == 576 * sus


def test_a_gb200_nvl72_su_attaches_576_gpus_as_four_rails_of_144_trays():
    rails, nodes, endpoints, gbps = compute_endpoints([GB200] * 8)
    assert (rails, nodes, endpoints, gbps) == (4, 144, 576, 400)


def test_a_gb200_nvl72_su_on_ndr_takes_20_leaves_and_16_even_spines():
    # 144 trays per rail on 32-port leaf halves: 5 leaves per rail (4 full, 1 with 16 trays);
    # 576 uplinks need ≥ 9 spines; an even share of a full leaf's 32 uplinks → 16
    f = size_system_fabric(GB200, 8, NDR)
    assert (f.leaf, f.spine, f.core, f.tiers) == (20, 16, 0, 2)
    assert (f.endpoint_cables, f.leaf_spine_cables) == (576, 576)


@pytest.mark.parametrize(("sus", "tiers", "leaf", "spine", "core"), [
    (1, 2, 20, 16, 0), (2, 2, 36, 32, 0), (4, 3, 72, 72, 36), (8, 3, 144, 144, 72), (16, 3, 288, 288, 144)])
def test_gb200_nvl72_on_ndr_from_one_su_to_the_published_128_racks(sus, tiers, leaf, spine, core):
    # computed, not published (see the module docstring): 144 trays per rail per SU on 32-port leaf
    # halves → ⌈144·SU / 32⌉ leaves per rail; > 64 leaves (4 SU) → three tiers of QM9700
    f = size_system_fabric(GB200, 8 * sus, NDR)
    assert f.endpoints == 576 * sus and f.feasible
    assert (f.tiers, f.leaf, f.spine, f.core) == (tiers, leaf, spine, core)
    assert f.leaf == 4 * -(-144 * sus // 32)
    # non-blocking, as every published SuperPOD table: one cable per GPU per tier
    assert f.endpoint_cables == f.leaf_spine_cables == 576 * sus
    assert f.spine_core_cables == (576 * sus if core else 0)


def test_the_published_gb200_superpod_maximum_of_9216_gpus_fits_three_tiers_of_ndr():
    # "scale to much larger configurations up to and beyond 128 racks with 9216 GPUs" (GB200 RA,
    # dgx-superpod-architecture.html): 16 SU on QM9700 stay within three tiers (k·k/2 = 2,048 leaves)
    f = size_system_fabric(GB200, 128, NDR)
    assert f.endpoints == 9216 and f.tiers == 3 and f.leaf <= 64 * 32


def test_gb200_nvl72_on_xdr_keeps_one_port_per_400g_nic():
    # Q3400 has no sourced port split: a 400G CX-7 uses a whole 800G port (k = 144, 72 down)
    assert radix(XDR, 400) == 144
    f = size_system_fabric(GB200, 16, XDR)  # 2 SU, 288 trays per rail → 4 leaves per rail
    assert (f.leaf, f.spine, f.tiers) == (16, 8, 2)


def test_a_port_splits_only_where_the_datasheet_says_so():
    assert SN5600.max_split == 4 and radix(SN5600, 400) == 128 and radix(SN5600, 200) == 256
    assert radix(SN5600, 100) == 256  # at most 4 sub-ports
    assert NDR.max_split == 1 and radix(NDR, 200) == 64
    assert radix(NDR, 800) == 64  # a faster NIC runs at the port's speed, one port each


def test_a_link_runs_at_the_speed_of_the_sub_port_the_sizing_counts():
    assert port_gbps(SN5600, 128) == 400 and port_gbps(NDR, 64) == 400
    assert size_system_fabric(H100, 32, SN5600).port_gbps == 400  # 800G ports split in two for 400G NICs
    assert size_system_fabric(B300, 72, XDR).port_gbps == 800


def test_one_su_has_one_cable_per_gpu_per_tier_and_two_transceivers_per_cable():
    f = size_system_fabric(H100, 32, NDR)
    assert f.cables == 512 and f.transceivers == 1024
    assert f.contract_dict() == {"leaf": 8, "spine": 4, "core": 0, "cables": 512, "transceivers": 1024}


def test_a_handful_of_ports_needs_one_switch():
    f = size_fabric(8, 4, NDR)
    assert (f.tiers, f.leaf, f.spine, f.cables) == (1, 1, 0, 32)
    assert size_fabric(8, 0, NDR).tiers == 0


def test_a_fat_tree_leaves_half_the_ports_down_at_one_to_one():
    f = size_fabric(1, 100, NDR, "fat-tree")
    assert (f.leaf, f.spine) == (4, 2)  # ceil(100 / 32) leaves; 100 uplinks over 2 spines (32 % 2 = 0)


def test_oversubscription_puts_more_ports_down_and_fewer_up():
    assert leaf_ports(64, 1.0) == (32, 32) and leaf_ports(64, 3.0) == (48, 16)
    f = size_fabric(1, 480, NDR, "fat-tree", 3.0)
    assert (f.leaf_down_ports, f.leaf) == (48, 10)
    assert f.spine == 4  # 160 uplinks need ≥ 3 spines; 16 uplinks share evenly over 4


def test_even_spines_reproduce_the_superpod_h100_three_su_row():
    assert even_spines(32, 768, 64) == 16
    assert even_spines(72, 2304, 144) == 18


def test_three_tier_fat_tree_at_full_size_matches_al_fares():
    # k = 64: k³/4 = 65,536 endpoints with k²/2 leaves, k²/2 aggregation, k²/4 core
    f = size_fabric(1, 65536, NDR, "fat-tree")
    assert (f.tiers, f.leaf, f.spine, f.core) == (3, 2048, 2048, 1024)
    assert f.feasible and f.max_endpoints_three_tier == 65536


def test_100k_gpus_on_ndr_take_four_tiers():
    f = size_system_fabric(H100, 100_000 // 8, NDR)
    assert f.tiers == 4 and f.feasible and f.leaf == 8 * 391
    assert f.core > 0 and f.spine_core_cables == 2 * f.leaf_spine_cables


def test_more_than_four_tiers_is_infeasible():
    f = size_fabric(1, 64 * 32 ** 2 * 32 + 1, NDR, "fat-tree")
    assert not f.feasible and f.max_endpoints == 64 * 32 ** 3


def test_an_unknown_topology_or_a_blocking_factor_below_one_is_a_fabric_error():
    with pytest.raises(FabricError, match="topology"):
        size_fabric(8, 32, NDR, "torus")
    with pytest.raises(FabricError, match="oversubscription"):
        size_fabric(8, 32, NDR, "fat-tree", 0.5)
