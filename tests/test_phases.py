"""Phased build-out (ARCHITECTURE.md "Phases"): an optional ``phase`` on racks and storage/facility entries;
``validate --phase N`` validates the build as of phase N; the fabric is planned for the final phase (its
reserved spine ports and the later racks' floor positions are called out); a file without phases is
read, written and validated exactly as before; the database keeps each rack's phase; a timeline per phase."""

import io
import json
import subprocess
import sys

import pytest
from django.core.management import call_command

from catalog.source import get_catalog
from studio.domain.designfile import dump_design, load_design, parse_design_text
from studio.domain.fabric import design_compute_fabric
from studio.domain.jsonread import DesignFileError
from studio.domain.phases import (
    RESERVED_CODE,
    as_of_phase,
    phase_timeline,
    phases_of,
    reservation,
    validate_phase,
)
from studio.domain.rules import validate
from studio.services import REFERENCE_DIR, create_design, design_to_domain, designs_with_content

pytestmark = pytest.mark.django_db

PHASE_OF = {"G01": 1, "G02": 2, "G03": 2, "G04": 2, "G05": 3, "G06": 3, "G07": 3, "G08": 3}


def phased_data() -> dict:
    """The GB200 NVL72 SU in three phases: one rack with every network rack, then three, then four."""
    data = json.loads((REFERENCE_DIR / "gb200-nvl72-su.json").read_text())
    for rack in data["racks"]:
        if rack["id"] in PHASE_OF and PHASE_OF[rack["id"]] > 1:
            rack["phase"] = PHASE_OF[rack["id"]]
    data["storage"][0]["phase"] = 2
    return data


def run_validate(path, *args) -> tuple[int, dict]:
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("validate", str(path), "--indent", "0", *args, stdout=out)
    return exit_.value.code, json.loads(out.getvalue())


def test_a_file_without_phases_reads_writes_and_validates_as_before(tmp_path):
    catalog = get_catalog()
    for path in sorted(REFERENCE_DIR.glob("*.json")):
        data = json.loads(path.read_text())
        design = load_design(data, catalog)
        assert phases_of(design) == (1,)
        dumped = dump_design(design)
        assert "phase" not in json.dumps(dumped)  # nothing new is written for a design without phases
        code, report = run_validate(path)
        assert report == json.loads(json.dumps(validate(design, catalog).as_dict()))
        assert run_validate(path, "--phase", "1")[1] == report


def test_validate_phase_n_validates_the_build_as_of_that_phase(tmp_path):
    path = tmp_path / "phased.json"
    path.write_text(json.dumps(phased_data()))
    _, first = run_validate(path, "--phase", "1")
    _, second = run_validate(path, "--phase", "2")
    _, final = run_validate(path)
    assert [r["totals"]["gpus"] for r in (first, second, final)] == [72, 288, 576]
    assert run_validate(path, "--phase", "3")[1] == final == run_validate(path, "--phase", "9")[1]
    assert not any(f["code"] == RESERVED_CODE for f in final["findings"])
    reserved = [f for f in first["findings"] if f["code"] == RESERVED_CODE]
    assert len(reserved) == 1 and reserved[0]["severity"] == "info"
    assert "planned for phase 3" in reserved[0]["message"] and "G02" in reserved[0]["message"]


def test_the_reserved_spine_ports_are_the_leaf_uplinks_still_to_come():
    catalog = get_catalog()
    design = load_design(phased_data(), catalog)
    final = design_compute_fabric(design, catalog)
    now = design_compute_fabric(as_of_phase(design, 1), catalog)
    finding = reservation(design, catalog, 1)
    assert finding.value == final.leaf_spine_cables - now.leaf_spine_cables
    # the worked example of rules.phase.reserved_finding
    assert (final.leaf, final.spine, final.leaf_spine_cables, now.leaf, now.leaf_spine_cables) == (20, 16, 576, 4, 72)
    assert finding.value == 504
    assert f"install the {final.spine} spine" in finding.message
    assert reservation(design, catalog, 3) is None


def test_as_of_phase_keeps_what_comes_by_then():
    catalog = get_catalog()
    design = load_design(phased_data(), catalog)
    assert phases_of(design) == (1, 2, 3)
    two = as_of_phase(design, 2)
    assert [r.id for r in two.racks if r.model == "gb200-nvl72"] == ["G01", "G02", "G03", "G04"]
    assert len(two.storage) == 1 and len(as_of_phase(design, 1).storage) == 0
    assert validate_phase(design, catalog) == validate(design, catalog)


def test_phases_round_trip_through_the_design_file():
    catalog = get_catalog()
    data = phased_data()
    design = load_design(data, catalog)
    again = load_design(json.loads(json.dumps(dump_design(design))), catalog)
    assert again == design
    assert dump_design(design)["storage"][0]["phase"] == 2


@pytest.mark.parametrize(("where", "value", "path"), [
    ("rack", 0, "racks[0].phase"), ("rack", 1.5, "racks[0].phase"), ("rack", "two", "racks[0].phase"),
    ("storage", 0, "storage[0].phase"),
])
def test_a_bad_phase_names_its_json_path(where, value, path):
    data = phased_data()
    (data["racks"][0] if where == "rack" else data["storage"][0])["phase"] = value
    with pytest.raises(DesignFileError) as caught:
        parse_design_text(json.dumps(data), get_catalog())
    assert caught.value.path == path


def test_a_phase_below_one_on_the_command_line_is_refused_with_exit_2(tmp_path):
    path = tmp_path / "d.json"
    path.write_text(json.dumps(phased_data()))
    done = subprocess.run([sys.executable, "manage.py", "validate", str(path), "--phase", "0"],
                          capture_output=True, text=True)
    assert done.returncode == 2 and "expected a whole number >= 1" in done.stderr


def test_the_database_keeps_each_racks_phase(owner, loaded_catalog):
    catalog = get_catalog()
    design = load_design(phased_data(), catalog)
    row = create_design(owner, design)
    again = design_to_domain(designs_with_content().get(pk=row.pk))
    assert {r.id: r.phase for r in again.racks} == {r.id: r.phase for r in design.racks}
    assert again.storage == design.storage


def test_the_phase_timeline_grows_phase_by_phase():
    catalog = get_catalog()
    rows = phase_timeline(load_design(phased_data(), catalog), catalog)
    assert [r["phase"] for r in rows] == [1, 2, 3] and [r["gpus"] for r in rows] == [72, 288, 576]
    assert rows[0]["capex_usd"] < rows[1]["capex_usd"] < rows[2]["capex_usd"]
    assert rows[0]["it_kw_max"] < rows[2]["it_kw_max"]


def test_the_phase_edit_sets_the_phase_of_racks_and_undoes():
    from studio.domain.edits import EditError, apply_edit, restore

    catalog = get_catalog()
    design = load_design(json.loads((REFERENCE_DIR / "starter-4-racks.json").read_text()), catalog)
    ids = [r.id for r in design.racks][:2]
    applied = apply_edit("phase", design, catalog, _Form(rack=ids, phase="2"))
    assert [r.phase for r in applied.design.racks][:2] == [2, 2] and applied.racks == tuple(ids)
    assert applied.message == f"Put {', '.join(ids)} in phase 2"
    assert restore(applied.design, applied.inverse).design == design
    with pytest.raises(EditError, match="Phase must be at least 1"):
        apply_edit("phase", design, catalog, _Form(rack=ids[:1], phase="0"))
    with pytest.raises(EditError, match="already in phase 1"):
        apply_edit("phase", design, catalog, _Form(rack=ids[:1], phase="1"))


class _Form(dict):
    """A posted form: ``getlist`` for the repeated ``rack`` field, like Django's QueryDict."""

    def __init__(self, rack, phase):
        super().__init__(rack=rack[0], phase=phase)
        self._racks = rack

    def getlist(self, name):
        return list(self._racks) if name == "rack" else [self[name]]


def test_the_editor_sets_a_racks_phase_and_the_floor_plan_marks_it(owner_client, owner, loaded_catalog):
    from django.urls import reverse

    from studio.services import create_from_reference

    row = create_from_reference(owner, "starter-4-racks")
    label = design_to_domain(designs_with_content().get(pk=row.pk)).racks[-1].id
    response = owner_client.post(reverse("design_edit", args=[row.code, "phase"]),
                                 {"rack": label, "phase": "3", "version": row.version, "open_rack": label})
    html = response.content.decode()
    assert response.status_code == 200 and f"Put {label} in phase 3" in html
    assert 'data-phase="3"' in html and "phase-3" in html and 'id="rack-phase"' in html and 'value="3"' in html
    page = owner_client.get(reverse("design_editor", args=[row.code])).content.decode()
    assert 'data-phase-filter="floor-svg"' in page and f'data-rack="{label}"' in page
    estimates = owner_client.get(reverse("design_estimates", args=[row.code])).content.decode()
    assert 'id="phase-timeline"' in estimates and "Phase 3" in estimates
    present = owner_client.get(reverse("design_present", args=[row.code])).content.decode()
    assert "The hall by phase" in present and 'id="present-phases"' in present


def test_the_estimate_and_the_timeline_give_each_phase_its_throughput(owner_client, owner, loaded_catalog):
    from django.urls import reverse

    from studio.models import Job
    from studio.tasks import estimate_design_task

    data = phased_data()
    data["workloads"] = [{"kind": "inference", "model": "llama-3.1-8b", "precision": "fp8", "scenario": "offline",
                          "input_tokens": 300, "output_tokens": 290, "name": "Chat"}]
    row = create_design(owner, load_design(data, get_catalog()))
    job = Job.objects.create(owner=owner, kind="estimate", params={"design": str(row.code), "version": row.version})
    estimate_design_task.apply(args=[job.pk])
    job.refresh_from_db()
    assert job.state == Job.SUCCEEDED, job.error
    phases = job.result["phases"]
    assert [p["phase"] for p in phases] == [1, 2]  # the final build is the estimate itself
    one, two = (p["results"]["Chat"] for p in phases)
    final = job.result["results"][0]["inference"]["output_tokens_per_s"]
    assert (one["gpus"], two["gpus"]) == (72, 288) and one["tokens_per_s"] < two["tokens_per_s"] < final
    html = owner_client.get(reverse("design_estimates", args=[row.code])).content.decode()
    timeline = html[html.index('id="phase-timeline"'):html.index('id="estimate-status"')]
    assert f"Chat: {one['tokens_per_s']:,.0f} tok/s" in timeline and f"Chat: {final:,.0f} tok/s" in timeline


def test_the_fabrics_panel_sets_the_phase_of_storage_and_facility_entries():
    from studio.domain.edits import apply_edit

    class Form(dict):
        def getlist(self, name):
            value = self.get(name, [])
            return list(value) if isinstance(value, list) else [value]

    catalog = get_catalog()
    design = load_design(json.loads((REFERENCE_DIR / "gb200-nvl72-su.json").read_text()), catalog)
    applied = apply_edit("fabrics", design, catalog, Form(
        storage_model=["ddn-ai400x2t"], storage_count=["6"], storage_phase=["2"],
        facility_model=["cdu-1350kw"], facility_count=["2"]))
    assert [(s.model, s.count, s.phase) for s in applied.design.storage] == [("ddn-ai400x2t", 6, 2)]
    assert [(f.model, f.phase) for f in applied.design.facility] == [("cdu-1350kw", 1)]  # no phase sent: 1


def test_as_of_phase_worked_example():
    from studio.domain.design import Design, RackPlacement, Site

    racks = tuple(RackPlacement(f"A0{i}", "rack-48u-600x1200", i, 0, phase=i) for i in (1, 2, 3))
    design = Design(name="d", site=Site(width_m=6, depth_m=6), racks=racks)
    assert [r.id for r in as_of_phase(design, 2).racks] == ["A01", "A02"]
