"""Models of the caseworker's workbench: disputes and tasks."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone

from cases.statutory import mediation_deadlines, timeline


class Dispute(models.Model):
    """Mediation and an appeal to the First-tier Tribunal (SEND) against one decision."""

    class Outcome(models.TextChoices):
        PENDING = "pending", "Not decided yet"
        RESOLVED_IN_MEDIATION = "mediation_agreed", "Agreed in mediation"
        CONCEDED = "conceded", "The council conceded"
        WITHDRAWN = "withdrawn", "The family withdrew the appeal"
        ALLOWED = "allowed", "Appeal allowed (in full or in part)"
        DISMISSED = "dismissed", "Appeal dismissed"

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="disputes")
    decision_event = models.ForeignKey(
        "cases.CaseEvent", on_delete=models.PROTECT, related_name="disputes"
    )
    decision_on = models.DateField(help_text="The date of the decision letter")
    mediation_contacted_on = models.DateField(null=True, blank=True)
    mediation_certificate_on = models.DateField(null=True, blank=True)
    appeal_registered_on = models.DateField(null=True, blank=True)
    hearing_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.PENDING)
    outcome_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} dispute of {self.decision_event_id}"

    @property
    def mediation_contact_by(self) -> date:
        # The family must contact the mediation adviser within 2 months of the decision.
        return mediation_deadlines(decision_notice=self.decision_on)["contact_adviser"]

    @property
    def appeal_deadline(self) -> date:
        # HESC r.20(1)(c): the later of notice + 2 months and certificate + 1 month (with r.12).
        return timeline(
            self.decision_on,
            decision_notice=self.decision_on,
            mediation_certificate=self.mediation_certificate_on,
        )["appeal"]


class CaseTask(models.Model):
    """A small piece of work on a case: a call to make, a letter to chase."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(max_length=200)
    due_on = models.DateField(null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="case_tasks",
    )
    done_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["done_at", "due_on", "id"]
        indexes = [models.Index(fields=["case", "done_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class SavedFilter(models.Model):
    """A caseload filter a caseworker named to come back to, and perhaps shared with their team.

    Only the caseload's own query parameters are kept (`query`, already cleaned), so opening a
    saved filter is the same as typing the filters again: the access policy still decides
    which cases it shows, and a colleague who opens a shared filter sees only their own cases.
    """

    name = models.CharField(max_length=80)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_filters"
    )
    # The owner's team when it was saved: a shared filter is offered to that team only. A team
    # closed down leaves its members' filters to their owners.
    team = models.ForeignKey(
        "cases.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    shared = models.BooleanField(default=False)
    query = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["team", "shared"])]

    def __str__(self) -> str:
        return self.name


class SweepRun(models.Model):
    """One day's statutory sweep: how far it got, so a run stopped part-way (a deploy, a killed
    worker) resumes after the last batch it committed, and "finished" says the day is done.

    Each batch's messages and this record's progress commit in the same transaction, so the
    progress never claims a batch whose messages were lost (or the other way round).
    """

    day = models.DateField(unique=True)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    # How many times the day was started (more than one: a catch-up or a resumed run).
    attempts = models.PositiveSmallIntegerField(default=1)
    # The last case (and advice request) whose messages are committed.
    last_case_id = models.BigIntegerField(default=0)
    digests_done = models.BooleanField(default=False)
    last_advice_id = models.BigIntegerField(default=0)
    batches = models.PositiveIntegerField(default=0)
    cases_read = models.PositiveIntegerField(default=0)
    queued = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-day"]

    def __str__(self) -> str:
        state = "finished" if self.finished_at else f"stopped after case {self.last_case_id}"
        return f"Sweep of {self.day:%-d %B %Y}: {state}, {self.queued} messages"
