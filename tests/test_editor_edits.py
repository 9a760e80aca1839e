"""Editor edits: one small POST each, saved with a version check, refused with a clear message."""

import pytest

from studio.models import Design, DevicePlacement, RackPlacement
from tests.editor_fixtures import design, shared_edit, shared_view  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def post(client, row, op, **data):
    row.refresh_from_db()
    data.setdefault("version", row.version)
    return client.post(f"/designs/{row.code}/edit/{op}/", data)


def positions(row):
    return list(RackPlacement.objects.filter(design=row).order_by("label").values_list("label", "x_tiles", "y_tiles",
                                                                                         "rotation"))


def test_a_move_saves_bumps_the_version_and_answers_with_the_changed_fragments(owner_client, design):  # noqa: F811
    response = post(owner_client, design, "move", rack="A01", dx=0, dy=4)
    body = response.content.decode()
    assert response.status_code == 200
    assert RackPlacement.objects.get(design=design, label="A01").y_tiles == 7
    design.refresh_from_db()
    assert design.version == 2
    assert 'id="rack-A01"' in body and 'hx-swap-oob="outerHTML"' in body and 'value="2"' in body
    assert 'id="floor-svg"' not in body  # not the whole floor plan
    # a move changes no total and no finding here: the totals bar, the derived counts and the findings
    # panel the browser shows stay as they are, and are not sent again
    assert 'id="totals-bar"' not in body and 'id="derived-panel"' not in body and 'id="findings-panel"' not in body


def test_an_edit_sends_again_exactly_the_parts_it_changed(owner_client, design):  # noqa: F811
    """Totals and derived counts when a total or a site limit changed; findings when they changed."""
    behind_a02 = post(owner_client, design, "move", rack="A01", dx=1, dy=2).content.decode()  # in A02's aisle
    assert 'id="findings-panel"' in behind_a02 and "layout.aisle_clearance" in behind_a02
    assert 'id="totals-bar"' in behind_a02  # the findings count in the bar changed with them
    design.refresh_from_db()
    back = post(owner_client, design, "move", rack="A01", dx=-1, dy=-2).content.decode()
    assert 'id="findings-panel"' in back and 'id="totals-bar"' in back
    design.refresh_from_db()
    dropped = post(owner_client, design, "add-device", rack="A01", model="dgx-h100", u=20).content.decode()
    assert 'id="totals-bar"' in dropped and 'id="derived-panel"' in dropped  # GPUs and power changed
    design.refresh_from_db()
    fields = {"width_m": 24, "depth_m": 18, "tile_mm": 600, "it_power_kw": 2100, "pue": 1.3,
              "facility_power_kw": 2600, "air_cooling_kw": 1500, "liquid_cooling_kw": 1000,
              "floor_max_kg_per_m2": 1500, "redundancy": "N+1", "electricity_usd_per_kwh": 0.08}
    site = post(owner_client, design, "site", **fields).content.decode()
    assert 'id="totals-bar"' in site and "of 2,100 kW" in site  # the limit beside the totals changed


def test_a_row_moves_together(owner_client, design):  # noqa: F811
    post(owner_client, design, "move", rack=["A01", "A02", "A03", "A04"], dx=3, dy=2)
    assert [p[1:3] for p in positions(design)] == [(5, 5), (6, 5), (7, 5), (8, 5)]


def test_a_stale_write_touching_the_same_rack_is_refused_with_a_refreshed_view(owner_client, design):  # noqa: F811
    post(owner_client, design, "move", rack="A01", dx=0, dy=4)  # the other tab
    before = positions(design)
    response = owner_client.post(f"/designs/{design.code}/edit/move/", {"version": 1, "rack": "A01", "dx": 1, "dy": 0})
    body = response.content.decode()
    assert response.status_code == 409
    assert "changed elsewhere (rack A01 changed there too)" in body
    assert 'id="floor-svg"' in body and 'value="2"' in body
    assert positions(design) == before


@pytest.mark.parametrize(("data", "message"), [
    ({"rack": "A01", "dx": 0, "dy": -10}, "outside the hall"),
    ({"rack": "A01", "dx": 1, "dy": 0}, "taken by A02"),
    ({"rack": "A01", "dx": "two", "dy": 0}, "must be a whole number"),
    ({"rack": "Z99", "dx": 1, "dy": 0}, "no rack"),
])
def test_bad_moves_are_refused_with_a_clear_message_and_nothing_saved(owner_client, design, data, message):  # noqa: F811
    before = positions(design)
    response = post(owner_client, design, "move", **data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert positions(design) == before
    design.refresh_from_db()
    assert design.version == 1


def test_a_device_goes_into_a_free_slot_and_not_onto_an_occupied_one(owner_client, design):  # noqa: F811
    occupied = post(owner_client, design, "add-device", rack="A01", model="dgx-h100", u=5)
    assert occupied.status_code == 400 and "U5 of A01 is taken" in occupied.content.decode()
    overflow = post(owner_client, design, "add-device", rack="A01", model="dgx-h100", u=44)
    assert overflow.status_code == 400 and "U44–U51" in overflow.content.decode()
    added = post(owner_client, design, "add-device", rack="A01", model="quantum-2-ndr", u=17, open_rack="A01")
    assert added.status_code == 200 and 'id="elevation-svg"' in added.content.decode()
    device = DevicePlacement.objects.get(rack__design=design, rack__label="A01", model="quantum-2-ndr")
    assert 'data-device="2" data-u="17"' in added.content.decode()  # a device is named by its index in the rack
    moved = post(owner_client, design, "move-device", rack="A01", device=2, u=20)
    assert moved.status_code == 200
    device.refresh_from_db()
    assert device.u == 20  # the same row, updated
    post(owner_client, design, "remove-device", rack="A01", device=2)
    assert not DevicePlacement.objects.filter(pk=device.pk).exists()


def test_a_finding_appears_on_the_rack_that_has_it_and_goes_away(owner_client, design):  # noqa: F811
    post(owner_client, design, "rack", rack="A01", cooling="air", pdu_a="pdu-415v-60a-3ph", pdu_b="")
    response = post(owner_client, design, "add-device", rack="A01", model="dgx-h100", u=17)
    body = response.content.decode()
    assert 'data-subject="A01"' in body and "rack.cooling.over_capacity" in body
    assert 'class="rack sev-error' in body
    response = post(owner_client, design, "rack", rack="A01", cooling="rdhx-active", pdu_a="pdu-415v-60a-3ph",
                    pdu_a_count=2, pdu_b="pdu-415v-60a-3ph", pdu_b_count=2)
    assert 'data-subject="A01" data-code="rack.cooling.over_capacity"' not in response.content.decode()


def test_racks_are_added_rotated_duplicated_and_deleted(owner_client, design):  # noqa: F811
    added = post(owner_client, design, "add-rack", model="rack-42u-600x1200", x=20, y=10)
    assert added.status_code == 200 and RackPlacement.objects.filter(design=design).count() == 5
    label = RackPlacement.objects.filter(design=design).latest("id").label
    assert f'id="rack-{label}"' in added.content.decode()
    assert post(owner_client, design, "rotate", rack=label).status_code == 200
    assert RackPlacement.objects.get(design=design, label=label).rotation == 90
    row = post(owner_client, design, "duplicate", rack=["A01", "A02", "A03", "A04"])
    assert row.status_code == 200 and RackPlacement.objects.filter(design=design).count() == 9
    copies = RackPlacement.objects.filter(design=design).order_by("-id")[:4]
    assert {c.rotation for c in copies} == {180}  # the copied row faces the original across a hot aisle
    post(owner_client, design, "delete", rack=[c.label for c in copies])
    assert RackPlacement.objects.filter(design=design).count() == 5
    refused = post(owner_client, design, "add-rack", model="dgx-h100", x=25, y=12)
    assert refused.status_code == 400 and "server" in refused.content.decode()


def test_auto_fill_packs_a_rack_up_to_its_limits(owner_client, design):  # noqa: F811
    response = post(owner_client, design, "autofill", rack="A02", model="dgx-h100")
    assert response.status_code == 200
    rack = RackPlacement.objects.get(design=design, label="A02")
    count = rack.devices.filter(model="dgx-h100").count()
    # two 60 A PDUs per feed… one per feed here: each feed alone carries 34.5 kW → 3 DGX H100 (30.6 kW)
    assert count == 3
    again = post(owner_client, design, "autofill", rack="A02", model="dgx-h100")
    assert again.status_code == 400 and "Not one more" in again.content.decode()


def test_the_site_panel_refuses_a_non_numeric_field_and_names_it(owner_client, design):  # noqa: F811
    fields = {"width_m": 24, "depth_m": 18, "tile_mm": 600, "it_power_kw": "lots", "pue": 1.3,
              "facility_power_kw": 2600, "air_cooling_kw": 1500, "liquid_cooling_kw": 1000,
              "floor_max_kg_per_m2": 1500, "redundancy": "N+1", "electricity_usd_per_kwh": 0.08}
    response = post(owner_client, design, "site", **fields)
    assert response.status_code == 400 and "IT power (kW)" in response.content.decode()
    assert "is-invalid" in response.content.decode()
    design.refresh_from_db()
    assert design.it_power_kw == 2000 and design.version == 1
    fields["it_power_kw"] = 50
    response = post(owner_client, design, "site", **fields)
    assert response.status_code == 200 and "site.power.exceeded" in response.content.decode()


def test_undo_restores_the_design_as_it_was_before_the_last_edits(owner_client, design):  # noqa: F811
    before = positions(design)
    post(owner_client, design, "move", rack="A01", dx=0, dy=4)
    post(owner_client, design, "delete", rack="A02")
    design.refresh_from_db()
    assert owner_client.post(f"/designs/{design.code}/undo/", {"version": design.version}).status_code == 200
    assert RackPlacement.objects.filter(design=design, label="A02").exists()
    design.refresh_from_db()
    owner_client.post(f"/designs/{design.code}/undo/", {"version": design.version})
    assert positions(design) == before
    design.refresh_from_db()
    assert owner_client.post(f"/designs/{design.code}/undo/", {"version": design.version}).status_code == 400


def test_fabrics_storage_and_cooling_choices_are_saved(owner_client, design):  # noqa: F811
    response = post(owner_client, design, "fabrics", fabric_compute_model="quantum-2-ndr", fabric_compute_topology="rail-optimized",
                    fabric_compute_oversubscription="1", storage_model=["ddn-ai400x2t"], storage_count=["2"],
                    facility_model=[""], facility_count=["1"])
    assert response.status_code == 200
    design.refresh_from_db()
    assert design.fabrics["compute"]["model"] == "quantum-2-ndr"
    assert design.storage == [{"model": "ddn-ai400x2t", "count": 2}]
    assert "leaf" in response.content.decode()
    bad = post(owner_client, design, "fabrics", fabric_compute_model="quantum-2-ndr", fabric_compute_oversubscription="x")
    assert bad.status_code == 400 and "oversubscription" in bad.content.decode()


def test_outsiders_get_404_and_view_only_collaborators_403_on_writes(client, outsider, collaborator,
                                                                     shared_view):  # noqa: F811
    client.force_login(outsider)
    assert post(client, shared_view, "move", rack="A01", dx=0, dy=4).status_code == 404
    client.force_login(collaborator)
    assert post(client, shared_view, "move", rack="A01", dx=0, dy=4).status_code == 403
    assert client.post(f"/designs/{shared_view.code}/undo/", {"version": 1}).status_code == 403
    assert RackPlacement.objects.get(design=shared_view, label="A01").y_tiles == 3
    assert Design.objects.get(pk=shared_view.pk).version == 1


def test_an_edit_collaborator_can_edit(client, collaborator, shared_edit):  # noqa: F811
    client.force_login(collaborator)
    assert post(client, shared_edit, "move", rack="A01", dx=0, dy=4).status_code == 200


def test_a_move_repaints_a_neighbour_whose_findings_it_changed(owner_client, design):  # noqa: F811
    response = post(owner_client, design, "move", rack="A02", dx=-1, dy=-2)  # into A01's cold aisle
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="rack-A01"' in body and 'data-subject="A01" data-code="layout.aisle_clearance"' in body
