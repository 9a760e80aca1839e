"""`manage.py scaling DESIGN.json`: the design's scaling path as the contract's JSON, exit 0 / 1 / 2,
the same numbers as the estimates page and validate's maximum power at the design's own size."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from catalog.datafiles import file_catalog
from studio.domain.designfile import load_design
from studio.domain.perf.design_scaling import contract_dict, path_dict, scale_design
from studio.domain.rules import validate

ROOT = Path(__file__).resolve().parent.parent
H100_SU = ROOT / "studio" / "reference_designs" / "dgx-h100-su.json"
STEP_KEYS = {"gpus", "racks", "it_kw", "facility_kw", "leaf", "spine", "core", "capex_usd", "walls"}


def run_scaling(path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", "scaling", str(path)], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


@pytest.fixture(scope="module")
def h100_output():
    result = run_scaling(H100_SU)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_it_prints_the_contract_shape(h100_output):
    assert set(h100_output) == {"steps", "first_wall"}
    assert h100_output["steps"] and all(set(step) == STEP_KEYS for step in h100_output["steps"])
    assert h100_output["first_wall"] == "site power exhausted"


def test_the_step_at_the_designs_own_size_draws_validates_it_power_and_fabric(h100_output):
    catalog = file_catalog()
    totals = validate(load_design(json.loads(H100_SU.read_text()), catalog), catalog).totals
    (own,) = [s for s in h100_output["steps"] if s["gpus"] == totals.gpus]
    assert own["it_kw"] == pytest.approx(totals.it_kw_max, abs=0.001)
    assert own["facility_kw"] == pytest.approx(totals.facility_kw, abs=0.01)
    compute = totals.switches["compute"]
    assert (own["leaf"], own["spine"], own["core"]) == (compute["leaf"], compute["spine"], compute["core"])
    assert own["racks"] == totals.racks


def test_capital_counts_the_systems_with_their_fit_out_once(h100_output):
    # 32 DGX H100 at their list price × (1 + 25 % network, storage and facility fit-out); no switch term on top
    price = file_catalog().get("dgx-h100").price.list_usd
    (own,) = [s for s in h100_output["steps"] if s["gpus"] == 256]
    assert own["capex_usd"] == round(32 * price * 1.25)


def test_the_power_wall_falls_at_the_first_step_over_the_sites_it_power(h100_output):
    steps = h100_output["steps"]
    first = next(i for i, s in enumerate(steps) if "site power exhausted" in s["walls"])
    assert steps[first]["it_kw"] > 500 >= steps[first - 1]["it_kw"]  # the reference site has 500 kW IT


def test_it_prints_the_same_numbers_as_the_estimates_page(h100_output):
    catalog = file_catalog()
    path = scale_design(load_design(json.loads(H100_SU.read_text()), catalog), catalog)
    page = path_dict(path)
    assert [s["gpus"] for s in page["steps"]] == [s["gpus"] for s in h100_output["steps"]]
    assert contract_dict(path) == h100_output


def test_an_unusable_file_exits_2_naming_the_path(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "ai-factory-design/1", "name": "x", "site": {}, "racks": [{"id": "A"}]}')
    result = run_scaling(bad)
    assert result.returncode == 2 and "site.width_m" in result.stderr


def test_a_design_without_gpus_cannot_be_scaled_and_exits_1(tmp_path):
    empty = tmp_path / "empty.json"
    data = json.loads(H100_SU.read_text())
    data["racks"] = [r for r in data["racks"] if not any(d["model"].startswith("dgx") for d in r["devices"])]
    data["workloads"] = []
    empty.write_text(json.dumps(data))
    result = run_scaling(empty)
    assert result.returncode == 1 and "no GPUs" in result.stderr
