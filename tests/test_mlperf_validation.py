"""The out-of-sample check against MLPerf Inference v6.0's DeepSeek-R1 and gpt-oss-120b results
(``bench/mlperf_validation.py``, ``bench/data/mlperf-v60-reasoning.json``): every result is estimated, the
file says where each figure comes from, and the errors stay within what the check measured when it was
added."""

from __future__ import annotations

import io
from contextlib import redirect_stdout

import pytest

from catalog.datafiles import file_catalog
from studio.domain.perf.accuracy import percentile, score
from studio.domain.perf.confidence import LIMITS_BAND_POINTS, NARROW
from tests.bench_scripts import load

mv = load("mlperf_validation")


def test_every_result_is_a_sourced_case_and_is_estimated():
    cases = mv.load_cases()
    assert len(cases) == 67 and len({c["id"] for c in cases}) == 67
    assert {c["workload"]["model"] for c in cases} == {"deepseek-r1", "gpt-oss-120b"}
    assert {c["workload"]["scenario"] for c in cases} == {"offline", "server", "interactive"}
    for c in cases:
        assert "inference_results_v6.0" in c["source"]
        assert "mlperf_log_detail.txt" in c["source"] or "summary.html" in c["source"]
        w = c["workload"]
        # the datasets' mean prompts; server and interactive carry MLPerf's p99 limits
        assert w["input_tokens"] == {"deepseek-r1": 804, "gpt-oss-120b": 5011}[w["model"]]
        assert (w["scenario"] == "offline") == ("tpot_p99_limit_ms" not in w)
    rows = score(cases, file_catalog())
    assert len(rows) == 115 and all(r.predicted for r in rows)
    errors = [r.error for r in rows]
    # measured when the check was added (stop 22): median 20.0 %, p90 75.4 %; DeepSeek-R1 offline 7.3 %
    assert percentile(errors, 0.5) < 0.25
    assert percentile(errors, 0.9) < 0.90
    offline = [r.error for r in rows if "-deepseek-offline-" in r.case_id]
    assert percentile(offline, 0.5) < 0.12


def test_the_band_under_latency_limits_claims_no_more_than_the_server_and_interactive_results_show():
    # an estimate under p99 limits carries NARROW["limits"]: at least the p80 of these results' throughput errors
    cases = [c for c in mv.load_cases() if c["workload"]["scenario"] != "offline"]
    rows = score(cases, file_catalog())
    errors = [r.error for r in rows if r.key == "output_tokens_per_s"]
    assert len(errors) == LIMITS_BAND_POINTS == 35
    assert NARROW["limits"] >= percentile(errors, 0.8) - 0.005


def test_at_limits_reads_the_published_p99s():
    case = {"workload": {"ttft_p99_limit_ms": 2000, "tpot_p99_limit_ms": 80},
            "published": {"ttft_p99_ms": 1014.8, "tpot_p99_ms": 77.9}}
    assert mv.at_limits(case)
    case["published"] = {"ttft_p99_ms": 736.8, "tpot_p99_ms": 54.4}
    assert not mv.at_limits(case)
    assert not mv.at_limits({"workload": {"scenario": "offline"}})


def test_best_per_system_keeps_the_highest_output_per_gpu():
    def case(cid, tok, gpus, system="dgx-b300"):
        return {"id": cid, "workload": {"model": "deepseek-r1", "scenario": "server"},
                "cluster": {"system": system, "gpus": gpus}, "measured": {"output_tokens_per_s": tok}}
    cases = [case("a", 58_553, 8), case("b", 35_553, 8), case("c", 500_000, 72, "gb300-nvl72")]
    assert mv.best_per_system(cases) == {"a", "c"}


def test_the_script_prints_groups_ratios_and_the_worst_values():
    out = io.StringIO()
    with redirect_stdout(out):
        assert mv.main(["--worst", "3"]) == 0
    text = out.getvalue()
    assert "at the limits" in text and "best per system" in text and "# worst 3" in text
    assert "mlperf60-deepseek-offline-nebius-gb300-nvl72-gb300-288gb-aarch64x72-trt" in text


def test_the_offline_results_are_fitted_and_the_rest_are_not():
    from studio.domain.perf.fitting import DEFAULT_EMPHASIS

    sources = load("calibrate").extra_sources()
    assert set(sources) == {"inferencemax-gptoss-120b.csv", "mlperf-v60-reasoning.json", "megatron-bridge-training.json"}
    assert all(name in DEFAULT_EMPHASIS for name in sources)  # each weighed explicitly
    assert {c["workload"]["kind"] for c in sources["megatron-bridge-training.json"]} == {"training"}
    assert len(sources["megatron-bridge-training.json"]) == 19  # the dense models' figures; the MoE ones stay out
    fitted = sources["mlperf-v60-reasoning.json"]
    assert len(fitted) == 32 and {c["workload"]["scenario"] for c in fitted} == {"offline"}


def test_submitter_spread_pairs_results_of_one_system_per_gpu_and_skips_offline():
    def result(submitter, scenario, gpus, tok_s, ttft=None):
        measured = {"output_tokens_per_s": tok_s, **({"ttft_ms": ttft} if ttft else {})}
        return {"id": submitter, "workload": {"model": "m", "scenario": scenario},
                "cluster": {"system": "s", "gpus": gpus}, "measured": measured}

    spread = mv.submitter_spread([result("a", "server", 8, 800, 100), result("b", "server", 16, 2400, 200),
                                  result("c", "offline", 8, 9999)])
    # 100 against 150 tok/s per GPU: 0.5 and 1/3; TTFT 100 against 200 ms: 1 and 0.5
    assert sorted(spread["output_tokens_per_s"]) == [pytest.approx(1 / 3), 0.5]
    assert sorted(spread["ttft_ms"]) == [0.5, 1.0] and "tpot_ms" not in spread
