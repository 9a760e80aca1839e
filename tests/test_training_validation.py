"""The out-of-sample check against Megatron-Bridge's published pre-training performance
(``bench/training_validation.py``, ``bench/data/megatron-bridge-training.json``): every figure is estimated,
and the errors stay within what the check measured when it was added."""

from __future__ import annotations

import io
from contextlib import redirect_stdout

from catalog.datafiles import file_catalog
from studio.domain.perf.accuracy import percentile, score
from studio.domain.perf.confidence import MAX_WIDTH, NARROW, training_regime
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


def test_the_moe_training_bands_claim_no_more_than_the_published_runs_show():
    # each band is the p80 of its group's errors (capped at the widest band), so 80 % of the published runs
    # on NVL72 racks, and of those on 8-GPU nodes, lie inside the band their estimate carries
    cases = [c for c in tv.load_cases() if tv.is_moe(c)]
    rows = score(cases, file_catalog())
    by_id = {c["id"]: c for c in cases}
    cat = file_catalog()
    groups = {"moe-training": [], "moe-training-node": []}
    for r in rows:
        domain = cat.get(by_id[r.case_id]["cluster"]["system"]).scale_up_domain
        groups[training_regime(True, domain)].append(r.error)
    assert len(groups["moe-training"]) == 10 and len(groups["moe-training-node"]) == 9
    for regime, errors in groups.items():
        assert NARROW[regime] >= min(MAX_WIDTH, percentile(errors, 0.8)) - 0.005, regime


def test_the_script_prints_groups_and_the_worst_cases():
    out = io.StringIO()
    with redirect_stdout(out):
        assert tv.main(["--worst", "3"]) == 0
    text = out.getvalue()
    assert "llama-3.1-405b" in text and "# worst 3" in text
