"""Hostile input never answers 500: hypothesis fuzzing of the design-file reader and of every form
endpoint (imports, edits, design list forms, workloads, catalog filters). Each answer is a success
or a clear 4xx, and nothing half-saved is left behind.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog.source import get_catalog
from studio import services
from studio.domain.designfile import DesignFileError, parse_design_text
from studio.models import Design

REFERENCE = json.loads((Path(services.REFERENCE_DIR) / "starter-4-racks.json").read_text())
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                         HealthCheck.too_slow])

#: Values an attacker (or a broken client) sends: NUL, lone surrogates, huge and odd numbers, wrong types.
HOSTILE_SCALARS = st.one_of(
    st.sampled_from(["", "\x00", "A\x00B", "\ud800", "x" * 5000, "-1", "1e309", "NaN", "Infinity", "0x10", " ",
                     "9" * 400, "<script>", "../../etc/passwd", "rack-48u-600x1200\x00"]),
    st.integers(min_value=-(10**400), max_value=10**400),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(), st.none(),
    st.text(max_size=60),
)
HOSTILE = st.recursive(HOSTILE_SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                               st.dictionaries(st.text(max_size=8), inner, max_size=3)),
                       max_leaves=6)


def _paths(value, prefix=()):
    """Every (path, value) in a JSON document."""
    yield prefix, value
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, (*prefix, i))


PATHS = [p for p, _ in _paths(REFERENCE) if p]


def _mutate(document, path, value):
    doc = copy.deepcopy(document)
    target = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return doc


def _dump(doc) -> str:
    try:
        return json.dumps(doc, ensure_ascii=False)
    except (ValueError, UnicodeEncodeError):
        return json.dumps(doc)  # NaN, surrogates: written the only way JSON allows


@pytest.mark.django_db
@FUZZ
@given(path=st.sampled_from(PATHS), value=HOSTILE)
def test_the_design_reader_answers_a_design_or_a_design_file_error(path, value):
    text = _dump(_mutate(REFERENCE, path, value))
    try:
        parse_design_text(text, get_catalog())
    except DesignFileError as exc:
        assert exc.message  # names the problem
    # anything else propagates and fails the test


@pytest.mark.django_db
@FUZZ
@given(path=st.sampled_from(PATHS), value=HOSTILE)
def test_importing_a_hostile_file_is_refused_cleanly_and_saves_nothing(client, django_user_model, path, value):
    user, _ = django_user_model.objects.get_or_create(username="fuzzer")
    client.force_login(user)
    before = Design.objects.count()
    body = _dump(_mutate(REFERENCE, path, value)).encode("utf-8", "surrogatepass")
    response = client.post(reverse("design_import"), {"file": SimpleUploadedFile("d.json", body)})
    assert response.status_code in (302, 400), response.status_code
    if response.status_code == 400:
        assert Design.objects.count() == before


TEXTS = st.one_of(HOSTILE_SCALARS.map(str), st.text(max_size=300))
FORM = "application/x-www-form-urlencoded"


def _form(fields: dict) -> str:
    """URL-encoded as a raw client could send it: lone surrogates pass through as their UTF-8-like bytes."""
    return urlencode(fields, encoding="utf-8", errors="surrogatepass")


@pytest.fixture
def fuzz_design(db, django_user_model):
    user, _ = django_user_model.objects.get_or_create(username="fuzz-owner")
    return user, services.create_from_reference(user, "starter-4-racks")


EDIT_FIELDS = {
    "move": ["rack", "dx", "dy"], "rotate": ["rack"], "add-rack": ["model", "x", "y", "rotation"],
    "duplicate": ["rack"], "delete": ["rack"], "add-device": ["rack", "model", "u"],
    "move-device": ["rack", "device", "u"], "remove-device": ["rack", "device"], "autofill": ["rack", "model"],
    "rack": ["rack", "cooling", "model"], "rename": ["name"],
    "site": ["width_m", "depth_m", "tile_mm", "it_power_kw", "pue", "facility_power_kw", "air_cooling_kw",
             "liquid_cooling_kw", "floor_max_kg_per_m2", "redundancy", "electricity_usd_per_kwh"],
    "fabrics": ["compute_model", "topology", "oversubscription", "storage_model", "storage_count",
                "facility_model", "facility_count"],
}


@pytest.mark.django_db
@FUZZ
@given(op=st.sampled_from(sorted(EDIT_FIELDS)), data=st.data())
def test_every_edit_answers_a_change_a_refusal_or_a_conflict(client, fuzz_design, op, data):
    user, row = fuzz_design
    client.force_login(user)
    row.refresh_from_db()
    fields = {name: data.draw(TEXTS, label=name) for name in EDIT_FIELDS[op]}
    version = data.draw(st.one_of(st.just(str(row.version)), TEXTS), label="version")
    response = client.post(reverse("design_edit", args=[row.code, op]), _form({"version": version, **fields}),
                           content_type=FORM, HTTP_HX_REQUEST="true")
    assert response.status_code in (200, 400, 409), (op, fields, response.status_code)


@pytest.mark.django_db
@FUZZ
@given(name=TEXTS, other=TEXTS)
def test_design_list_forms_answer_without_a_server_error(client, fuzz_design, name, other):
    user, row = fuzz_design
    client.force_login(user)
    answers = [
        client.post(reverse("design_rename", args=[row.code]), _form({"name": name, "version": other}),
                    content_type=FORM),
        client.post(reverse("design_clone", args=[row.code]), _form({"name": name}), content_type=FORM),
        client.post(reverse("design_create"), _form({"template": name}), content_type=FORM),
        client.post(reverse("design_create"), _form({"name": name, "width_m": other, "depth_m": "20",
                                                     "it_power_kw": other, "air_cooling_kw": "1",
                                                     "liquid_cooling_kw": other}), content_type=FORM),
        client.post(reverse("design_workload_add", args=[row.code]), _form({"preset": name, "model": other}),
                    content_type=FORM),
        client.get(reverse("catalog_list") + "?" + _form({"q": name, "kind": other, "vendor": name})),
    ]
    for response in answers:
        assert response.status_code < 500, response.status_code
