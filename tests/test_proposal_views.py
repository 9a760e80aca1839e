"""The proposal page and its job: make, progress, store with the version, download, remake, a failed
job shows why and is retried; the personas (owner, editor member, viewer member, outsider,
anonymous) and the share-link visitor."""

import pytest
from django.test import Client
from django.urls import reverse

from studio import jobs
from studio.models import DesignMember, Job, Proposal, ShareLink
from studio.services import create_from_reference
from studio.tasks import TASKS_BY_KIND, make_proposal_task


@pytest.fixture
def design(owner):
    return create_from_reference(owner, "starter-4-racks")


def make(client, design, **form):
    data = {"paper": "a4", "customer": "Acme AI Cloud", "author": "Jane Planner", **form}
    return client.post(reverse("design_proposal_make", args=[design.code]), data)


def made(client, design) -> Proposal:
    """Start a proposal job through the page and run it as the worker would."""
    response = make(client, design)
    assert response.status_code == 302
    job = Job.objects.get(kind="proposal", params__design=str(design.code), state=Job.QUEUED)
    make_proposal_task(job.pk)
    job.refresh_from_db()
    assert job.state == Job.SUCCEEDED, job.error
    return Proposal.objects.get(code=job.result["proposal"])


def member_client(django_user_model, design, name, role):
    user = django_user_model.objects.create_user(name, f"{name}@example.com", "a-long-test-password-1")
    DesignMember.objects.create(design=design, user=user, role=role)
    client = Client()
    client.force_login(user)
    return client


def test_the_proposal_kind_runs_the_proposal_task():
    assert TASKS_BY_KIND["proposal"] is make_proposal_task
    assert "proposal" in dict(Job.KIND_CHOICES)


def test_the_owner_makes_a_proposal_that_is_stored_with_its_version_and_downloads_it(owner_client, design):
    page = owner_client.get(reverse("design_proposal", args=[design.code]))
    assert page.status_code == 200 and b"No proposal made yet" in page.content
    proposal = made(owner_client, design)
    assert proposal.version == design.version and proposal.paper == "a4" and proposal.pages >= 10
    assert proposal.customer == "Acme AI Cloud" and bytes(proposal.pdf).startswith(b"%PDF")
    download = owner_client.get(reverse("design_proposal_download", args=[design.code, proposal.code]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert download.content.startswith(b"%PDF") and "attachment" in download["Content-Disposition"]
    page = owner_client.get(reverse("design_proposal", args=[design.code]))
    assert b"Download the latest" in page.content and b"Remake" in page.content


def test_the_job_runs_the_missing_estimate_and_records_it_for_the_estimates_page(owner_client, design):
    assert not Job.objects.filter(kind="estimate").exists()
    made(owner_client, design)
    estimate = Job.objects.get(kind="estimate", params__design=str(design.code))
    assert estimate.state == Job.SUCCEEDED and estimate.result["version"] == design.version
    assert estimate.result["results"][0]["training"]["tokens_per_s"] > 0


def test_the_status_fragment_shows_progress_while_the_job_runs(owner_client, design):
    make(owner_client, design)
    job = Job.objects.get(kind="proposal")
    job = jobs.start(job.pk)
    jobs.report_progress(job, 40, "Estimating the workloads")
    url = reverse("design_proposal_status", args=[design.code, job.code])
    fragment = owner_client.get(url, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200
    assert b"40%" in fragment.content and b"Estimating the workloads" in fragment.content
    assert b'hx-trigger="every 1s"' in fragment.content


def test_a_failed_job_shows_why_and_is_retried_with_the_same_settings(owner_client, design):
    make(owner_client, design, paper="letter")
    job = Job.objects.get(kind="proposal")
    jobs.fail(job.pk, "The worker stopped responding (test).")
    page = owner_client.get(reverse("design_proposal_status", args=[design.code, job.code]))
    assert b"The proposal failed" in page.content and b"The worker stopped responding (test)." in page.content
    retry = owner_client.post(reverse("design_proposal_retry", args=[design.code, job.code]))
    assert retry.status_code == 302
    again = Job.objects.filter(kind="proposal").exclude(pk=job.pk).get()
    assert again.params == job.params and again.state == Job.QUEUED
    make_proposal_task(again.pk)
    again.refresh_from_db()
    assert again.state == Job.SUCCEEDED and Proposal.objects.get().paper == "letter"


def test_a_bad_paper_size_is_refused_with_the_reason(owner_client, design):
    response = make(owner_client, design, paper="a3")
    assert response.status_code == 400 and b"Pick a paper size" in response.content
    assert not Job.objects.filter(kind="proposal").exists()


def test_an_editor_member_makes_one_and_a_viewer_member_only_downloads(owner_client, design, django_user_model):
    proposal = made(owner_client, design)
    editor = member_client(django_user_model, design, "editor", DesignMember.EDIT)
    viewer = member_client(django_user_model, design, "viewer", DesignMember.VIEW)
    assert make(editor, design).status_code == 302
    page = viewer.get(reverse("design_proposal", args=[design.code]))
    assert page.status_code == 200 and b"proposal-form" not in page.content
    assert viewer.get(reverse("design_proposal_download", args=[design.code, proposal.code])).status_code == 200
    assert make(viewer, design).status_code == 403


def test_outsiders_get_404_and_anonymous_visitors_are_sent_to_sign_in(owner_client, design, outsider):
    proposal = made(owner_client, design)
    urls = [reverse("design_proposal", args=[design.code]),
            reverse("design_proposal_download", args=[design.code, proposal.code])]
    stranger = Client()
    stranger.force_login(outsider)
    for url in urls:
        assert stranger.get(url).status_code == 404
    assert make(stranger, design).status_code == 404
    anonymous = Client()
    for url in urls:
        response = anonymous.get(url)
        assert response.status_code == 302 and reverse("login") in response["Location"]


def test_a_share_link_visitor_downloads_the_latest_proposal_and_nothing_once_revoked(owner_client, owner, design):
    link = ShareLink.objects.create(design=design, label="visitor", created_by=owner)
    url = reverse("share_proposal", args=[link.token])
    visitor = Client()
    assert visitor.get(url).status_code == 404  # no proposal made yet
    assert b"shared-proposal" not in visitor.get(reverse("share_view", args=[link.token])).content
    made(owner_client, design)
    assert url.encode() in visitor.get(reverse("share_view", args=[link.token])).content
    response = visitor.get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    compare = ShareLink.objects.create(design=design, label="c", kind=ShareLink.COMPARE, created_by=owner)
    assert visitor.get(reverse("share_proposal", args=[compare.token])).status_code == 404
    link.revoked_at = link.created_at
    link.save(update_fields=["revoked_at"])
    assert visitor.get(url).status_code == 404
    assert visitor.get(reverse("share_proposal", args=["no-such-token"])).status_code == 404


def test_only_the_last_proposals_are_kept(owner_client, design):
    from studio.reports.proposal_job import KEEP_PROPOSALS

    first = made(owner_client, design)
    for _ in range(KEEP_PROPOSALS):
        Proposal.objects.create(design=design, version=design.version, pdf=b"%PDF-old", pages=1)
    made(owner_client, design)
    assert Proposal.objects.filter(design=design).count() == KEEP_PROPOSALS
    assert not Proposal.objects.filter(pk=first.pk).exists()


def test_the_editor_and_the_estimates_page_lead_to_the_proposal(owner_client, design):
    target = reverse("design_proposal", args=[design.code]).encode()
    assert target in owner_client.get(reverse("design_editor", args=[design.code])).content
    assert target in owner_client.get(reverse("design_estimates", args=[design.code])).content
