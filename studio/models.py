"""Studio models. Designs come with the designs issue; the background-job record lives here."""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class Job(models.Model):
    """A background job and what became of it: queued → running (progress) → succeeded | failed.

    The worker writes progress and a heartbeat as it goes; a running job whose heartbeat is older
    than ``STUDIO_JOB_STALE_AFTER_S`` is marked failed when next read (its worker died).
    """

    QUEUED, RUNNING, SUCCEEDED, FAILED = "queued", "running", "succeeded", "failed"
    STATE_CHOICES = [(QUEUED, "Queued"), (RUNNING, "Running"), (SUCCEEDED, "Succeeded"), (FAILED, "Failed")]
    KIND_CHOICES = [("catalog_stats", "Catalog statistics"), ("estimate", "Design estimate"),
                    ("proposal", "PDF proposal")]

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs")
    kind = models.CharField(max_length=32, choices=KIND_CHOICES)
    params = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=16, choices=STATE_CHOICES, default=QUEUED, db_index=True)
    progress = models.PositiveSmallIntegerField(default=0)
    message = models.CharField(max_length=300, blank=True)
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.code} ({self.state})"

    @property
    def is_finished(self) -> bool:
        return self.state in (self.SUCCEEDED, self.FAILED)

    @property
    def duration_s(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None

    def age_s(self) -> float:
        return (timezone.now() - self.created_at).total_seconds()


class WorkerBeat(models.Model):
    """When a worker last ran the periodic job sweep (``studio.sweep_jobs``): ``/healthz`` reads it to say
    whether a worker is alive, whatever the broker (the filesystem broker has no remote-control ping)."""

    name = models.CharField(max_length=200, unique=True)
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} at {self.seen_at:%Y-%m-%d %H:%M:%S}"


class Design(models.Model):
    """A design: its site, racks (``RackPlacement``), fabrics, storage, facility equipment and workloads.

    ``version`` grows by one with every saved change: a write that names an older version is
    refused (two tabs never silently overwrite each other). A scenario is a design cloned from
    another one (``parent``). Fabrics, storage, facility and workloads are kept in the design
    file's own shape (``ai-factory-design/1``), validated by ``studio.domain.designfile``.
    """

    REDUNDANCY_CHOICES = [(r, r) for r in ("N", "N+1", "2N", "2N+1")]

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="designs")
    name = models.CharField(max_length=200)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="scenarios")
    template = models.CharField(max_length=80, blank=True, help_text="Reference design it was started from")
    version = models.PositiveIntegerField(default=1)
    # the site
    width_m = models.FloatField()
    depth_m = models.FloatField()
    tile_mm = models.PositiveIntegerField(default=600)
    it_power_kw = models.FloatField(default=0)
    pue = models.FloatField(default=1.3)
    facility_power_kw = models.FloatField(default=0)
    air_cooling_kw = models.FloatField(default=0)
    liquid_cooling_kw = models.FloatField(default=0)
    floor_max_kg_per_m2 = models.FloatField(default=1500)
    redundancy = models.CharField(max_length=8, choices=REDUNDANCY_CHOICES, default="N+1")
    electricity_usd_per_kwh = models.FloatField(default=0.08)
    # the rest, in the design file's shape
    fabrics = models.JSONField(default=dict, blank=True)
    storage = models.JSONField(default=list, blank=True)
    facility = models.JSONField(default=list, blank=True)
    workloads = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return self.name


class DesignEdit(models.Model):
    """One saved edit of a design: the version it made, who, when, what (``message``), the keys it
    touched (``studio.domain.edits.conflicts.footprint``: two people editing one design conflict only
    when their edits touch the same racks or parts) and the inverse that undoes it (for reverting).
    The last ``studio.history.KEEP_EDITS`` edits of each design are kept; the last
    ``studio.history.UNDO_DEPTH`` of an editor session's can be undone from that session."""

    design = models.ForeignKey(Design, on_delete=models.CASCADE, related_name="edits")
    version = models.PositiveIntegerField(help_text="The design's version after this edit")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    message = models.CharField(max_length=300)
    touched = models.JSONField(default=list)
    inverse = models.JSONField(null=True, blank=True)
    #: The editor session that made it, when it may be undone there (its Undo button walks back through
    #: that session's edits, newest first); blank for edits no session undoes (reverts, renames, undos).
    session_key = models.CharField(max_length=40, blank=True, default="")
    undone = models.BooleanField(default=False, help_text="Taken back by its session's Undo")

    class Meta:
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(fields=["design", "version"], name="one_edit_per_version")]
        indexes = [models.Index(fields=["design", "session_key", "-version"], name="edit_undo_stack")]

    def __str__(self) -> str:
        return f"{self.design_id} v{self.version}: {self.message}"


class DesignMember(models.Model):
    """Someone the owner shares a design with: ``edit`` may change it, ``view`` may only look."""

    EDIT, VIEW = "edit", "view"
    design = models.ForeignKey(Design, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shared_designs")
    role = models.CharField(max_length=8, choices=[(EDIT, "Can edit"), (VIEW, "Can view")], default=EDIT)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["design", "user"], name="one_membership_per_user")]


def new_share_token() -> str:
    """An unguessable share token: 32 random bytes, URL-safe base64 (43 characters)."""
    return secrets.token_urlsafe(32)


class ShareLink(models.Model):
    """A read-only link to a design (``kind=design``) or to a comparison of its scenarios
    (``kind=compare``, the other designs' codes in ``compare_with``). The URL carries ``token``,
    never the design's code; ``code`` names the link in the owner's revoke form. A revoked or
    expired link answers 404, like an unknown token."""

    DESIGN, COMPARE = "design", "compare"
    KIND_CHOICES = [(DESIGN, "Design"), (COMPARE, "Scenario comparison")]

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    token = models.CharField(max_length=64, unique=True, default=new_share_token, editable=False)
    design = models.ForeignKey(Design, on_delete=models.CASCADE, related_name="share_links")
    kind = models.CharField(max_length=8, choices=KIND_CHOICES, default=DESIGN)
    compare_with = models.JSONField(default=list, blank=True)  # codes (str) of the other scenarios shown
    label = models.CharField(max_length=120)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="share_links")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.label} ({self.get_kind_display()})"

    def is_active(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class RackPlacement(models.Model):
    """A rack on the design's tile grid; ``label`` is the rack id of the design file (``A01``)."""

    design = models.ForeignKey(Design, on_delete=models.CASCADE, related_name="racks")
    label = models.CharField(max_length=40)
    model = models.CharField(max_length=80)
    x_tiles = models.IntegerField()
    y_tiles = models.IntegerField()
    rotation = models.PositiveSmallIntegerField(default=0)
    cooling = models.CharField(max_length=40, default="air")
    pdus = models.JSONField(default=list, blank=True)  # [{"model": slug, "feed": "A"|"B"}]
    position = models.PositiveIntegerField(default=0)  # order in the design file
    phase = models.PositiveSmallIntegerField(default=1)  # the build-out phase that brings the rack (1 = first)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["design", "label"], name="unique_rack_label_per_design")]

    def __str__(self) -> str:
        return self.label


class DevicePlacement(models.Model):
    """A device in a rack; ``u`` is the lowest U it occupies (1 = bottom)."""

    rack = models.ForeignKey(RackPlacement, on_delete=models.CASCADE, related_name="devices")
    model = models.CharField(max_length=80)
    u = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["u", "id"]


class Proposal(models.Model):
    """A PDF proposal of a design, made by a ``proposal`` job (``studio.reports.proposal_job``) from the
    design at ``version``. The PDF is kept in the database, not on a disk: the web process and the
    worker may run on different machines (PostgreSQL in production), and deleting the design deletes
    its proposals. The last ``proposal_job.KEEP_PROPOSALS`` of each design are kept."""

    A4, LETTER = "a4", "letter"
    PAPER_CHOICES = [(A4, "A4"), (LETTER, "US Letter")]

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    design = models.ForeignKey(Design, on_delete=models.CASCADE, related_name="proposals")
    job = models.ForeignKey(Job, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    version = models.PositiveIntegerField(help_text="The design's version the proposal was made from")
    paper = models.CharField(max_length=8, choices=PAPER_CHOICES, default=A4)
    customer = models.CharField(max_length=120, blank=True)
    author = models.CharField(max_length=120, blank=True)
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    pdf = models.BinaryField()
    pages = models.PositiveIntegerField(default=0)
    size_bytes = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Proposal of {self.design_id} v{self.version} ({self.paper})"
