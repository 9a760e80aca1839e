"""The design list: mine and shared, new from a reference or blank, rename, clone, delete, import, export."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from studio.models import Design
from tests.editor_fixtures import design, shared_view  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def test_it_lists_my_designs_and_the_ones_shared_with_me(client, collaborator, shared_view):  # noqa: F811
    client.force_login(collaborator)
    body = client.get("/designs/").content.decode()
    assert "Shared with me" in body and shared_view.name in body


def test_it_offers_the_reference_designs_with_their_totals(owner_client, loaded_catalog):
    body = owner_client.get("/designs/").content.decode()
    assert 'data-template="dgx-h100-su"' in body
    assert "GPUs" in body and "kW IT" in body


def test_it_creates_a_design_from_a_reference(owner_client, owner, loaded_catalog):
    response = owner_client.post("/designs/new/", {"template": "starter-4-racks"})
    row = Design.objects.get(owner=owner)
    assert response.status_code == 302 and response["Location"] == f"/designs/{row.code}/"
    assert row.template == "starter-4-racks" and row.racks.count() == 4


def test_it_creates_a_blank_hall_and_refuses_a_bad_size(owner_client, owner, loaded_catalog):
    response = owner_client.post("/designs/new/", {"name": "Empty", "width_m": "abc", "depth_m": 10,
                                                   "it_power_kw": 100, "air_cooling_kw": 50, "liquid_cooling_kw": 0})
    assert response.status_code == 400 and "Enter a number" in response.content.decode()
    assert not Design.objects.exists()
    owner_client.post("/designs/new/", {"name": "Empty", "width_m": 12, "depth_m": 10, "it_power_kw": 100,
                                        "air_cooling_kw": 50, "liquid_cooling_kw": 0})
    assert Design.objects.get(owner=owner).width_m == 12


def test_it_renames_clones_and_deletes_after_confirmation(owner_client, design):  # noqa: F811
    owner_client.post(f"/designs/{design.code}/rename/", {"name": "Pilot", "version": design.version})
    design.refresh_from_db()
    assert design.name == "Pilot" and design.version == 2
    response = owner_client.post(f"/designs/{design.code}/clone/", {"name": "Pilot B200"})
    clone = Design.objects.get(name="Pilot B200")
    assert clone.parent_id == design.pk and clone.racks.count() == design.racks.count()
    assert response["Location"] == f"/designs/{clone.code}/"
    confirm = owner_client.get(f"/designs/{design.code}/delete/")
    assert "cannot be undone" in confirm.content.decode()
    assert Design.objects.filter(pk=design.pk).exists()
    owner_client.post(f"/designs/{design.code}/delete/")
    assert not Design.objects.filter(pk=design.pk).exists()


def test_it_exports_a_design_file_that_imports_again(owner_client, owner, design):  # noqa: F811
    response = owner_client.get(f"/designs/{design.code}/export/")
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["format"] == "ai-factory-design/1" and len(data["racks"]) == 4
    upload = SimpleUploadedFile("hall.json", response.content, content_type="application/json")
    imported = owner_client.post("/designs/import/", {"file": upload})
    assert imported.status_code == 302
    assert Design.objects.filter(owner=owner).count() == 2


def test_a_bad_design_file_is_refused_with_its_json_path_and_nothing_saved(owner_client, design):  # noqa: F811
    data = json.loads(owner_client.get(f"/designs/{design.code}/export/").content)
    data["racks"][1]["devices"][0]["model"] = "no-such-server"
    upload = SimpleUploadedFile("bad.json", json.dumps(data).encode(), content_type="application/json")
    response = owner_client.post("/designs/import/", {"file": upload})
    assert response.status_code == 400
    assert "racks[1].devices[0].model" in response.content.decode()
    assert Design.objects.count() == 1


def test_outsiders_get_404_and_view_only_collaborators_403(client, outsider, collaborator, shared_view):  # noqa: F811
    client.force_login(outsider)
    assert client.get(f"/designs/{shared_view.code}/").status_code == 404
    assert client.get(f"/designs/{shared_view.code}/export/").status_code == 404
    assert client.post(f"/designs/{shared_view.code}/delete/").status_code == 404
    client.force_login(collaborator)
    assert client.get(f"/designs/{shared_view.code}/").status_code == 200
    assert client.post(f"/designs/{shared_view.code}/rename/", {"name": "Mine now"}).status_code == 403
    assert client.post(f"/designs/{shared_view.code}/delete/").status_code == 403
    shared_view.refresh_from_db()
    assert shared_view.name == "Hall"


def test_a_rename_from_a_stale_list_is_refused_and_an_open_editor_tab_sees_the_rename(owner_client,
                                                                                     design):  # noqa: F811
    owner_client.post(f"/designs/{design.code}/rename/", {"name": "Pilot", "version": 1})
    stale = owner_client.post(f"/designs/{design.code}/rename/", {"name": "Lost update", "version": 1})
    assert stale.status_code == 409 and "changed elsewhere" in stale.content.decode()
    # an open editor tab still on version 1 moves a rack: no conflict with a rename (they touch different
    # things), the move is kept and the tab's answer carries the new name
    tab = owner_client.post(f"/designs/{design.code}/edit/move/", {"version": 1, "rack": "A01", "dx": 0, "dy": 4})
    assert tab.status_code == 200 and "Pilot" in tab.content.decode()
    design.refresh_from_db()
    assert design.name == "Pilot" and design.version == 3


@pytest.mark.parametrize(("name", "message"), [("", "must not be empty"), ("x" * 201, "at most 200 characters"),
                                               ("Hall\x00", "NUL")])
def test_a_bad_name_is_refused_with_the_reason(owner_client, design, name, message):  # noqa: F811
    response = owner_client.post(f"/designs/{design.code}/rename/", {"name": name, "version": 1}, follow=True)
    assert message in response.content.decode()
    design.refresh_from_db()
    assert design.name == "Hall" and design.version == 1


def test_a_clone_or_a_new_design_with_a_bad_name_is_refused(owner_client, design):  # noqa: F811
    response = owner_client.post(f"/designs/{design.code}/clone/", {"name": "Pilot\x00"}, follow=True)
    assert "NUL" in response.content.decode() and Design.objects.count() == 1
    response = owner_client.post("/designs/new/", {"template": "starter-4-racks", "name": "x" * 201}, follow=True)
    assert "at most 200 characters" in response.content.decode() and Design.objects.count() == 1
