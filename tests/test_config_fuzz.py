"""``bench/config_fuzz.py``: malformed configs, workloads and clusters estimate or fail with a named error."""

from __future__ import annotations

import random

from tests.bench_scripts import load, run_main

fuzz = load("config_fuzz")


def test_malformed_input_never_raises_anything_but_an_estimate_error():
    # before stop 28, 171 of the script's 3,000 fuzzed configs raised TypeError or AttributeError
    status, text = run_main(fuzz, ["--cases", "300"])
    assert status == 0, text
    assert "raised something else" not in text


def test_the_fuzzer_sets_the_values_it_names():
    cfgs = [fuzz.fuzzed_config(random.Random(s)) for s in range(200)]
    assert any(not isinstance(c, dict) for c in cfgs)
    assert any(isinstance(c, dict) and c.get("tp") == "8" for c in cfgs)
    assert any(isinstance(c, dict) and isinstance(c.get("decode"), dict) for c in cfgs)
