"""Every URL pattern, walked by every persona: anonymous, owner, editor and viewer members, an outsider,
a staff user who is none of these, and a share-link visitor. Each answer is the one this table says.

A new URL pattern that is not in ``ROUTES`` fails ``test_every_url_pattern_is_in_the_access_table``:
a view cannot ship without someone deciding who may reach it.

Answers are classes, not exact codes: ``ok`` (the view ran: 2xx, a redirect that is not to the sign-in
page, or a 400/409 about the input), ``login`` (redirected to sign in), ``forbidden`` (403: may see,
may not change), ``hidden`` (404: the design's existence is not revealed).
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from studio import services
from studio.models import DesignMember, Job, Proposal, ShareLink

pytestmark = pytest.mark.django_db

PERSONAS = ("anonymous", "owner", "editor", "viewer", "outsider", "staff", "share")
OK, LOGIN, FORBIDDEN, HIDDEN = "ok", "login", "forbidden", "hidden"

#: Who reaches a design's page: members read, outsiders (staff too: staff rights are for the catalog) see nothing.
READ = {"anonymous": LOGIN, "owner": OK, "editor": OK, "viewer": OK, "outsider": HIDDEN, "staff": HIDDEN,
        "share": LOGIN}
WRITE = {**READ, "viewer": FORBIDDEN}
OWNER_ONLY = {**READ, "editor": FORBIDDEN, "viewer": FORBIDDEN}
SIGNED_IN = {p: OK for p in PERSONAS} | {"anonymous": LOGIN, "share": LOGIN}
PUBLIC = {p: OK for p in PERSONAS}

#: name → (method, URL kwargs (names of fixtures below), form data, expected class per persona)
ROUTES: dict[str, tuple[str, tuple[str, ...], dict, dict]] = {
    "home": ("GET", (), {}, SIGNED_IN),
    "healthz": ("GET", (), {}, PUBLIC),
    "login": ("GET", (), {}, PUBLIC),
    "logout": ("POST", (), {}, {p: LOGIN for p in PERSONAS}),  # signing out ends on the sign-in page
    "catalog_list": ("GET", (), {}, SIGNED_IN),
    "catalog_detail": ("GET", ("slug",), {}, SIGNED_IN),
    "job_list": ("GET", (), {}, SIGNED_IN),
    "job_start_catalog_stats": ("POST", (), {}, SIGNED_IN),
    # a job is its owner's alone: everyone else gets 404
    "job_detail": ("GET", ("job",), {}, {**READ, "editor": HIDDEN, "viewer": HIDDEN}),
    "job_retry": ("POST", ("job",), {}, {**READ, "editor": HIDDEN, "viewer": HIDDEN}),
    "design_list": ("GET", (), {}, SIGNED_IN),
    "design_create": ("POST", (), {"template": "starter-4-racks"}, SIGNED_IN),
    "design_import": ("POST", (), {}, SIGNED_IN),
    "design_editor": ("GET", ("code",), {}, READ),
    "design_rename": ("POST", ("code",), {"name": "Renamed", "version": "1"}, WRITE),
    "design_clone": ("POST", ("code",), {}, READ),  # a member may copy what they can see into a design of their own
    "design_delete": ("POST", ("code",), {}, OWNER_ONLY),
    "design_export": ("GET", ("code",), {}, READ),
    "design_findings": ("GET", ("code",), {}, READ),
    "design_rack": ("GET", ("code", "label"), {}, READ),
    "design_edit": ("POST", ("code", "op"), {"version": "1", "rack": "S01", "dx": "0", "dy": "1"}, WRITE),
    "design_undo": ("POST", ("code",), {"version": "1"}, WRITE),
    "design_history": ("GET", ("code",), {}, READ),
    "design_revert": ("POST", ("code",), {"version": "1", "target": "1"}, OWNER_ONLY),
    "design_compare": ("GET", ("code",), {}, READ),
    "design_present": ("GET", ("code",), {}, READ),
    "design_estimates": ("GET", ("code",), {}, READ),
    "design_estimate_start": ("POST", ("code",), {}, WRITE),
    "design_estimate_detail": ("GET", ("code", "job_code"), {}, READ),
    "design_workload_add": ("POST", ("code",), {"preset": "chat", "model": "llama-3.1-8b", "version": "1"}, WRITE),
    "design_workload_save": ("POST", ("code",), {"version": "1"}, WRITE),
    "design_workload_remove": ("POST", ("code", "index"), {"version": "1"}, WRITE),
    "design_sharing": ("GET", ("code",), {}, OWNER_ONLY),
    "design_member_add": ("POST", ("code",), {"user": "nobody", "role": "view"}, OWNER_ONLY),
    "design_member_role": ("POST", ("code",), {"user": "viewer", "role": "view"}, OWNER_ONLY),
    "design_member_remove": ("POST", ("code",), {"user": "nobody"}, OWNER_ONLY),
    "design_share_create": ("POST", ("code",), {"label": "Customer"}, OWNER_ONLY),
    "design_share_revoke": ("POST", ("code", "link_code"), {}, OWNER_ONLY),
    "design_bom": ("GET", ("code",), {}, READ),
    "design_bom_download": ("GET", ("code", "fmt"), {}, READ),
    "design_netbox": ("GET", ("code",), {}, READ),
    "share_view": ("GET", ("token",), {}, PUBLIC),
    "design_proposal": ("GET", ("code",), {}, READ),
    "design_proposal_make": ("POST", ("code",), {"paper": "a4"}, WRITE),
    "design_proposal_status": ("GET", ("code", "proposal_job"), {}, READ),
    "design_proposal_retry": ("POST", ("code", "proposal_job"), {}, WRITE),
    "design_proposal_download": ("GET", ("code", "proposal_code"), {}, READ),
    "share_proposal": ("GET", ("token",), {}, PUBLIC),  # the link's design's latest proposal PDF
}


def url_names(patterns=None, inside_admin=False):
    """Every named URL pattern of the studio (the Django admin has its own staff check)."""
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            if getattr(p, "app_name", None) == "admin" or "admin" in str(p.pattern):
                continue
            yield from url_names(p.url_patterns)
        elif isinstance(p, URLPattern) and p.name:
            yield p.name


def test_every_url_pattern_is_in_the_access_table():
    missing = sorted(set(url_names()) - set(ROUTES))
    assert not missing, f"URL patterns with no access rule in tests/test_url_access.py: {missing}"


@pytest.fixture
def world(django_user_model, loaded_catalog):
    users = {name: django_user_model.objects.create_user(name, f"{name}@example.com")  # force_login: no password
             for name in ("owner", "editor", "viewer", "outsider", "staff")}
    users["staff"].is_staff = True
    users["staff"].save()
    design = services.create_from_reference(users["owner"], "starter-4-racks")
    DesignMember.objects.create(design=design, user=users["editor"], role=DesignMember.EDIT)
    DesignMember.objects.create(design=design, user=users["viewer"], role=DesignMember.VIEW)
    return users, design


def _kwargs(names, design, owner) -> dict:
    job = Job.objects.create(owner=owner, kind="estimate", state=Job.FAILED, error="boom",
                             params={"design": str(design.code), "version": design.version})
    link = ShareLink.objects.create(design=design, created_by=owner, label="Customer")
    proposal_job = Job.objects.create(owner=owner, kind="proposal", state=Job.FAILED, error="boom",
                                      params={"design": str(design.code), "version": design.version, "paper": "a4"})
    proposal = Proposal.objects.create(design=design, version=design.version, pdf=b"%PDF-1.7 test", pages=1)
    values = {"code": design.code, "label": design.racks.order_by("position").first().label, "op": "move", "job": job.code, "job_code": job.code, "index": 0,
              "link_code": link.code, "fmt": "csv", "token": link.token, "slug": "dgx-h100",
              "proposal_job": proposal_job.code, "proposal_code": proposal.code}
    keys = {"job": "code", "proposal_job": "job_code"}
    return {keys.get(n, n): values[n] for n in names}


def classify(response) -> str:
    if response.status_code in (302, 301) and "/accounts/login/" in response.get("Location", ""):
        return LOGIN
    if response.status_code == 403:
        return FORBIDDEN
    if response.status_code == 404:
        return HIDDEN
    assert response.status_code < 500, response.status_code
    return OK


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_each_persona_gets_the_answer_the_table_says(world, name):
    users, design = world
    method, kw, data, expected = ROUTES[name]
    got = {}
    for persona in PERSONAS:
        client = Client()
        if persona in users:
            client.force_login(users[persona])
        kwargs = _kwargs(kw, design, users["owner"])
        url = reverse(name, kwargs=kwargs)
        response = client.post(url, data) if method == "POST" else client.get(url)
        got[persona] = classify(response)
        if name == "design_delete" and got[persona] == OK:  # the owner deleted it: make it again for the others
            design = services.create_from_reference(users["owner"], "starter-4-racks")
            DesignMember.objects.create(design=design, user=users["editor"], role=DesignMember.EDIT)
            DesignMember.objects.create(design=design, user=users["viewer"], role=DesignMember.VIEW)
    assert got == expected
