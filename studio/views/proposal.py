"""A design's PDF proposal: the proposal page (status of the latest job with its progress, paper
size, make or remake, the stored PDFs), starting a job, retrying a failed one, downloading a PDF;
and the share-link visitor's download of the latest proposal.

Anyone who may see the design (owner, members) sees the page and downloads; making a proposal
(a job that may run an estimate) takes edit rights, as estimating does.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_POST

from .. import jobs
from ..models import Design, Job, Proposal, ShareLink
from ..reports.proposal import DEFAULT_PAPER, PAPER_LABELS, PAPERS
from ..reports.proposal_job import MAX_TEXT, proposal_jobs, start_proposal, stored_proposals
from .designs import _get_design_for_user
from .jobs import design_job_or_404
from .sharing import SHARE_HEADERS, active_link


def _latest_job(design: Design) -> Job | None:
    job = proposal_jobs(design).first()
    return jobs.refresh_stale(job) if job is not None else None


def _page_context(request, design: Design, job: Job | None, form: dict | None = None, error: str = "") -> dict:
    proposals = list(stored_proposals(design))
    last = proposals[0] if proposals else None
    user = request.user
    default = {"paper": last.paper if last else DEFAULT_PAPER, "customer": last.customer if last else "",
               "author": (user.get_full_name() or user.get_username())[:MAX_TEXT]}
    return {"design": design, "job": job, "proposals": proposals, "latest": last,
            "papers": [(key, PAPER_LABELS[key]) for key in PAPERS], "form": form or default, "error": error,
            "outdated": bool(last and last.version != design.version)}


@require_GET
def proposal_page(request, code):
    design = _get_design_for_user(request, code)
    return render(request, "proposal/page.html", _page_context(request, design, _latest_job(design)))


@require_GET
def proposal_status(request, code, job_code):
    """The status card of one proposal job (htmx polls it while the job runs)."""
    design = _get_design_for_user(request, code)
    job = design_job_or_404(proposal_jobs(design), job_code, "proposal job")
    template = "proposal/page.html#proposal-status" if request.htmx else "proposal/page.html"
    return render(request, template, _page_context(request, design, job))


@require_POST
def proposal_make(request, code):
    design = _get_design_for_user(request, code, write=True)
    form = {key: request.POST.get(key, "").strip() for key in ("paper", "customer", "author")}
    error = ""
    if form["paper"] not in PAPERS:
        error = "Pick a paper size: A4 or US Letter."
    elif len(form["customer"]) > MAX_TEXT or len(form["author"]) > MAX_TEXT:
        error = f"The customer and author names are at most {MAX_TEXT} characters."
    if error:
        return render(request, "proposal/page.html", _page_context(request, design, _latest_job(design), form, error),
                      status=400)
    job = start_proposal(design, request.user, paper=form["paper"], customer=form["customer"], author=form["author"])
    return redirect("design_proposal_status", code=design.code, job_code=job.code)


@require_POST
def proposal_retry(request, code, job_code):
    """Start a failed proposal job again with the same paper, customer and author."""
    design = _get_design_for_user(request, code, write=True)
    job = design_job_or_404(proposal_jobs(design), job_code, "proposal job")
    if job.state != Job.FAILED:
        messages.warning(request, "Only a failed proposal can be retried.")
        return redirect("design_proposal", code=design.code)
    again = jobs.retry(job)
    return redirect("design_proposal_status", code=design.code, job_code=again.code)


def pdf_response(proposal: Proposal, design_name: str, *, inline: bool = False) -> HttpResponse:
    response = HttpResponse(bytes(proposal.pdf), content_type="application/pdf")
    name = f"{slugify(design_name) or 'design'}-proposal-v{proposal.version}-{proposal.paper}.pdf"
    response["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{name}"'
    return response


@require_GET
def proposal_download(request, code, proposal_code):
    design = _get_design_for_user(request, code)
    proposal = Proposal.objects.filter(design=design, code=proposal_code).first()
    if proposal is None:
        raise Http404("No such proposal")
    return pdf_response(proposal, design.name)


def latest_proposal(design: Design) -> Proposal | None:
    """The design's newest stored proposal without its bytes (what a share link offers)."""
    return stored_proposals(design).first()


@login_not_required
@require_GET
def share_proposal(request, token):
    """A share-link visitor's download of the design's newest proposal; 404 when the link is not
    live, is a comparison link, or no proposal was made yet."""
    link = active_link(token)
    if link.kind != ShareLink.DESIGN:
        raise Http404("No proposal for this link")
    proposal = Proposal.objects.filter(design=link.design).first()
    if proposal is None:
        raise Http404("No proposal yet")
    response = pdf_response(proposal, link.design.name)
    for name, value in SHARE_HEADERS.items():
        response[name] = value
    return response
