"""Studio models. Designs come with the designs issue; the background-job record lives here."""

from __future__ import annotations

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
    KIND_CHOICES = [("catalog_stats", "Catalog statistics"), ("estimate", "Design estimate")]

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
