"""The out-of-sample check against Megatron-Bridge's published pre-training performance
(``bench/training_validation.py``, ``bench/data/megatron-bridge-training.json``): every figure is estimated,
and the errors stay within what the check measured when it was added."""

from __future__ import annotations

import io
from contextlib import redirect_stdout

from catalog.datafiles import file_catalog
from studio.domain.perf.accuracy import percentile, score
from tests.bench_scripts import load

tv = load("training_validation")


def test_every_published_training_figure_is_estimated():
    cases = tv.load_cases()
    assert len(tv.dense_cases()) == 19
    assert len(cases) == 38
    assert {c["workload"]["model"] for c in cases} == {"llama-3.1-8b", "llama-3.1-70b", "llama-3.1-405b",
                                                       "deepseek-v3", "gpt-oss-120b", "qwen3-235b-a22b"}
    rows = score(cases, file_catalog())
    assert len(rows) == 38 and all(r.predicted for r in rows)
    by_id = {c["id"]: c for c in cases}
    dense = [r.error for r in rows if not tv.is_moe(by_id[r.case_id])]
    moe = [r.error for r in rows if tv.is_moe(by_id[r.case_id])]
    nvl72_moe = [r.error for r in rows if tv.is_moe(by_id[r.case_id])
                 and by_id[r.case_id]["cluster"]["system"] in ("gb200-nvl72", "gb300-nvl72")]
    assert len(dense) == len(moe) == 19 and len(nvl72_moe) == 10
    # measured when the check was added (stop 27): the dense figures, fitted, 9.6 % / 18.2 %; the MoE ones,
    # never fitted, 23.4 % / 105.8 % — 7.9 % / 19.5 % on NVL72, where the recipes keep expert parallelism
    # inside NVLink; on 8-GPU DGX nodes they run 1.4–2.4 × under the estimate (docs/accuracy.md, stop 27)
    assert percentile(dense, 0.5) < 0.15 and percentile(dense, 0.9) < 0.25
    assert percentile(moe, 0.5) < 0.3
    assert percentile(nvl72_moe, 0.5) < 0.15 and percentile(nvl72_moe, 0.9) < 0.3


def test_the_script_prints_groups_and_the_worst_cases():
    out = io.StringIO()
    with redirect_stdout(out):
        assert tv.main(["--worst", "3"]) == 0
    text = out.getvalue()
    assert "llama-3.1-405b" in text and "# worst 3" in text
