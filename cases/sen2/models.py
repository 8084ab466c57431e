"""A prepared SEN2 return: the counts, the validation report and the XML file the worker built
for one reference date, kept so the head of service reads and downloads it without waiting."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class Sen2Return(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Being prepared"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    # The id in URLs (never the database id).
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference_date = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # What the page shows: requests per category, problems per rule, the first problems.
    counts = models.JSONField(default=dict, blank=True)
    by_rule = models.JSONField(default=dict, blank=True)
    problems = models.JSONField(default=list, blank=True)
    persons = models.PositiveIntegerField(default=0)
    requests = models.PositiveIntegerField(default=0)
    # Personal data of every child in the return: private storage, served only to the head of
    # service through a view that checks the role.
    file = models.FileField(upload_to="sen2/%Y/", blank=True)
    size = models.PositiveBigIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["reference_date", "-requested_at"])]

    def __str__(self) -> str:
        return f"SEN2 {self.reference_date} ({self.status})"

    @property
    def is_pending(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)
