"""`manage.py validate DESIGN.json`: JSON on stdout, exit 0 / 1 / 2, errors naming the JSON path."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

GOOD_RACK = {"id": "A01", "model": "rack-48u-600x1200", "x_tiles": 2, "y_tiles": 3, "rotation": 0,
             "cooling": "rdhx-active",
             "pdus": [{"model": "pdu-415v-60a-3ph", "feed": "A"}, {"model": "pdu-415v-60a-3ph", "feed": "B"}],
             "devices": [{"model": "dgx-h100", "u": 1}]}


def design(racks):
    return {"format": "ai-factory-design/1", "name": "cli test",
            "site": {"width_m": 24, "depth_m": 18, "it_power_kw": 500, "pue": 1.3, "facility_power_kw": 700,
                     "cooling": {"air_kw": 300, "liquid_kw": 300}, "floor_max_kg_per_m2": 1500},
            "racks": racks, "storage": [{"model": "ddn-ai400x2t", "count": 1}]}


def run_validate(tmp_path, content: str):
    path = tmp_path / "design.json"
    path.write_text(content, encoding="utf-8")
    return subprocess.run([sys.executable, "manage.py", "validate", str(path)], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)


@pytest.fixture(scope="module")
def tmp_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("validate")


def test_a_buildable_design_prints_findings_and_totals_and_exits_0(tmp_dir):
    result = run_validate(tmp_dir, json.dumps(design([GOOD_RACK])))
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert set(out) == {"findings", "totals"}
    assert out["totals"]["gpus"] == 8 and out["totals"]["racks"] == 1
    for finding in out["findings"]:
        assert set(finding) == {"severity", "code", "subject", "message", "value", "limit", "unit"}
        assert finding["severity"] != "error"


def test_a_design_with_an_error_finding_exits_1(tmp_dir):
    overloaded = dict(GOOD_RACK, pdus=[{"model": "pdu-415v-32a-3ph", "feed": "A"}],
                      devices=[{"model": "dgx-h100", "u": 1 + 8 * i} for i in range(4)])
    result = run_validate(tmp_dir, json.dumps(design([overloaded])))
    assert result.returncode == 1, result.stderr
    out = json.loads(result.stdout)
    assert out["findings"][0]["severity"] == "error"
    assert "rack.power.over_capacity" in {f["code"] for f in out["findings"]}


def test_bad_json_exits_2_with_line_and_column(tmp_dir):
    result = run_validate(tmp_dir, '{"format": "ai-factory-design/1",\n "site": }')
    assert result.returncode == 2
    assert "line 2" in result.stderr and "column" in result.stderr
    assert result.stdout == ""


def test_an_unknown_slug_exits_2_naming_the_json_path(tmp_dir):
    rack = dict(GOOD_RACK, devices=[{"model": "dgx-h999", "u": 1}])
    result = run_validate(tmp_dir, json.dumps(design([rack])))
    assert result.returncode == 2
    assert "racks[0].devices[0].model" in result.stderr and "dgx-h999" in result.stderr


def test_a_wrong_format_exits_2(tmp_dir):
    data = design([GOOD_RACK])
    data["format"] = "something-else/9"
    result = run_validate(tmp_dir, json.dumps(data))
    assert result.returncode == 2 and "format" in result.stderr


def test_an_impossible_number_exits_2(tmp_dir):
    data = design([GOOD_RACK])
    data["site"]["pue"] = 0.5
    result = run_validate(tmp_dir, json.dumps(data))
    assert result.returncode == 2 and "site.pue" in result.stderr


def test_a_missing_file_exits_2(tmp_dir):
    result = subprocess.run([sys.executable, "manage.py", "validate", str(tmp_dir / "nope.json")], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "cannot read" in result.stderr
