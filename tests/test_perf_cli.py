"""``manage.py estimate`` and ``manage.py accuracy``: the contract, exit codes, design files."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

REPO = Path(__file__).resolve().parent.parent
CASES = REPO / "bench" / "data" / "calibration.json"
#: the commands read the catalog through get_catalog(), which looks at the database first
pytestmark = pytest.mark.django_db

DESIGN = {
    "format": "ai-factory-design/1", "name": "Inference pod A",
    "site": {"width_m": 24, "depth_m": 18, "tile_mm": 600, "it_power_kw": 2000, "pue": 1.3, "facility_power_kw": 2700,
             "cooling": {"air_kw": 600, "liquid_kw": 1600}, "floor_max_kg_per_m2": 1500, "redundancy": "N+1",
             "electricity_usd_per_kwh": 0.08},
    "racks": [{"id": "A01", "model": "rack-48u-600x1200", "x_tiles": 2, "y_tiles": 3, "rotation": 0,
               "cooling": "rdhx-active",
               "pdus": [{"model": "pdu-415v-60a-3ph", "feed": "A"}, {"model": "pdu-415v-60a-3ph", "feed": "B"}],
               "devices": [{"model": "dgx-h100", "u": 1}, {"model": "dgx-h100", "u": 9}]}],
    "fabrics": {"compute": {"model": "quantum-2-ndr", "topology": "rail-optimized", "oversubscription": 1.0}},
    "workloads": [{"kind": "inference", "model": "llama-3.1-70b", "precision": "fp8", "scenario": "server",
                   "input_tokens": 1000, "output_tokens": 300, "ttft_p99_limit_ms": 2000, "tpot_p99_limit_ms": 100}],
}


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as exc:
        call_command(*args, stdout=out, stderr=err)
    return exc.value.code, out.getvalue(), err.getvalue()


def write(tmp_path, data, name="f.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data) if not isinstance(data, str) else data)
    return str(path)


def test_estimate_prints_one_line_per_case_with_the_contract_keys():
    code, out, _ = run("estimate", str(CASES))
    lines = [json.loads(line) for line in out.splitlines()]
    cases = json.loads(CASES.read_text())["cases"]
    assert code == 0
    assert [line["id"] for line in lines] == [c["id"] for c in cases]
    by_id = {line["id"]: line for line in lines}
    assert {"output_tokens_per_s", "ttft_ms", "tpot_ms", "tokens_per_joule", "usd_per_million_tokens"} <= set(
        by_id["mlperf41-llama2-70b-offline-8xh100"])
    assert {"tokens_per_s", "mfu", "step_time_s", "time_to_train_s"} <= set(by_id["megatron-gpt3-175b-64xa100"])
    assert by_id["superpod-h100-1su"]["fabric"] | {} == {"leaf": 8, "spine": 4, "core": 0, "cables": 512,
                                                          "transceivers": 1024, "tiers": 2}


def test_measured_values_are_ignored(tmp_path):
    case = json.loads(CASES.read_text())["cases"][0]
    with_measured = run("estimate", write(tmp_path, {"format": "ai-factory-estimate-cases/1", "cases": [case]}))[1]
    case.pop("measured")
    without = run("estimate", write(tmp_path, {"format": "ai-factory-estimate-cases/1", "cases": [case]}, "g.json"))[1]
    assert with_measured == without


def test_a_case_that_cannot_be_estimated_prints_an_error_line_and_exits_1(tmp_path):
    good = json.loads(CASES.read_text())["cases"][0]
    bad = {"id": "bad", "workload": {**good["workload"], "model": "gpt-9"}, "cluster": good["cluster"]}
    zero = {"id": "zero", "workload": good["workload"], "cluster": {"system": "dgx-h100", "gpus": 0}}
    code, out, _ = run("estimate", write(tmp_path, {"format": "ai-factory-estimate-cases/1", "cases": [good, bad, zero]}))
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 1
    assert "output_tokens_per_s" in lines[0]
    assert lines[1] == {"id": "bad", "error": "unknown model 'gpt-9'"}
    assert lines[2]["id"] == "zero" and "GPU" in lines[2]["error"]


@pytest.mark.parametrize("content", ["{not json", json.dumps({"format": "something-else"}), None])
def test_an_unusable_file_exits_2_with_a_message(tmp_path, content):
    path = write(tmp_path, content) if content is not None else str(tmp_path / "missing.json")
    code, out, err = run("estimate", path)
    assert code == 2
    assert out == "" and err


def test_a_design_file_is_estimated_on_its_racks_systems(tmp_path):
    code, out, err = run("estimate", write(tmp_path, DESIGN))
    assert code == 0, err
    (line,) = [json.loads(x) for x in out.splitlines()]
    assert line["gpus"] == 16 and line["system"] == "dgx-h100"
    assert line["output_tokens_per_s"] > 0 and line["tpot_p99_ms"] <= 100
    assert line["fabric"]["leaf"] == 1 and line["fabric"]["spine"] == 0  # 16 ports: one switch, as validate sizes it


def test_estimate_runs_as_a_subprocess_without_a_database(tmp_path):
    import subprocess
    import sys

    good = json.loads(CASES.read_text())["cases"][-1]
    path = write(tmp_path, {"format": "ai-factory-estimate-cases/1", "cases": [good]})
    proc = subprocess.run([sys.executable, "manage.py", "estimate", path], cwd=REPO, capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "DATABASE_URL": f"sqlite:///{tmp_path}/none.sqlite3"},
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["fabric"]["spine"] == 8


def test_accuracy_prints_each_value_and_the_summary():
    out = io.StringIO()
    call_command("accuracy", str(CASES), stdout=out)
    text = out.getvalue()
    assert "mlperf41-llama2-70b-offline-8xh100" in text
    assert "median" in text and "p90" in text and "fabric counts exact 9/9" in text


def test_estimate_frontier_adds_pareto_points_and_the_chosen_layout(tmp_path):
    cases = {"format": "ai-factory-estimate-cases/1", "cases": [
        {"id": "oss", "workload": {"kind": "inference", "model": "gpt-oss-120b", "precision": "fp4",
                                   "scenario": "interactive", "input_tokens": 1024, "output_tokens": 1024,
                                   "tpot_p99_limit_ms": 20},
         "cluster": {"system": "dgx-b200", "gpus": 8}}]}
    code, out, err = run("estimate", write(tmp_path, cases), "--frontier", "--brief")
    assert code == 0, err
    line = json.loads(out)
    assert line["slo_met"] is True and line["layout"]["serving"] in ("single-node", "disaggregated")
    assert len(line["frontier"]) >= 3 and "layout" in line["frontier"][0]
    assert len(line["considered"]) > 3 and line["layout"] in [c["layout"] for c in line["considered"]]


def test_accuracy_reports_both_reference_files_per_family():
    out = io.StringIO()
    call_command("accuracy", stdout=out)
    text = out.getvalue()
    assert "# accuracy on calibration.json" in text and "# accuracy on inferencex-calibration.json" in text
    assert "ix-dsr1-h100-dynamo-trt-fp8-8k1k-c9" in text and "family hopper" in text
    assert "failed" not in text
