"""Models of the caseworker's workbench: deadline exceptions, disputes and tasks.

Imported at the end of `cases/models.py`, so they belong to the cases app.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone

from cases.statutory import mediation_deadlines, timeline

__all__ = ["CaseTask", "DeadlineException", "Dispute", "ExceptionReason"]


class ExceptionReason(models.TextChoices):
    """The four reasons the council "need not comply with the time limit" (reg 10(4)).

    Applied to the 20-week limit by reg 13(3), to the 6-week decision by reg 5(4) and to advice
    by reg 8(2)."""

    SCHOOL_CLOSURE = (
        "school_closure",
        "(a) A school or post-16 institution was closed for at least 4 weeks when advice was asked",
    )
    EARLY_YEARS_CLOSURE = (
        "early_years_closure",
        "(b) An early years provider was closed for at least 4 weeks when advice was asked",
    )
    PERSONAL_CIRCUMSTANCES = (
        "personal_circumstances",
        "(c) Exceptional personal circumstances of the child, young person or parent",
    )
    ABSENCE = (
        "absence",
        "(d) The child, young person or parent was away from the area for at least 4 weeks",
    )


# Reasons that describe a closure or an absence, so their period must be at least 4 weeks.
FOUR_WEEK_REASONS = frozenset(
    {ExceptionReason.SCHOOL_CLOSURE, ExceptionReason.EARLY_YEARS_CLOSURE, ExceptionReason.ABSENCE}
)

# Deadlines a reg 10(4) exception can apply to.
EXCEPTABLE_KEYS: tuple[str, ...] = (
    "decision_to_assess",  # reg 5(4)
    "advice",  # reg 8(2)
    "decision_not_to_issue",  # reg 10(4)
    "final_plan",  # reg 13(3)
)


class DeadlineException(models.Model):
    """An exception to a statutory time limit, recorded against one deadline of a case.

    It never moves the due date: the deadline shows as "excepted" and reports count the case
    both with and without its exceptions (CoP 9.42-9.43: the family must be told).
    """

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="deadline_exceptions"
    )
    deadline_key = models.CharField(max_length=40)
    reason = models.CharField(max_length=30, choices=ExceptionReason.choices)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    evidence = models.TextField()
    family_told_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["recorded_at", "id"]
        indexes = [models.Index(fields=["deadline_key", "case"])]

    def __str__(self) -> str:
        return f"{self.case_id} {self.deadline_key}: {self.reason}"


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
