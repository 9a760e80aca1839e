"""The editor page makes a bounded number of queries whatever the design's size (no N+1)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from studio import editing, services
from tests.editor_fixtures import big_hall

pytestmark = pytest.mark.django_db

MAX_QUERIES = 14
MOVE_QUERIES = 9


def page_queries(client, row) -> int:
    editing.forget_states()  # a cold start: nothing about the design kept in memory
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/designs/{row.code}/")
    assert response.status_code == 200
    return len(captured)


def test_the_editor_page_makes_as_many_queries_for_200_racks_as_for_10(owner_client, owner, loaded_catalog,
                                                                       django_assert_max_num_queries):
    small = services.create_design(owner, big_hall(10))
    large = services.create_design(owner, big_hall(200))
    page_queries(owner_client, small)  # warm up: the session and the catalog's first load
    assert page_queries(owner_client, small) == page_queries(owner_client, large)
    editing.forget_states()
    with django_assert_max_num_queries(MAX_QUERIES):
        owner_client.get(f"/designs/{large.code}/")


def test_a_move_makes_a_bounded_number_of_queries(owner_client, owner, loaded_catalog,
                                                  django_assert_max_num_queries):
    large = services.create_design(owner, big_hall(200))
    owner_client.get(f"/designs/{large.code}/")
    # session, user, design, catalog check, 2 writes and the history row in a transaction (+2 for it);
    # nothing written to the session (undo reads the history); +1 when the state is not in memory
    with django_assert_max_num_queries(MOVE_QUERIES):
        response = owner_client.post(f"/designs/{large.code}/edit/move/",
                                     {"version": large.version, "rack": "A01", "dx": 0, "dy": 1})
    assert response.status_code == 200


def test_the_kept_states_are_bounded_by_designs_and_by_racks(owner, loaded_catalog, monkeypatch):
    """The least recently used states go first once either bound is passed; the newest always stays."""
    monkeypatch.setattr(editing, "MAX_STATES", 3)
    monkeypatch.setattr(editing, "MAX_STATE_RACKS", 25)
    editing.forget_states()
    rows = [services.create_design(owner, big_hall(10)) for _ in range(4)]
    for row in rows[:2]:
        editing.load_state(row)
    assert [key[0] for key in editing._states] == [rows[0].code, rows[1].code] and editing._racks_kept == [20]
    editing.load_state(rows[2])  # 30 racks > 25: the oldest goes
    assert [key[0] for key in editing._states] == [rows[1].code, rows[2].code]
    editing.load_state(rows[1])  # a hit: it becomes the most recently used
    editing.load_state(rows[3])
    assert [key[0] for key in editing._states] == [rows[1].code, rows[3].code] and editing._racks_kept == [20]
    huge = services.create_design(owner, big_hall(40))
    editing.load_state(huge)  # above the rack bound alone: kept, as the only one
    assert list(editing._states) == [(huge.code, huge.version)] and editing._racks_kept == [40]
    editing.forget_states()
