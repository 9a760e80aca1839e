"""Shared storage: ≥ 1 GB/s per GPU for training (DDN, hardware.md §2.4), checkpoint write time."""

from __future__ import annotations

import pytest

from studio.domain.rules import validate
from studio.domain.rules.storage import checkpoint_capacity, checkpoint_size_gb, checkpoint_time, storage_throughput
from tests.test_rules_support import codes, dgx_stack, make_design, rack, small_catalog


def test_256_gpus_need_256_gb_s_and_two_ai400x2t_fall_short():
    (finding,) = storage_throughput(256, 2 * 120.0, training=True)
    assert (finding.code, finding.severity) == ("storage.throughput.insufficient", "error")
    assert (finding.value, finding.limit, finding.unit) == (256, 240, "GB/s")


def test_three_ai400x2t_serve_256_gpus():
    assert storage_throughput(256, 3 * 120.0, training=True) == []  # 256 of 360 GB/s = 71 %


def test_inference_only_designs_need_less_and_only_warn():
    assert storage_throughput(256, 60.0, training=False) == []  # 256 × 0.2 = 51.2 of 60 = 85 %
    (finding,) = storage_throughput(256, 40.0, training=False)
    assert finding.severity == "warning"


def test_no_storage_for_training_is_an_error():
    (finding,) = storage_throughput(16, 0.0, training=True)
    assert finding.severity == "error" and finding.limit == 0.0


def test_a_405b_checkpoint_is_6480_gb_and_writes_in_29_s_on_three_appliances():
    model = small_catalog().get("llama-3.1-405b")
    assert checkpoint_size_gb(model) == pytest.approx(6480)
    (note,) = checkpoint_time(model, 3 * 75.0)
    assert note.code == "storage.checkpoint" and note.value == pytest.approx(28.8)


def test_a_slow_checkpoint_is_a_throughput_warning():
    model = small_catalog().get("llama-3.1-405b")
    (finding,) = checkpoint_time(model, 10.0)  # 648 s > 300 s
    assert (finding.code, finding.severity, finding.unit) == ("storage.throughput.insufficient", "warning", "s")


def test_three_checkpoints_must_fit_in_the_storage():
    model = small_catalog().get("llama-3.1-405b")
    assert checkpoint_capacity(model, 500) == []
    assert codes(checkpoint_capacity(model, 10)) == ["storage.capacity.insufficient"]


def test_validate_counts_listed_and_placed_appliances_once():
    racks = [rack(devices=dgx_stack(4) + [("ddn-ai400x2t", 40)])]
    design = make_design(racks, storage=[{"model": "ddn-ai400x2t", "count": 1}],
                         workloads=[{"kind": "training", "model": "llama-3.1-405b"}])
    report = validate(design, small_catalog())
    assert report.totals.storage["appliances"] == 1
    assert report.totals.storage["read_gb_s"] == 120  # 32 GPUs need 32 GB/s → fine
    assert "storage.throughput.insufficient" not in codes(report.findings)


def test_without_a_declared_training_workload_too_little_storage_is_only_a_warning():
    (finding,) = storage_throughput(256, 2 * 120.0, training=True, declared_training=False)
    assert finding.severity == "warning" and finding.value == 256  # a training cluster's 1 GB/s per GPU


def test_a_two_system_starter_with_no_storage_and_no_workload_validates_with_no_error():
    design = make_design([rack(devices=dgx_stack(2))])
    report = validate(design, small_catalog())
    assert [f.code for f in report.findings if f.severity == "error"] == []
    assert "storage.throughput.insufficient" in codes(report.findings, "warning")


def test_a_declared_training_workload_makes_missing_storage_an_error():
    design = make_design([rack(devices=dgx_stack(2))], workloads=[{"kind": "training", "model": "llama-3.1-405b"}])
    report = validate(design, small_catalog())
    assert "storage.throughput.insufficient" in codes(report.findings, "error")
