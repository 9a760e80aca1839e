"""InferenceMAX's gpt-oss-120b sweeps (``bench/gptoss_validation.py``, ``bench/data/inferencemax-gptoss-120b.csv``),
a calibration source at weight 0.5: every run is estimated in its published layout, and the errors stay
within what was measured when the sweeps were added."""

from __future__ import annotations

import io
from contextlib import redirect_stdout

from catalog.datafiles import file_catalog
from studio.domain.perf.accuracy import percentile, score
from tests.bench_scripts import load

gv = load("gptoss_validation")


def test_every_run_is_a_case_in_its_published_layout():
    cases = gv.load_cases()
    assert len(cases) == 236
    assert {c["cluster"]["system"] for c in cases} == {"dgx-b200", "dgx-h100", "dgx-h200", "mi355x-oam8"}
    first = cases[0]  # b200 vLLM TP1, 1k/1k, 128 clients: 8,672.5 tok/s per GPU, 14.257 ms mean TPOT
    assert first["config"]["tp"] == 1 and first["workload"]["concurrency"] == 128
    assert first["measured"] == {"output_tokens_per_s": 8672.5, "tpot_ms": 14.257}  # no TTFT beyond 16 clients
    assert all("ttft_ms" in c["measured"] for c in cases if c["workload"]["concurrency"] <= 16)
    assert all(c["cluster"]["gpus"] == c["config"]["tp"] for c in cases)


def test_the_errors_stay_within_what_was_measured():
    rows = score(gv.load_cases(), file_catalog())
    assert rows and all(r.predicted for r in rows)
    tput = [r.error for r in rows if r.key == "output_tokens_per_s"]
    errors = [r.error for r in rows]
    # measured with the stop-18 fit: throughput 12.4 % / 30.7 %, all values 16.1 % / 46.4 % (before the
    # per-kernel overheads and the eager prefill launch: 27.5 % / 46.8 % and 37.2 % / 200.9 %)
    assert percentile(tput, 0.5) < 0.16 and percentile(tput, 0.9) < 0.40
    assert percentile(errors, 0.5) < 0.22 and percentile(errors, 0.9) < 0.60


def test_the_script_prints_groups_and_the_worst_cases():
    out = io.StringIO()
    with redirect_stdout(out):
        assert gv.main(["--worst", "3"]) == 0
    text = out.getvalue()
    assert "dgx-h100" in text and "# worst 3" in text and "predicted / measured" in text
    # TPOT per GPU and TP: one row per GPU and TP the sweeps ran, e.g. MI355X at TP1 and TP8
    tp_rows = text.split("# TPOT predicted / measured, median per GPU and tensor parallelism")[1].split("#")[0]
    assert [line.split()[:2] for line in tp_rows.strip().splitlines() if line.startswith("mi355x")] == [
        ["mi355x-oam8", "TP1"], ["mi355x-oam8", "TP8"]]
