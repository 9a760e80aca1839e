"""Conflicts per rack, not per design; every edit recorded (who, when, what); the owner reverts."""

from dataclasses import replace

import pytest
from django.http import QueryDict
from django.test import Client
from django.urls import reverse

from studio import history, services
from studio.domain.edits.conflicts import EVERYTHING, conflicts, describe, footprint
from studio.models import Design, DesignEdit, DesignMember, RackPlacement
from tests.editor_fixtures import design, hall, shared_edit, shared_view  # noqa: F401 - fixtures


def test_the_footprint_worked_example():
    start = hall(racks=4)
    ana = replace(start, racks=(replace(start.racks[0], y_tiles=9), *start.racks[1:]))
    ben = replace(start, racks=(*start.racks[:1], replace(start.racks[1], devices=()), *start.racks[2:]))
    assert footprint(start, ana) == {"rack:A01"} and footprint(start, ben) == {"rack:A02"}
    assert not conflicts(footprint(start, ana), footprint(start, ben))
    also_a01 = replace(start, racks=(replace(start.racks[0], rotation=90), *start.racks[1:]))
    assert conflicts(footprint(start, ana), footprint(start, also_a01)) == {"rack:A01"}
    pue = replace(start, site=replace(start.site, pue=1.2), name="Renamed")
    assert footprint(start, pue) == {"site.pue", "name"}
    assert describe(frozenset({"rack:A01", "site.pue"})) == "rack A01 and the site's pue"
    assert conflicts(frozenset({EVERYTHING}), frozenset({"rack:B01"})) == {EVERYTHING}
    assert not conflicts(frozenset({EVERYTHING}), frozenset())


pytestmark_db = pytest.mark.django_db


def move(client, row, version, rack, dx=0, dy=1):
    return client.post(f"/designs/{row.code}/edit/move/", {"version": version, "rack": rack, "dx": dx, "dy": dy})


def yx(row, label):
    r = RackPlacement.objects.get(design=row, label=label)
    return r.x_tiles, r.y_tiles


@pytest.fixture
def two_editors(owner_client, shared_edit, collaborator):  # noqa: F811
    other = Client()
    other.force_login(collaborator)
    return owner_client, other, shared_edit


@pytest.mark.django_db
def test_two_people_editing_different_racks_of_one_design_both_succeed(two_editors):
    mine, theirs, row = two_editors
    assert move(mine, row, 1, "A01").status_code == 200
    response = move(theirs, row, 1, "A03")  # made on version 1, the design is now at 2
    assert response.status_code == 200 and 'value="3"' in response.content.decode()
    assert yx(row, "A01") == (2, 4) and yx(row, "A03") == (4, 4)  # nothing lost
    row.refresh_from_db()
    assert row.version == 3
    assert 'id="floor-svg"' in response.content.decode()  # the rebased view shows the other's move too


@pytest.mark.django_db
def test_edits_touching_the_same_rack_conflict_and_nothing_is_lost(two_editors):
    mine, theirs, row = two_editors
    move(mine, row, 1, "A02")
    response = move(theirs, row, 1, "A02", dx=0, dy=2)
    assert response.status_code == 409 and "rack A02 changed there too" in response.content.decode()
    assert yx(row, "A02") == (3, 4)
    # refused on the newer design (A02 would land on A03): the stale view is refreshed first, a 409 too
    assert move(theirs, row, 1, "A02", dx=1, dy=0).status_code == 409
    assert yx(row, "A02") == (3, 4)


@pytest.mark.django_db
def test_a_site_edit_and_a_rack_move_made_at_once_both_stand(two_editors):
    mine, theirs, row = two_editors
    site = {f: getattr(row, f) for f in ("width_m", "depth_m", "tile_mm", "it_power_kw", "pue", "facility_power_kw",
                                          "air_cooling_kw", "liquid_cooling_kw", "floor_max_kg_per_m2", "redundancy",
                                          "electricity_usd_per_kwh")}
    assert mine.post(f"/designs/{row.code}/edit/site/", {**site, "version": 1, "pue": 1.25}).status_code == 200
    assert move(theirs, row, 1, "A04").status_code == 200
    # a second site edit from the stale view would put the PUE back: that is a conflict, not an overwrite
    stale = theirs.post(f"/designs/{row.code}/edit/site/", {**site, "version": 1, "electricity_usd_per_kwh": 0.1})
    assert stale.status_code == 409 and "pue" in stale.content.decode()
    row.refresh_from_db()
    assert (row.pue, row.electricity_usd_per_kwh, row.version) == (1.25, site["electricity_usd_per_kwh"], 3)


@pytest.mark.django_db
def test_a_version_whose_history_was_not_kept_conflicts_with_everything(owner_client, design):  # noqa: F811
    move(owner_client, design, 1, "A01")
    DesignEdit.objects.filter(design=design).delete()
    assert move(owner_client, design, 1, "A03").status_code == 409


@pytest.mark.django_db
def test_every_edit_is_recorded_with_who_when_and_what(two_editors, owner, collaborator):
    mine, theirs, row = two_editors
    move(mine, row, 1, "A01")
    move(theirs, row, 2, "A03")
    edits = list(DesignEdit.objects.filter(design=row).order_by("version"))
    assert [(e.version, e.user, e.touched) for e in edits] == [(2, owner, ["rack:A01"]), (3, collaborator, ["rack:A03"])]
    page = theirs.get(reverse("design_history", args=[row.code])).content.decode()
    assert "Moved A01" in page and "Moved A03" in page and "collaborator" in page
    assert reverse("design_revert", args=[row.code]) not in page  # only the owner reverts


@pytest.mark.django_db
def test_the_owner_reverts_to_an_earlier_version_as_one_more_edit(owner_client, design):  # noqa: F811
    before = sorted(RackPlacement.objects.filter(design=design).values_list("label", "x_tiles", "y_tiles"))
    move(owner_client, design, 1, "A01")
    owner_client.post(f"/designs/{design.code}/edit/delete/", {"version": 2, "rack": "A02"})
    owner_client.post(f"/designs/{design.code}/edit/rename/", {"version": 3, "name": "Renamed"})
    response = owner_client.post(reverse("design_revert", args=[design.code]), {"version": 4, "target": 1})
    assert response.status_code == 302
    design.refresh_from_db()
    assert design.version == 5 and design.name == "Hall"
    assert sorted(RackPlacement.objects.filter(design=design).values_list("label", "x_tiles", "y_tiles")) == before
    assert DesignEdit.objects.get(design=design, version=5).message == "Reverted to version 1 (undid 3 edits)"
    # the revert is an edit like any other: it can be reverted
    owner_client.post(reverse("design_revert", args=[design.code]), {"version": 5, "target": 4})
    design.refresh_from_db()
    assert design.name == "Renamed" and not RackPlacement.objects.filter(design=design, label="A02").exists()


@pytest.mark.django_db
def test_reverting_is_the_owners_and_needs_kept_history(owner_client, design, collaborator, outsider):  # noqa: F811
    DesignMember.objects.create(design=design, user=collaborator, role=DesignMember.EDIT)
    move(owner_client, design, 1, "A01")
    member, stranger = Client(), Client()
    member.force_login(collaborator)
    stranger.force_login(outsider)
    url = reverse("design_revert", args=[design.code])
    assert member.post(url, {"version": 2, "target": 1}).status_code == 403
    assert stranger.post(url, {"version": 2, "target": 1}).status_code == 404
    assert stranger.get(reverse("design_history", args=[design.code])).status_code == 404
    assert Client().get(reverse("design_history", args=[design.code])).status_code == 302  # sign in first
    DesignEdit.objects.filter(design=design).delete()
    refused = owner_client.post(url, {"version": 2, "target": 1})
    assert refused.status_code == 400 and "was not kept" in refused.content.decode()
    assert Design.objects.get(pk=design.pk).version == 2


@pytest.mark.django_db
def test_old_edits_are_pruned_to_the_kept_number(owner, design, monkeypatch):  # noqa: F811
    monkeypatch.setattr(history, "KEEP_EDITS", 3)
    monkeypatch.setattr(history, "PRUNE_EVERY", 2)
    for version in range(1, 7):
        design.refresh_from_db()
        assert move_via_service(design, version, "A01" if version % 2 else "A02").state
    assert sorted(DesignEdit.objects.filter(design=design).values_list("version", flat=True)) == [4, 5, 6, 7]


def move_via_service(row, version, label):
    from studio import editing

    data = QueryDict(mutable=True)
    data.setlist("rack", [label])
    data.update({"dx": "0", "dy": "1" if version < 4 else "-1"})
    return editing.apply("move", row, version, data)


def test_services_stale_version_names_what_both_touched():
    assert "rack A01 changed there too" in str(services.StaleVersion(5, what="rack A01"))


@pytest.mark.django_db
def test_edits_that_land_while_a_rebased_edit_is_under_way_do_not_make_it_a_conflict(two_editors):
    """The request read the design at version 2; another edit (version 3) lands before the rebase check.
    The check counts the edits up to the version it read, the save notices version 3 and tries again."""
    from studio import editing
    from studio.models import Design

    mine, theirs, row = two_editors
    move(mine, row, 1, "A01")  # version 2
    stale_row = Design.objects.get(pk=row.pk)  # read at version 2
    move(mine, row, 2, "A02")  # version 3 lands meanwhile
    data = QueryDict(mutable=True)
    data.setlist("rack", ["A04"])
    data.update({"dx": "0", "dy": "1"})
    change = editing.apply("move", stale_row, 1, data)  # made on version 1
    assert change.state.design.rack("A04").y_tiles == 4 and stale_row.version == 4


@pytest.mark.django_db
def test_undo_walks_back_through_this_sessions_edits_only(two_editors, owner, monkeypatch):
    """Each session undoes its own edits, newest first, from the recorded history; another session's
    edits (even the same user's, in another browser) stay; an undone edit is not offered again."""
    owner_a, colleague, row = two_editors
    owner_b = Client()
    owner_b.force_login(owner)  # the owner again, in a second browser: a session of its own
    assert move(owner_a, row, 1, "A01", dy=1).status_code == 200  # v2
    assert move(colleague, row, 2, "A02", dy=1).status_code == 200  # v3
    assert move(owner_b, row, 3, "A03", dy=1).status_code == 200  # v4
    assert move(owner_a, row, 4, "A01", dy=1).status_code == 200  # v5
    start_a01 = yx(row, "A01")
    undo = owner_a.post(f"/designs/{row.code}/undo/", {"version": 5})
    assert undo.status_code == 200 and "disabled" not in undo.content.decode().split("Undo</button>")[0][-200:]
    assert yx(row, "A01") == (start_a01[0], start_a01[1] - 1)
    assert owner_a.post(f"/designs/{row.code}/undo/", {"version": 6}).status_code == 200
    assert yx(row, "A01") == (start_a01[0], start_a01[1] - 2)  # both of the session's moves taken back
    assert yx(row, "A02")[1] == yx(row, "A03")[1]  # the colleague's and the other browser's stand
    nothing = owner_a.post(f"/designs/{row.code}/undo/", {"version": 7})
    assert nothing.status_code == 400 and "Nothing to undo" in nothing.content.decode()
    assert owner_b.post(f"/designs/{row.code}/undo/", {"version": 7}).status_code == 200  # its own A03 move
    assert list(DesignEdit.objects.filter(design=row, undone=True).values_list("version", flat=True)) == [5, 4, 2]


@pytest.mark.django_db
def test_an_edit_writes_nothing_to_the_session(owner_client, design):  # noqa: F811
    from django.contrib.sessions.models import Session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert move(owner_client, design, design.version, "A01").status_code == 200
    assert not [q for q in queries.captured_queries if Session._meta.db_table in q["sql"] and "UPDATE" in q["sql"]]
    assert len(history.undo_stack(design, owner_client.session.session_key)) == 1
