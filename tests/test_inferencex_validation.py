"""The out-of-sample check against every DeepSeek-R1 row of the InferenceX capture
(``bench/inferencex_validation.py``): the rows become cases the way the reference file's were made,
every readable row is estimated, and the rows left out are counted by reason."""

from __future__ import annotations

import io
import math
from contextlib import redirect_stdout

import pytest

from catalog.datafiles import file_catalog
from studio.domain.perf.accuracy import score
from tests.bench_scripts import load

iv = load("inferencex_validation")


@pytest.fixture(scope="module")
def loaded():
    return iv.load_cases()


def test_the_reference_cases_come_out_of_their_rows_with_the_same_measurements(loaded):
    cases, _ = loaded
    by_key = {iv.layout_key(c) + (c["_row"]["date"],): c for c in cases}
    reference = [c for c in iv.reference_cases() if c["workload"]["model"] == "deepseek-v3"]
    assert len(reference) == 18
    for ref in reference:
        row = by_key[iv.layout_key(ref) + (ref["config"]["run_date"],)]
        assert row["cluster"] == ref["cluster"], ref["id"]
        for key, value in ref["measured"].items():
            # the reference file rounds to 3–4 significant figures (359.7 for 359.66 tok/s)
            assert row["measured"][key] == pytest.approx(value, rel=1e-3), (ref["id"], key)


def test_rows_that_cannot_be_read_are_left_out_and_counted(loaded):
    cases, left_out = loaded
    lines = [ln for ln in iv.ROWS.read_text(encoding="utf-8").splitlines() if ln.strip()]
    assert len(lines) == 435
    assert dict(left_out) == {"layout columns do not add up to the GPUs": 21,
                              "measurements contradict Little's law": 3, "no throughput or interactivity": 2}
    assert len(cases) == 435 - 26


def test_rows_whose_pools_do_not_add_up_are_kept_as_logged_with_resized_pools():
    cases, left_out = iv.load_cases(resized_pools=True)
    assert "layout columns do not add up to the GPUs" not in left_out
    resized = [c for c in cases if c["_row"]["resized"]]
    assert len(resized) == 19
    # Dynamo+SGLang on GB200 logs its data-parallel-attention workers as TP1: 5 prefill workers on 40 GPUs
    row = next(c for c in resized if c["config"]["prefill_gpus"] == 40 and c["config"]["prefill"]["workers"] == 5
               and c["workload"]["precision"] == "fp8")
    assert row["config"]["prefill"] == {"workers": 5, "tp": 1, "ep": 1, "dp_attention": True}
    out = score([{k: v for k, v in row.items() if k != "_row"}], file_catalog())
    assert all(math.isfinite(r.error) for r in out)


def test_every_readable_row_is_estimated(loaded):
    cases, _ = loaded
    rows = score([{k: v for k, v in c.items() if k != "_row"} for c in cases], file_catalog())
    assert len(rows) == sum(len(c["measured"]) for c in cases)
    assert all(math.isfinite(r.error) for r in rows)


def test_littles_law_check_worked_example():
    # 64 clients, 1,024-token outputs (mean 921.6), TTFT 0.5 s, TPOT 20 ms: 64 × 921.6 / 18.93 s = 3,115 tok/s
    good = {"output_tokens_per_s": 3000.0, "tpot_ms": 20.0, "ttft_ms": 500.0}
    assert iv.consistent(good, 1024, 64)
    # the MI355X ATOM row: 202 tok/s from 512 clients at 11 ms per token
    assert not iv.consistent({"output_tokens_per_s": 202.2, "tpot_ms": 11.0, "ttft_ms": 300.0}, 1024, 512)


def test_engine_spread_compares_two_engines_on_the_same_layout_only():
    base = {"workload": {"precision": "fp8", "input_tokens": 1024, "output_tokens": 1024, "concurrency": 4},
            "cluster": {"system": "dgx-h200", "gpus": 8},
            "config": {"serving": "single-node", "tp": 8, "ep": 1, "dp_attention": False, "spec_decoding": "none"}}
    a = {**base, "measured": {"tpot_ms": 10.0}, "_row": {"framework": "sglang", "date": "2026-01-01"}}
    b = {**base, "measured": {"tpot_ms": 12.5}, "_row": {"framework": "trt", "date": "2026-02-01"}}
    same_engine = {**base, "measured": {"tpot_ms": 20.0}, "_row": {"framework": "sglang", "date": "2026-03-01"}}
    spread = iv.engine_spread([a, b, same_engine])
    # sglang–trt pairs only: 10 vs 12.5 (0.2 and 0.25) and 20 vs 12.5 (0.6 and 0.375)
    assert sorted(spread["tpot_ms"]) == pytest.approx([0.2, 0.25, 0.375, 0.6])
    # the least error one estimate can have against both of a pair: (12.5 − 10) / 22.5 and (20 − 12.5) / 32.5
    assert sorted(iv.spread_floor(spread["tpot_ms"])) == pytest.approx([2.5 / 22.5, 7.5 / 32.5])


def test_the_script_prints_the_summary_and_the_engine_spread():
    out = io.StringIO()
    with redirect_stdout(out):
        assert iv.main(["--only", "system=dgx-b200", "--worst", "3"]) == 0
    text = out.getvalue()
    assert "DeepSeek-R1 rows of inferencex-benchmarks-dsr1.jsonl" in text
    assert "out of sample" in text and "# engine spread" in text and "# worst 3 values" in text
    assert "# the least error one estimate can have against both engines of a pair" in text


def test_ttft_by_utilisation_bands_the_estimates_and_stretches_below_085():
    # two out-of-sample TTFTs: 40 % utilisation estimated at half the measured value (off by half: 0.5 is
    # not more than half, 0.4 is), 90 % at twice; stretched by 1/(1 − 0.4) the first comes to 0.4/0.6 = 0.67
    base = {"workload": {"precision": "fp8", "input_tokens": 1024, "output_tokens": 1024, "concurrency": 4},
            "cluster": {"system": "dgx-h200", "gpus": 8}, "_row": {"framework": "sglang", "date": "2026-01-01"},
            "config": {"serving": "single-node", "tp": 8, "ep": 1, "dp_attention": False, "spec_decoding": "none"}}
    cases = [{**base, "measured": {"ttft_ms": 100.0}}, {**base, "measured": {"ttft_ms": 100.0}}]
    outputs = [{"ttft_ms": 40.0, "assumptions": ["TTFT is the median request; prefill server utilisation 40%"]},
               {"ttft_ms": 200.0, "assumptions": ["TTFT is the median request; prefill server utilisation 90%"]}]
    out = io.StringIO()
    with redirect_stdout(out):
        iv.ttft_by_utilisation(cases, outputs, set())
    lines = out.getvalue().splitlines()
    assert any(line.split()[:5] == ["single-node", "30-60", "%", "1", "0.40"] for line in lines)
    assert any(line.split()[:5] == ["single-node", "85-101", "%", "1", "2.00"] for line in lines)
    assert "^0 below 0.85: 2 of 2 off" in out.getvalue()
    assert "^1 below 0.85: 1 of 2 off" in out.getvalue()


def test_by_regime_groups_the_rows_and_gives_the_decoding_share():
    # one disaggregated row in the queueing regime at 95 % utilisation: throughput 1.1× the measured, TPOT 0.9×,
    # TTFT 2×; clients decoding at once: measured 10,000 tok/s × 40 ms / 500 = 0.80, estimated 11,000 × 36 ms / 500
    # = 0.792
    case = {"workload": {"precision": "fp8", "input_tokens": 1024, "output_tokens": 1024, "concurrency": 500},
            "cluster": {"system": "dgx-b200", "gpus": 16}, "_row": {"framework": "dynamo-trt", "date": "2026-01-01"},
            "config": {"serving": "disaggregated", "spec_decoding": "none"},
            "measured": {"output_tokens_per_s": 10000.0, "tpot_ms": 40.0, "ttft_ms": 1000.0}}
    out = {"output_tokens_per_s": 11000.0, "tpot_ms": 36.0, "ttft_ms": 2000.0,
           "assumptions": ["decode 2 × TP8 on 16 of 16 GPUs; 250.0 sequences decoding per decode worker "
                           "(prefill capacity: requests queue)",
                           "TTFT is the median request (closed loop); prefill server utilisation 95%"]}
    assert iv.decoding_share(case["measured"], 500) == 0.8
    text = io.StringIO()
    with redirect_stdout(text):
        iv.by_regime([case], [out], set())
    row = next(line for line in text.getvalue().splitlines() if line.startswith("disaggregated"))
    assert row.split() == ["disaggregated", "prefill", "capacity:", "requests", "queue", "90-101", "%", "1",
                           "1.10", "0.90", "2.00", "0.80", "0.79"]


def test_ttft_by_prompt_pairs_1k_and_8k_on_the_same_layout_and_gives_the_slope_ratio():
    # one pair: measured 100 → 400 ms (a rise of 300), estimated 150 → 250 ms (a rise of 100): slope ratio 3.00;
    # a lone 8k row with no 1k partner, and a row at 64 clients, make no pair
    def row(isl, measured, estimated, conc=4):
        case = {"workload": {"precision": "fp8", "input_tokens": isl, "output_tokens": 1024, "concurrency": conc},
                "cluster": {"system": "dgx-h200", "gpus": 8}, "_row": {"framework": "sglang"},
                "config": {"serving": "single-node", "tp": 8, "ep": 1, "dp_attention": False,
                           "spec_decoding": "none"},
                "measured": {"ttft_ms": measured}}
        return case, {"ttft_ms": estimated}

    rows = [row(1024, 100.0, 150.0), row(8192, 400.0, 250.0), row(8192, 500.0, 260.0, conc=8),
            row(1024, 90.0, 140.0, conc=64)]
    out = io.StringIO()
    with redirect_stdout(out):
        iv.ttft_by_prompt([c for c, _ in rows], [o for _, o in rows])
    text = out.getvalue()
    pair = [line for line in text.splitlines() if line.startswith("dgx-h200")]
    assert len(pair) == 1 and pair[0].split()[-3:] == ["100/150", "400/250", "3.00"]
    assert "slope ratio: median 3.00 over 1 pairs (3.00–3.00)" in text


def test_mtp_by_load_groups_the_mtp_rows_by_engine_attention_and_clients():
    # two single-node TP rows above 128 clients (TPOT predicted / measured 0.5 and 0.7: median 0.60), one DP row
    # of a disaggregated decode pool at 16 clients (1.10), and a row without MTP, which is left out
    def row(serving, dp, conc, measured, estimated, spec="mtp"):
        layout = {"tp": 8, "ep": 8, "dp_attention": dp}
        config = ({"serving": serving, **layout} if serving == "single-node" else
                  {"serving": serving, "decode": layout, "prefill": layout})
        case = {"workload": {"precision": "fp8", "input_tokens": 1024, "output_tokens": 1024, "concurrency": conc},
                "cluster": {"system": "dgx-b200", "gpus": 8}, "_row": {"framework": "sglang", "date": "2026-01-01"},
                "config": {**config, "spec_decoding": spec}, "measured": {"tpot_ms": measured}}
        return case, {"tpot_ms": estimated}

    rows = [row("single-node", False, 512, 40.0, 20.0), row("single-node", False, 256, 30.0, 21.0),
            row("disaggregated", True, 16, 10.0, 11.0), row("single-node", False, 512, 40.0, 20.0, spec="none")]
    out = io.StringIO()
    with redirect_stdout(out):
        iv.mtp_by_load([c for c, _ in rows], [o for _, o in rows], set())
    lines = [line.split() for line in out.getvalue().splitlines() if line.startswith("sglang")]
    assert lines == [["sglang", "disaggregated", "DP", "<=", "16", "1", "1.10", "1.10–1.10"],
                     ["sglang", "single-node", "TP", ">", "128", "2", "0.60", "0.50–0.70"]]


def test_the_large_batch_caution_states_what_the_capture_measures(loaded):
    # specdec.CAUTION_EVIDENCE is the capture's MTP runs on one node with tensor-parallel attention at more than
    # 128 clients, out of sample: measured TPOT ÷ estimated, lowest, median and highest
    import statistics

    from studio.domain.perf.cases import estimate_cases
    from studio.domain.perf.specdec import CAUTION_EVIDENCE, CAUTION_SEQUENCES

    cases, _ = loaded
    refs = iv.reference_keys()
    kind = [c for c in cases if c["config"]["spec_decoding"] == "mtp" and c["config"]["serving"] == "single-node"
            and not c["config"]["dp_attention"] and c["workload"]["concurrency"] > CAUTION_SEQUENCES
            and not iv.in_reference(c, refs)]
    outputs = estimate_cases([{k: v for k, v in c.items() if k != "_row"} for c in kind], file_catalog())
    ratios = [c["measured"]["tpot_ms"] / o["tpot_ms"] for c, o in zip(kind, outputs)]
    measured = (len(ratios), min(ratios), statistics.median(ratios), max(ratios))
    assert measured[0] == CAUTION_EVIDENCE[0]
    assert [round(x, 2) for x in measured[1:]] == list(CAUTION_EVIDENCE[1:])
    # every one of them carries the caution line
    assert all(any("published DeepSeek-R1 runs of this kind" in a for a in o["assumptions"]) for o in outputs)
