"""The editor page makes a bounded number of queries whatever the design's size (no N+1)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from studio import editing, services
from tests.editor_fixtures import big_hall

pytestmark = pytest.mark.django_db

MAX_QUERIES = 14


def page_queries(client, row) -> int:
    editing._states.clear()  # a cold start: nothing about the design kept in memory
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
    editing._states.clear()
    with django_assert_max_num_queries(MAX_QUERIES):
        owner_client.get(f"/designs/{large.code}/")


def test_a_move_makes_a_bounded_number_of_queries(owner_client, owner, loaded_catalog,
                                                  django_assert_max_num_queries):
    large = services.create_design(owner, big_hall(200))
    owner_client.get(f"/designs/{large.code}/")
    with django_assert_max_num_queries(MAX_QUERIES):
        response = owner_client.post(f"/designs/{large.code}/edit/move/",
                                     {"version": large.version, "rack": "A01", "dx": 0, "dy": 1})
    assert response.status_code == 200
