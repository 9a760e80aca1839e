"""Calibration factors: the committed file, lookups with lineage, and the accuracy bar."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from catalog.datafiles import file_catalog
from studio.domain.perf import calibration as cal
from studio.domain.perf.accuracy import percentile, score, summarize

REPO = Path(__file__).resolve().parent.parent


def test_every_committed_factor_says_where_it_came_from():
    data = json.loads(cal.DATA_FILE.read_text())
    assert data["format"] == cal.FORMAT
    for entry in data["global"].values():
        assert entry["note"]
    for fams in data["families"].values():
        for precs in fams.values():
            for entry in precs.values():
                assert entry["note"] and 0 < entry["value"] < 1


def test_a_family_without_cases_borrows_from_its_lineage_and_is_not_anchored():
    data = cal.load()
    ampere = data.factors_for("ampere", "fp8")  # no Ampere inference case: Hopper's value
    hopper = data.factors_for("hopper", "fp8")
    assert ampere.inference_gemm_efficiency == hopper.inference_gemm_efficiency
    assert hopper.anchored_inference and not ampere.anchored_inference


def test_an_unknown_family_falls_back_to_the_cross_family_default():
    f = cal.load().factors_for("someday-npu", "fp8")
    assert 0.1 < f.inference_gemm_efficiency < 0.9
    assert not f.anchored_inference and not f.anchored_training


def test_percentile_interpolates():
    assert percentile([0.1, 0.2, 0.3, 0.4], 0.5) == 0.25
    assert percentile([1.0], 0.9) == 1.0


def test_estimates_meet_the_accuracy_bar_on_the_calibration_cases():
    cases = json.loads((REPO / "bench" / "data" / "calibration.json").read_text())["cases"]
    s = summarize(score(cases, file_catalog()))
    assert s.median <= 0.15
    assert s.p90 <= 0.35
    assert s.fabric_exact == s.fabric_total > 0


def test_every_reasoning_serving_case_is_estimated_and_the_median_error_is_under_20_percent():
    cases = json.loads((REPO / "bench" / "data" / "inferencex-calibration.json").read_text())["cases"]
    rows = score(cases, file_catalog())
    assert all(r.predicted is not None for r in rows)
    assert summarize(rows).median <= 0.20


def test_the_fit_s_case_cache_gives_score_s_rows_and_re_estimates_only_the_family_whose_factor_moved():
    from studio.domain.perf.fitting import CaseScorer, fit, to_data

    catalog = file_catalog()
    cases = [c for c in json.loads((REPO / "bench" / "data" / "calibration.json").read_text())["cases"]
             if c["id"] in ("mlperf41-llama2-70b-offline-8xh100", "mlperf51-llama2-70b-offline-8xmi300x",
                            "superpod-h100-1su")]
    scorer = CaseScorer(catalog)
    base = cal.load()
    assert scorer.rows(cases, base) == score(cases, catalog, base)
    estimated = len(scorer._rows)
    assert estimated == 2  # the fabric case carries no factor and is not cached
    params = {"hbm_efficiency": 0.8, ("inference_gemm_efficiency", "cdna3", "fp8"): 0.2,
              ("inference_gemm_efficiency", "hopper", "fp8"): 0.58}
    moved = cal.parse(to_data(params))
    rows = scorer.rows(cases, moved)
    assert rows == score(cases, catalog, moved)
    assert len(scorer._rows) == estimated + 2
    # the MI300X efficiency moves again: only the MI300X case is estimated again
    params[("inference_gemm_efficiency", "cdna3", "fp8")] = 0.3
    again = cal.parse(to_data(params))
    assert scorer.rows(cases, again) == score(cases, catalog, again)
    assert len(scorer._rows) == estimated + 3
    # a fit with a shared scorer is the fit without one
    assert fit(cases, catalog, sweeps=1, scorer=scorer) == fit(cases, catalog, sweeps=1)


def test_amd_instinct_families_reach_the_fitted_share_of_the_hbm_efficiency():
    data = cal.load()
    ratio = data.global_factors["cdna_hbm_ratio"]
    assert 0.6 <= ratio <= 1.0
    nvidia = data.factors_for("hopper", "fp8").hbm_efficiency
    assert nvidia == data.global_factors["hbm_efficiency"]
    for family in cal.CDNA_FAMILIES:
        assert data.factors_for(family, "fp8").hbm_efficiency == pytest.approx(nvidia * ratio)
    # the prior is no difference
    assert cal.CalibrationData({}, {}, {}).factors_for("cdna3", "fp8").hbm_efficiency == cal.PRIORS["hbm_efficiency"]


def test_the_fit_s_loss_is_the_targets_error_measure_capped_at_a_two_times_over_estimate():
    import math

    from studio.domain.perf.accuracy import Row
    from studio.domain.perf.fitting import MISS_CAP, loss

    def row(predicted):
        return Row("c", "ttft_ms", 100.0, predicted, abs(predicted / 100.0 - 1) if predicted else math.inf)

    assert MISS_CAP == 1.0
    assert loss([row(150.0)]) == pytest.approx(0.5)
    assert loss([row(50.0)]) == pytest.approx(0.5)  # the measure, not the log: 2× under is half of 2× over
    assert loss([row(200.0)]) == pytest.approx(1.0)
    assert loss([row(1500.0)]) == pytest.approx(1.0)  # 15× over counts as 2×
    assert loss([row(10.0)]) == pytest.approx(0.9)
    assert loss([row(None)]) == pytest.approx(1.0)  # a failed case costs the cap
    assert loss([row(150.0)], {"c": 2.0}) == pytest.approx(1.0)
    assert loss([row(150.0), row(80.0)]) == pytest.approx(0.7)


def test_calibrate_add_refuses_a_file_named_like_a_source_already_fitted(tmp_path, capsys):
    # --add fits a further cases file beside the default sources; one named like a default source would
    # replace it silently, so it stops before any fit, naming the file
    from tests.bench_scripts import load

    calibrate = load("calibrate")
    clash = tmp_path / "calibration.json"
    clash.write_text('{"format": "ai-factory-estimate-cases/1", "cases": []}', encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        calibrate.main(["--add", str(clash), "--out", str(tmp_path / "out.json")])
    assert exit_info.value.code == 2
    assert "a source named calibration.json is already fitted" in capsys.readouterr().err
    assert not (tmp_path / "out.json").exists()
