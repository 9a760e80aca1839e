"""NetBox export (CSV files in the columns of NetBox's bulk import) and the estimates a design file
carries: headers, devices with rack/position/face, endpoint cables, the command, the download for
every persona; export → import keeps the latest estimate, ``validate`` ignores it."""

import csv
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from catalog.datafiles import file_catalog
from studio import services
from studio.domain.designfile import DesignFileError, dump_design_text, load_estimates, parse_design_text
from studio.domain.rules import validate
from studio.models import Design, DesignMember, Job, ShareLink
from studio.reports.netbox import FILES, HEADERS, netbox_files, slugify
from studio.tasks import estimate_design_task

ROOT = Path(__file__).resolve().parent.parent

# The fields of NetBox's CSV import forms, netbox/dcim/forms/bulk_import.py (netbox-community/netbox,
# commit 016a5335): SiteImportForm, ManufacturerImportForm, DeviceRoleImportForm, DeviceTypeImportForm,
# RackImportForm, DeviceImportForm, InterfaceImportForm, CableImportForm (Meta.fields).
NETBOX_FIELDS = {
    "sites.csv": {"name", "slug", "status", "region", "group", "tenant", "facility", "time_zone", "description",
                  "physical_address", "shipping_address", "latitude", "longitude", "comments", "tags"},
    "manufacturers.csv": {"name", "slug", "description", "tags"},
    "device_roles.csv": {"name", "slug", "color", "vm_role", "config_template", "description", "tags"},
    "device_types.csv": {"manufacturer", "default_platform", "model", "slug", "part_number", "u_height",
                         "exclude_from_utilization", "is_full_depth", "subdevice_role", "airflow", "description",
                         "weight", "weight_unit", "comments", "tags"},
    "racks.csv": {"site", "location", "name", "facility_id", "tenant", "status", "role", "form_factor", "serial",
                  "asset_tag", "width", "u_height", "desc_units", "outer_width", "outer_depth", "outer_unit",
                  "mounting_depth", "airflow", "weight", "max_weight", "weight_unit", "description", "comments",
                  "tags"},
    "devices.csv": {"name", "role", "tenant", "manufacturer", "device_type", "platform", "serial", "asset_tag",
                    "status", "site", "location", "rack", "position", "face", "latitude", "longitude", "parent",
                    "device_bay", "airflow", "virtual_chassis", "vc_position", "vc_priority", "cluster",
                    "description", "config_template", "comments", "tags"},
    "interfaces.csv": {"device", "name", "label", "parent", "bridge", "lag", "type", "speed", "duplex", "enabled",
                       "mark_connected", "wwn", "vdcs", "mtu", "mgmt_only", "description", "poe_mode", "poe_type",
                       "mode", "vrf", "rf_role", "rf_channel", "rf_channel_frequency", "rf_channel_width",
                       "tx_power", "tags"},
    "cables.csv": {"side_a_device", "side_a_type", "side_a_name", "side_b_device", "side_b_type", "side_b_name",
                   "type", "status", "tenant", "label", "color", "length", "length_unit", "description", "comments",
                   "tags"},
}
REQUIRED = {"sites.csv": {"name", "slug", "status"}, "racks.csv": {"site", "name", "status", "width"},
            "devices.csv": {"role", "manufacturer", "device_type", "status", "site"},
            "device_types.csv": {"manufacturer", "model", "slug"},
            "cables.csv": {"side_a_device", "side_a_type", "side_a_name", "side_b_device", "side_b_type",
                           "side_b_name"}}


@pytest.fixture(scope="module")
def h100_files():
    catalog = file_catalog()
    design = parse_design_text((ROOT / "studio/reference_designs/dgx-h100-su.json").read_text(), catalog)
    return design, validate(design, catalog).totals, netbox_files(design, catalog, validate(design, catalog).totals)


def rows(text):
    return list(csv.DictReader(io.StringIO(text)))


def test_every_header_is_a_field_of_netboxs_import_form(h100_files):
    _, _, files = h100_files
    for name in FILES:
        header = next(csv.reader(io.StringIO(files[name])))
        assert header == HEADERS[name]
        assert set(header) <= NETBOX_FIELDS[name], (name, set(header) - NETBOX_FIELDS[name])
        assert REQUIRED.get(name, set()) <= set(header), name


def test_every_placed_device_is_exported_with_its_rack_position_and_face(h100_files):
    design, _, files = h100_files
    devices = rows(files["devices.csv"])
    assert len(devices) == sum(len(r.devices) + len(r.pdus) for r in design.racks) == 59 + 36
    pdu = next(d for d in devices if d["name"] == "C01-PDU-B2")
    assert pdu["rack"] == "C01" and pdu["position"] == "" and pdu["role"] == "PDU"  # zero-U
    first = next(d for d in devices if d["name"] == "C01-U09")
    assert first["rack"] == "C01" and first["position"] == "9" and first["face"] == "front"
    assert first["device_type"] == "NVIDIA DGX H100" and first["status"] == "planned"
    assert {d["device_type"] for d in devices} <= {t["model"] for t in rows(files["device_types.csv"])}
    assert {d["manufacturer"] for d in devices} <= {m["name"] for m in rows(files["manufacturers.csv"])}
    assert {d["role"] for d in devices} <= {r["name"] for r in rows(files["device_roles.csv"])}
    racks = rows(files["racks.csv"])
    assert [r["name"] for r in racks] == [r.id for r in design.racks] and racks[0]["u_height"] == "48"
    assert slugify("DGX H100 (8 GPU)") == "dgx-h100-8-gpu"


def test_each_compute_port_gets_one_cable_to_a_leaf_on_its_rail(h100_files):
    design, totals, files = h100_files
    cables = rows(files["cables.csv"])
    compute = [c for c in cables if c["label"].startswith("compute-") and "-uplink-" not in c["label"]]
    assert len(compute) == totals.gpus == 256  # DGX H100: one compute port per GPU
    leaves = {c["side_b_device"] for c in compute}
    assert len(leaves) == totals.switches["compute"]["leaf"] == 8
    for rail in range(1, 9):  # rail-optimized: rail r of every node lands on the same leaf
        assert len({c["side_b_device"] for c in compute if c["side_a_name"] == f"gpu-nic{rail}"}) == 1
    ends = {(c["side_a_device"], c["side_a_name"]) for c in cables} | \
        {(c["side_b_device"], c["side_b_name"]) for c in cables}
    assert len(ends) == 2 * len(cables)  # no port is used twice
    interfaces = {(i["device"], i["name"]) for i in rows(files["interfaces.csv"])}
    assert ends <= interfaces
    assert {c["type"] for c in cables} <= {"dac-passive", "mmf", "smf", "cat6"}
    assert "503 endpoint-to-leaf cables and 439 leaf-to-spine cables" in files["README.txt"]


@pytest.mark.parametrize("name", sorted(p.stem for p in (ROOT / "studio/reference_designs").glob("*.json")))
def test_the_exported_cables_are_the_cables_validate_counts_by_type(name):
    catalog = file_catalog()
    design = parse_design_text((ROOT / f"studio/reference_designs/{name}.json").read_text(), catalog)
    totals = validate(design, catalog).totals
    cables = rows(netbox_files(design, catalog, totals)["cables.csv"])
    assert all(plan["core"] == 0 and plan["placed"] >= plan["leaf"] + plan["spine"]
               for plan in totals.switches.values())  # two tiers, every switch placed: all links exported
    assert len(cables) == sum(totals.cables.values())
    by_type = {}
    for c in cables:
        by_type[c["type"]] = by_type.get(c["type"], 0) + 1
    names = {"dac": "dac-passive", "multimode": "mmf", "singlemode": "smf", "rj45": "cat6"}
    assert by_type == {names[media]: n for media, n in totals.cables.items() if n}  # the BOM's cables, by type
    uplinks = [c for c in cables if "-uplink-" in c["label"]]
    for role, plan in totals.switches.items():
        spines = {c["side_b_device"] for c in uplinks if c["label"].startswith(f"{role}-uplink-")}
        assert len(spines) == plan["spine"], role


def test_the_command_writes_the_files_and_refuses_a_bad_design(tmp_path):
    out = tmp_path / "netbox"
    result = subprocess.run([sys.executable, "manage.py", "export_netbox", "studio/reference_designs/"
                             "gb200-nvl72-su.json", "-o", str(out)], cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted([*FILES, "README.txt"])
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    result = subprocess.run([sys.executable, "manage.py", "export_netbox", str(bad), "-o", str(out)], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "not valid JSON" in result.stderr


@pytest.mark.django_db
def test_every_persona_on_the_netbox_download(client, owner, collaborator, outsider, loaded_catalog):
    row = services.create_from_reference(owner, "starter-4-racks")
    url = reverse("design_netbox", args=[row.code])
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    link = ShareLink.objects.create(design=row, label="visitor", created_by=owner)
    assert client.get(reverse("share_view", args=[link.token])).status_code == 200 and client.get(url).status_code == 302
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    member = DesignMember.objects.create(design=row, user=collaborator, role=DesignMember.VIEW)
    client.force_login(collaborator)
    assert client.get(url).status_code == 200
    member.role = DesignMember.EDIT
    member.save()
    assert client.get(url).status_code == 200
    client.force_login(owner)
    response = client.get(url)
    assert response["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert sorted(names) == sorted([*FILES, "README.txt"])


# --- estimates in the design file ---------------------------------------------------------------


def test_a_design_file_without_estimates_reads_as_before_and_a_bad_block_names_its_path():
    catalog = file_catalog()
    text = (ROOT / "studio/reference_designs/starter-4-racks.json").read_text()
    assert load_estimates(json.loads(text)) is None
    design = parse_design_text(text, catalog)
    assert "estimates" not in json.loads(dump_design_text(design))
    data = json.loads(text)
    data["estimates"] = {"result": {"results": []}, "stale": "no"}
    with pytest.raises(DesignFileError) as exc:
        load_estimates(data)
    assert exc.value.path == "estimates.stale"
    data["estimates"] = {"result": [], "oops": 1}
    with pytest.raises(DesignFileError) as exc:
        load_estimates(data)
    assert exc.value.path == "estimates.oops"
    data["estimates"] = {"result": {"results": []}}
    assert parse_design_text(json.dumps(data), catalog) == design  # the design itself ignores the block


def test_validate_ignores_the_estimates_of_a_design_file(tmp_path):
    data = json.loads((ROOT / "studio/reference_designs/starter-4-racks.json").read_text())
    plain = subprocess.run([sys.executable, "manage.py", "validate", "-"], input=json.dumps(data), cwd=ROOT,
                           capture_output=True, text=True, timeout=120)
    data["estimates"] = {"result": {"results": [{"id": "x", "inference": {"output_tokens_per_s": 1}}]},
                         "finished_at": "2026-12-01T10:00:00+00:00", "stale": False}
    carried = subprocess.run([sys.executable, "manage.py", "validate", "-"], input=json.dumps(data), cwd=ROOT,
                             capture_output=True, text=True, timeout=120)
    assert carried.returncode == plain.returncode and carried.stdout == plain.stdout


@pytest.mark.django_db
def test_an_exported_design_carries_its_latest_estimate_and_an_import_reads_it_back(owner_client, owner,
                                                                                   loaded_catalog):
    row = services.create_from_reference(owner, "dgx-h100-su")
    assert "estimates" not in json.loads(owner_client.get(reverse("design_export", args=[row.code])).content)
    owner_client.post(reverse("design_estimate_start", args=[row.code]))
    job = Job.objects.get(kind="estimate")
    estimate_design_task.apply(args=[job.pk])
    job.refresh_from_db()
    data = json.loads(owner_client.get(reverse("design_export", args=[row.code])).content)
    assert data["estimates"]["result"]["results"] == job.result["results"] and data["estimates"]["stale"] is False
    upload = SimpleUploadedFile("h100.json", json.dumps(data).encode(), content_type="application/json")
    assert owner_client.post(reverse("design_import"), {"file": upload}).status_code == 302
    imported = Design.objects.exclude(pk=row.pk).get()
    carried = Job.objects.get(params__design=str(imported.code))
    assert carried.state == Job.SUCCEEDED and carried.result["results"] == job.result["results"]
    assert carried.result["version"] == imported.version  # fresh, as it was at export
    html = owner_client.get(reverse("design_estimates", args=[imported.code])).content.decode()
    assert 'id="estimate-table"' in html and "The design changed after this estimate" not in html


@pytest.mark.django_db
def test_the_import_and_export_commands_carry_the_estimates_too(tmp_path, owner, loaded_catalog, capsys):
    from django.core.management import call_command

    data = json.loads((ROOT / "studio/reference_designs/starter-4-racks.json").read_text())
    result = {"version": 7, "results": [{"id": "w0", "label": "chat", "error": "kept as it was"}]}
    data["estimates"] = {"result": result, "finished_at": "2026-12-01T10:00:00+00:00", "stale": True}
    path = tmp_path / "with-estimates.json"
    path.write_text(json.dumps(data))
    call_command("import_design", str(path), "--user", "owner")
    code = capsys.readouterr().out.strip()
    job = Job.objects.get(params__design=code)
    assert job.result["results"] == result["results"] and job.result["version"] == 0  # stale stays stale
    assert job.finished_at.isoformat() == "2026-12-01T10:00:00+00:00"
    call_command("export_design", code)
    exported = json.loads(capsys.readouterr().out)
    assert exported["estimates"]["result"]["results"] == result["results"] and exported["estimates"]["stale"] is True


def test_rack_scale_systems_attach_as_trays_of_four_rails():
    catalog = file_catalog()
    design = parse_design_text((ROOT / "studio/reference_designs/gb200-nvl72-su.json").read_text(), catalog)
    totals = validate(design, catalog).totals
    cables = rows(netbox_files(design, catalog, totals)["cables.csv"])
    compute = [c for c in cables if c["label"].startswith("compute-") and "-uplink-" not in c["label"]]
    assert len(compute) == totals.gpus  # one compute port per GB200 GPU
    per_leaf = {}
    for c in compute:
        per_leaf.setdefault(c["side_b_device"], set()).add((int(c["side_a_name"].removeprefix("gpu-nic")) - 1) % 4)
    assert len(per_leaf) == totals.switches["compute"]["leaf"]
    assert all(len(rails) == 1 for rails in per_leaf.values())  # each leaf serves one rail
    switch = catalog.get(totals.switches["compute"]["model"])
    assert max(sum(1 for c in compute if c["side_b_device"] == leaf) for leaf in per_leaf) <= switch.ports // 2
