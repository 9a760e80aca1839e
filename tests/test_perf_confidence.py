"""Confidence bands widen with distance from the calibrated cases."""

from __future__ import annotations

import pytest

from studio.domain.perf.confidence import (
    LATENCY_SPREAD,
    MAX_WIDTH,
    band,
    decades_outside,
    inference_distance,
    latency_band,
    training_distance,
    training_regime,
)


def test_decades_outside_follow_the_docstring_examples():
    assert decades_outside(100_000, 64, 8192) == pytest.approx(1.087, abs=1e-3)
    assert decades_outside(8, 64, 8192) == pytest.approx(0.903, abs=1e-3)
    assert decades_outside(1024, 64, 8192) == 0.0


def test_training_distance_adds_gpu_count_and_model_size():
    assert training_distance(100_000, 405) == pytest.approx(1.087, abs=1e-3)
    assert training_distance(64, 8) == pytest.approx(1.340, abs=1e-3)


def test_an_anchored_band_far_outside_the_calibration_is_wide_and_wider():
    near = band(True, "training", "hopper", "bf16")
    far = band(True, "training", "hopper", "bf16", 1.087)
    assert near.label == "narrow" and near.high == pytest.approx(1.12)
    assert far.label == "wide" and far.high == pytest.approx(1 + 0.12 * (1 + 0.75 * 1.087))
    assert "decades outside" in far.reason


def test_bands_never_reach_zero():
    assert band(False, "latency", "x", "fp8", 10).low == pytest.approx(1 - MAX_WIDTH)


def test_a_closed_loop_band_is_as_wide_as_the_published_points_say_and_never_narrow():
    b = band(True, "latency", "blackwell", "fp4")
    assert (b.low, b.high) == (pytest.approx(0.55), pytest.approx(1.45))
    assert b.label == "wide" and "391 published" in b.reason
    assert band(True, "inference", "hopper", "fp8").label == "narrow"


def test_moe_training_bands_follow_the_scale_up_domain():
    assert training_regime(False, 72) == "training"
    assert training_regime(True, 72) == "moe-training" and training_regime(True, 8) == "moe-training-node"
    rack, node = band(True, "moe-training", "blackwell", "fp8"), band(True, "moe-training-node", "blackwell", "fp8")
    assert rack.label == "narrow" and rack.high == pytest.approx(1.15)
    assert node.label == "wide" and (node.low, node.high) == (pytest.approx(0.2), pytest.approx(1.8))
    assert "8-GPU nodes" in node.reason and "1.2–2.4 ×" in node.reason


def test_an_estimate_under_latency_limits_carries_the_band_the_mlperf_results_earn():
    b = band(True, "limits", "blackwell", "fp4")
    assert (b.low, b.high) == (pytest.approx(0.48), pytest.approx(1.52))
    assert b.label == "wide" and "35 published MLPerf server and interactive results" in b.reason


def test_inference_distance_adds_prompt_output_and_model_size():
    assert inference_distance(100_000, 2000, 70.6) == pytest.approx(1.027, abs=1e-3)
    assert inference_distance(1024, 1024, 1026) == pytest.approx(0.184, abs=1e-3)
    assert inference_distance(8192, 1024, 671) == 0.0


def test_a_latency_band_is_the_published_spread_of_its_regime_and_serving_mode():
    one, disagg = latency_band("latency", False, "ttft"), latency_band("latency", True, "ttft")
    assert (one.low, one.high) == (0.72, 3.81)
    assert (disagg.low, disagg.high) == (0.70, 11.3)
    assert "188 published one-node closed-loop" in one.reason and "scheduler settings" in one.reason
    tpot = latency_band("limits", True, "tpot")  # an open load under limits: one spread for both modes
    assert (tpot.low, tpot.high) == (0.67, 1.13) and "24 published MLPerf" in tpot.reason
    assert "scheduler" not in tpot.reason and tpot.label == "wide"


def test_a_latency_band_widens_in_ratio_with_distance_as_the_docstring_works_it():
    far = latency_band("latency", False, "ttft", 0.5)
    assert far.low == pytest.approx(0.637, abs=1e-3) and far.high == pytest.approx(6.29, abs=1e-2)
    assert "decades outside" in far.reason


def test_where_no_latency_was_published_the_band_is_the_widest_of_them_all():
    offline = latency_band("inference", False, "ttft")
    assert offline.low == min(s["ttft"][0] for s in LATENCY_SPREAD.values())
    assert offline.high == max(s["ttft"][1] for s in LATENCY_SPREAD.values())
    assert "no published time to first token" in offline.reason
