"""Making a design's PDF proposal as a background job (job kind ``proposal``), and its stored PDFs.

The job renders the design at its current version with the editor's validation
(``editing.load_state``) and the design's estimate at that version: the latest finished estimate
job when it was made from this version, else the estimate is run in the job (``estimating.
estimate_result``) and recorded as a finished estimate job too, so that the estimates page shows
the very numbers the proposal prints. The PDF is stored as a ``Proposal`` row with that version.
"""

from __future__ import annotations

from django.utils import timezone

from catalog.source import get_catalog
from studio import editing, jobs
from studio.domain import perf
from studio.estimating import estimate_result
from studio.models import Design, Job, Proposal

from .proposal import DEFAULT_PAPER, PAPERS, ProposalInputs, render_pdf

KEEP_PROPOSALS = 5  # PDFs kept per design (older ones are deleted when a new one is stored) [M]
MAX_TEXT = 120  # characters of the customer and author names on the cover (the model's max_length)


def proposal_jobs(design: Design):
    return Job.objects.filter(kind="proposal", params__design=str(design.code))


def stored_proposals(design: Design):
    """The design's proposals, newest first, without their PDF bytes."""
    return Proposal.objects.filter(design=design).defer("pdf").select_related("made_by")


def fresh_estimate_job(row: Design) -> Job | None:
    """The latest finished estimate of the design made from its current version, or None."""
    job = (Job.objects.filter(kind="estimate", state=Job.SUCCEEDED, params__design=str(row.code))
           .exclude(result=None).first())
    return job if job is not None and job.result.get("version") == row.version else None


def estimate_for(row: Design, design, catalog, owner, progress) -> tuple[dict | None, str]:
    """The estimate result the proposal prints and a sentence saying where it comes from."""
    job = fresh_estimate_job(row)
    if job is not None:
        when = timezone.localtime(job.finished_at).strftime("%Y-%m-%d %H:%M") if job.finished_at else ""
        return job.result, f"Estimate of {when} UTC, made from design version {row.version}."
    if not design.workloads:
        return None, "No estimate: the design has no workloads (add one on the estimates page)."
    progress(10, "Estimating the workloads")
    try:
        result = estimate_result(design, catalog, lambda pct, msg="": progress(10 + 0.45 * pct, msg),
                                 version=row.version)
    except perf.EstimateError as exc:
        return None, f"No estimate: {exc}"
    now = timezone.now()
    Job.objects.create(owner=owner, kind="estimate", state=Job.SUCCEEDED, progress=100, message="Done",
                       params={"design": str(row.code), "version": row.version}, result=result,
                       started_at=now, finished_at=now, heartbeat_at=now)
    return result, f"Estimated for this proposal from design version {row.version} (also on the estimates page)."


def make_proposal(job: Job, progress) -> dict:
    """The work of a ``proposal`` job: render the PDF and store it; the job's result names it."""
    params = job.params
    row = Design.objects.filter(code=params["design"]).first()
    if row is None:
        raise ValueError("the design was deleted before its proposal could be made")
    catalog = get_catalog()
    progress(3, "Validating the design")
    state = editing.load_state(row, catalog)
    result, note = estimate_for(row, state.design, catalog, job.owner, progress)
    paper = params.get("paper") if params.get("paper") in PAPERS else DEFAULT_PAPER
    inputs = ProposalInputs(design=state.design, report=state.report, catalog=catalog, result=result,
                            estimate_note=note, customer=params.get("customer", ""), author=params.get("author", ""),
                            made_on=timezone.localdate(), version=row.version, paper=paper)
    rendered = render_pdf(inputs, progress)
    progress(97, "Storing the PDF")
    proposal = Proposal.objects.create(design=row, job=job, version=row.version, paper=paper,
                                       customer=inputs.customer, author=inputs.author, made_by=job.owner,
                                       pdf=rendered.pdf, pages=rendered.pages, size_bytes=len(rendered.pdf))
    old = list(Proposal.objects.filter(design=row).values_list("pk", flat=True)[KEEP_PROPOSALS:])
    if old:
        Proposal.objects.filter(pk__in=old).delete()
    return {"proposal": str(proposal.code), "version": row.version, "paper": paper, "pages": rendered.pages,
            "bytes": len(rendered.pdf), "seconds": round(rendered.seconds, 2), "estimate": note}


def start_proposal(row: Design, user, *, paper: str, customer: str, author: str) -> Job:
    """Queue a proposal job for the design (the worker makes it once the row is committed)."""
    from studio.tasks import make_proposal_task  # noqa: PLC0415 - tasks imports this module's caller

    job = Job.objects.create(owner=user, kind="proposal",
                             params={"design": str(row.code), "version": row.version, "paper": paper,
                                     "customer": customer[:MAX_TEXT], "author": author[:MAX_TEXT]})
    jobs.enqueue(job, make_proposal_task)
    return job
