"""``bench/search_coverage.py``: the layout search never settles below a layout a published run used, when
that layout is one the search could have tried (the whole capture is the script's run, ~40 s)."""

from __future__ import annotations

from catalog.datafiles import file_catalog
from studio.domain.catalog import LlmModel
from tests.bench_scripts import load, run_main

sc = load("search_coverage")


def test_the_search_matches_or_beats_every_published_b200_layout_in_its_space():
    # at stop 29, before the search tried prefill pools with data-parallel attention and the prefill worker
    # counts on both sides of each share, it fell short of 39 of the capture's 390 published layouts
    status, text = run_main(sc, ["--only", "system=dgx-b200"])
    assert status == 0, text
    assert "92 published layouts the search could have tried" in text


def test_a_tp48_decoder_lies_outside_the_search_space_and_a_tp32_one_inside():
    model = file_catalog().get("deepseek-r1", LlmModel)
    def config(width):
        return {"serving": "disaggregated", "prefill": {"workers": 4, "tp": 4, "ep": 4, "dp_attention": True},
                "decode": {"workers": 1, "tp": width, "ep": width, "dp_attention": True}}
    assert not sc.in_search_space(config(48), model, 64, 72)
    assert sc.in_search_space(config(32), model, 48, 72)
