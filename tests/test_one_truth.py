"""One truth: for every reference design, `manage.py validate` totals, every `manage.py estimate` line's
`fabric`, the `manage.py scaling` step at the design's own size and the editor's Fabrics panel show the
same compute-fabric leaf/spine/core, and that scaling step draws validate's IT power (maximum basis)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from studio.services import create_from_reference

ROOT = Path(__file__).resolve().parent.parent
DESIGNS = sorted((ROOT / "studio" / "reference_designs").glob("*.json"))
TIERS = ("leaf", "spine", "core")


def manage(*args) -> tuple[int, str]:
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, capture_output=True, text=True,
                            timeout=300)
    return result.returncode, result.stdout


@pytest.fixture(scope="module", params=DESIGNS, ids=lambda p: p.stem)
def outputs(request):
    path = request.param
    _, validated = manage("validate", str(path), "--indent", "0")
    _, estimated = manage("estimate", str(path))
    code, scaled = manage("scaling", str(path), "--indent", "0")
    assert code == 0
    return path.stem, json.loads(validated)["totals"], [json.loads(x) for x in estimated.splitlines() if x], \
        json.loads(scaled)


def test_every_estimate_line_shows_validates_compute_fabric(outputs):
    _, totals, lines, _ = outputs
    want = {t: totals["switches"]["compute"][t] for t in TIERS}
    assert lines and all({t: line["fabric"][t] for t in TIERS} == want for line in lines), lines


def test_the_scaling_step_at_the_designs_size_has_validates_fabric_and_it_power(outputs):
    _, totals, _, scaled = outputs
    (own,) = [s for s in scaled["steps"] if s["gpus"] == totals["gpus"]]
    assert {t: own[t] for t in TIERS} == {t: totals["switches"]["compute"][t] for t in TIERS}
    assert own["it_kw"] == pytest.approx(totals["it_kw_max"], abs=0.001)
    assert own["racks"] == totals["racks"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", DESIGNS, ids=lambda p: p.stem)
def test_the_editors_fabrics_panel_shows_the_same_counts(path, owner, owner_client, loaded_catalog):
    _, validated = manage("validate", str(path), "--indent", "0")
    totals = json.loads(validated)["totals"]
    row = create_from_reference(owner, path.stem)
    html = owner_client.get(reverse("design_editor", args=[row.code])).content.decode()
    panel = html[html.index('id="derived-panel"'):]
    for role, counts in totals["switches"].items():
        text = f"{counts['leaf']} leaf · {counts['spine']} spine" + (f" · {counts['core']} core" if counts["core"] else "")
        assert re.search(rf"{role.capitalize()} · {counts['model']}</td><td class=\"num\">{text}<", panel), (role, text)
