"""Collaborators: the owner adds a colleague as viewer or editor, changes the role, removes them;
only the owner manages members; a removed member sees nothing of the design afterwards."""

import pytest
from django.test import Client
from django.urls import reverse

from studio.models import Design, DesignMember, ShareLink
from tests.editor_fixtures import design, shared_edit, shared_view  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def sharing_url(d):
    return reverse("design_sharing", args=[d.code])


def add(client, d, user, role):
    return client.post(reverse("design_member_add", args=[d.code]), {"user": user, "role": role})


def test_the_owner_adds_a_colleague_by_user_name_as_a_viewer(owner_client, design, collaborator):  # noqa: F811
    response = add(owner_client, design, "collaborator", "view")
    assert response.status_code == 302 and response["Location"] == sharing_url(design)
    assert DesignMember.objects.get(design=design, user=collaborator).role == "view"
    page = owner_client.get(sharing_url(design)).content.decode()
    assert 'data-member="collaborator"' in page


def test_the_owner_adds_a_colleague_by_e_mail_as_an_editor(owner_client, design, collaborator):  # noqa: F811
    add(owner_client, design, "COLLAB@example.com", "edit")
    assert DesignMember.objects.get(design=design, user=collaborator).role == "edit"


@pytest.mark.parametrize("user, role, message", [
    ("nobody-here", "view", "There is no user"),
    ("owner", "view", "You own this design"),
    ("collaborator", "admin", "Choose a role"),
    ("", "view", "There is no user"),
])
def test_it_refuses_unknown_users_self_adding_and_bad_roles_with_a_400(owner_client, design, collaborator,  # noqa: F811
                                                                      user, role, message):
    response = add(owner_client, design, user, role)
    assert response.status_code == 400
    assert message in response.content.decode() and 'id="member-error"' in response.content.decode()
    assert not DesignMember.objects.exists()


def test_adding_someone_twice_is_refused_and_keeps_their_role(owner_client, shared_view):  # noqa: F811
    response = add(owner_client, shared_view, "collaborator", "edit")
    assert response.status_code == 400 and "already a member" in response.content.decode()
    assert DesignMember.objects.get(design=shared_view).role == "view"


def test_the_owner_changes_a_role_and_a_bad_role_is_refused(owner_client, shared_view):  # noqa: F811
    url = reverse("design_member_role", args=[shared_view.code])
    assert owner_client.post(url, {"username": "collaborator", "role": "edit"}).status_code == 302
    assert DesignMember.objects.get(design=shared_view).role == "edit"
    assert owner_client.post(url, {"username": "collaborator", "role": "owner"}).status_code == 400
    assert owner_client.post(url, {"username": "outsider", "role": "view"}).status_code == 400
    assert DesignMember.objects.get(design=shared_view).role == "edit"


def test_the_design_list_shows_shared_designs_with_the_role(client, collaborator, shared_edit):  # noqa: F811
    client.force_login(collaborator)
    html = client.get(reverse("design_list")).content.decode()
    assert "Shared with me" in html and "can edit" in html and shared_edit.name in html


def test_a_removed_member_sees_nothing_of_the_design_afterwards(owner_client, collaborator, shared_view):  # noqa: F811
    client = Client()
    client.force_login(collaborator)
    client.post(reverse("design_clone", args=[shared_view.code]), {"name": "My copy"})
    shared_view.name = "Secret project Phoenix"
    shared_view.save(update_fields=["name"])
    assert "Secret project Phoenix" in client.get(reverse("design_list")).content.decode()
    response = owner_client.post(reverse("design_member_remove", args=[shared_view.code]),
                                 {"username": "collaborator"})
    assert response.status_code == 302 and not DesignMember.objects.exists()
    listing = client.get(reverse("design_list")).content.decode()
    assert "My copy" in listing and "Secret project Phoenix" not in listing
    for name in ("design_editor", "design_export", "design_compare", "design_estimates", "design_bom"):
        assert client.get(reverse(name, args=[shared_view.code])).status_code == 404, name
    clone = Design.objects.get(name="My copy")
    compare = client.get(reverse("design_compare", args=[clone.code])).content.decode()
    assert "Secret project Phoenix" not in compare


def test_only_the_owner_manages_members(client, design, collaborator, outsider, django_user_model):  # noqa: F811
    third = django_user_model.objects.create_user("third", "third@example.com", "x-long-password-1")
    urls = [(reverse("design_member_add", args=[design.code]), {"user": "third", "role": "edit"}),
            (reverse("design_member_role", args=[design.code]), {"username": "collaborator", "role": "edit"}),
            (reverse("design_member_remove", args=[design.code]), {"username": "collaborator"})]
    member = DesignMember.objects.create(design=design, user=collaborator, role=DesignMember.VIEW)
    for role in (DesignMember.VIEW, DesignMember.EDIT):
        member.role = role
        member.save()
        client.force_login(collaborator)
        assert client.get(sharing_url(design)).status_code == 403
        for url, data in urls:
            assert client.post(url, data).status_code == 403, (role, url)
    client.force_login(outsider)
    assert client.get(sharing_url(design)).status_code == 404
    for url, data in urls:
        assert client.post(url, data).status_code == 404
    client.logout()
    link = ShareLink.objects.create(design=design, label="visitor", created_by=design.owner)
    assert client.get(reverse("share_view", args=[link.token])).status_code == 200  # a share-link visitor
    response = client.get(sharing_url(design))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    for url, data in urls:
        assert client.post(url, data).status_code == 302
    assert not DesignMember.objects.filter(user=third).exists()
    assert DesignMember.objects.get(user=collaborator).role == DesignMember.EDIT  # the last one set above


def test_member_views_refuse_get(owner_client, design):  # noqa: F811
    assert owner_client.get(reverse("design_member_add", args=[design.code])).status_code == 405
