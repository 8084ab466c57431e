"""The EHC plan: versioned structured sections, the family's response, consultations with
settings and annual reviews.

Imported at the end of cases/models.py so the models belong to the cases app.
"""

from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone

from cases import sen2_codes


class Plan(models.Model):
    """One EHC plan for one case. Its content lives in PlanVersion rows, newest last."""

    class Status(models.TextChoices):
        DRAFTING = "drafting", "Being drafted"
        DRAFT_ISSUED = "draft_issued", "Draft with the family"
        FINAL = "final", "Final plan issued"
        CEASED = "ceased", "Ceased"

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="plan")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFTING)
    # s.38(5)/reg 13: only the final plan names a school, so this is set at finalisation only.
    named_setting = models.ForeignKey(
        "cases.Setting", null=True, blank=True, on_delete=models.PROTECT, related_name="plans"
    )
    draft_version = models.PositiveIntegerField(null=True, blank=True)
    final_version = models.PositiveIntegerField(null=True, blank=True)
    # The date of the plan now in force: the final plan, then each amended plan (reg 22(3)).
    issued_on = models.DateField(null=True, blank=True)
    final_document = models.ForeignKey(
        "cases.Document", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # reg 13(2): the 20-week date and whether it was met, recorded when the final plan issues.
    twenty_week_due = models.DateField(null=True, blank=True)
    twenty_week_met = models.BooleanField(null=True, blank=True)
    # Any exception (reg 13(3)) is a cases.DeadlineException for "final_plan" on the case.
    ceased_on = models.DateField(null=True, blank=True)
    cease_reason = models.TextField(blank=True)
    # What section I names, as SEN2 records it (asked when the final plan issues): the kind of
    # place when no school or setting is named, and the place's unit, residential or
    # work-based-learning details.
    sen_setting = models.CharField(max_length=4, blank=True, choices=sen2_codes.SEN_SETTING)
    sen_setting_other = models.CharField(max_length=100, blank=True)
    in_sen_unit = models.BooleanField(default=False)
    in_resourced_provision = models.BooleanField(default=False)
    residential = models.CharField(max_length=1, blank=True, choices=sen2_codes.RESIDENTIAL)
    work_based_learning = models.CharField(
        max_length=1, blank=True, choices=sen2_codes.WORK_BASED_LEARNING
    )
    # Section J: a personal budget taken up, held as organised arrangements and/or direct
    # payments (education, social care, health or integrated).
    personal_budget = models.BooleanField(default=False)
    budget_organised = models.BooleanField(default=False)
    direct_payments = models.CharField(max_length=1, blank=True, choices=sen2_codes.DIRECT_PAYMENTS)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Plan for {self.case_id}"


class Placement(models.Model):
    """Where a child with a plan is actually taught: a school or setting (its URN or UKPRN), or
    a kind of arrangement when there is none, from its start to its end. Rank 2 is the second
    place of a dual placement. Recorded when the final plan issues and kept up to date after."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="placements")
    setting = models.ForeignKey(
        "cases.Setting", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sen_setting = models.CharField(max_length=4, blank=True, choices=sen2_codes.SEN_SETTING)
    sen_setting_other = models.CharField(max_length=100, blank=True)
    rank = models.PositiveSmallIntegerField(default=1, choices=[(1, "Main"), (2, "Second")])
    entry_date = models.DateField()
    leaving_date = models.DateField(null=True, blank=True)
    in_sen_unit = models.BooleanField(default=False)
    in_resourced_provision = models.BooleanField(default=False)
    residential = models.CharField(max_length=1, blank=True, choices=sen2_codes.RESIDENTIAL)
    work_based_learning = models.CharField(
        max_length=1, blank=True, choices=sen2_codes.WORK_BASED_LEARNING
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["case", "rank", "-entry_date", "id"]
        indexes = [models.Index(fields=["case", "leaving_date"])]

    def __str__(self) -> str:
        return f"{self.case_id} placement {self.rank} from {self.entry_date}"


class PlanVersion(models.Model):
    """An immutable snapshot of every section: each change makes a new one (who and when)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    sections = models.JSONField(default=dict)
    change = models.CharField(max_length=200)
    # The caseworker's reason for the change, in words the family reads beside it (issue 18).
    reason = models.TextField("why it changed", blank=True, default="", db_default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="one_plan_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} v{self.number}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError("Plan versions are never edited: save a new version")
        super().save(*args, **kwargs)


class PlanComment(models.Model):
    """The family's comment on one section of the draft (reg 13(1))."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="comments")
    version = models.PositiveIntegerField()
    section = models.CharField(max_length=4)
    body = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.section}"


class FamilyResponse(models.Model):
    """The family's response to the draft: the setting they want and whether to meet."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="responses")
    version = models.PositiveIntegerField()
    # s.38(2)(b): the family may ask for a particular school to be named.
    preferred_setting = models.ForeignKey(
        "cases.Setting", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    preference_reasons = models.TextField(blank=True)
    # CoP 9.77: the family may ask to meet an officer of the council about the draft.
    wants_meeting = models.BooleanField(default=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_on = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.plan_id} response"


class Consultation(models.Model):
    """The statutory consultation of a school or setting about being named (s.39, s.40)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="consultations")
    setting = models.ForeignKey("cases.Setting", on_delete=models.PROTECT, related_name="+")
    sent_on = models.DateField()
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    response_due = models.DateField()
    responded_on = models.DateField(null=True, blank=True)
    can_meet_needs = models.BooleanField(null=True, blank=True)
    reasons = models.TextField(blank=True)
    annual_cost = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Closed when the final plan issues: from then only the named setting keeps access.
    closed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["sent_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "setting"],
                condition=models.Q(closed_on__isnull=True),
                name="one_open_consultation_per_setting",
            )
        ]
        indexes = [models.Index(fields=["setting", "closed_on"])]

    def __str__(self) -> str:
        return f"{self.plan_id} → {self.setting_id}"


class Review(models.Model):
    """One annual review (s.44) and, when amending, its amendment route (reg 22)."""

    class Decision(models.TextChoices):
        MAINTAIN = "maintain", "Keep the plan as it is"
        AMEND = "amend", "Amend the plan"
        CEASE = "cease", "Cease the plan"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="reviews")
    review_from = models.DateField(help_text="Plan issue date or the last review decision")
    due_on = models.DateField()
    phase_transfer_due = models.DateField(null=True, blank=True)
    meeting_on = models.DateField(null=True, blank=True)
    invitations_sent_on = models.DateField(null=True, blank=True)
    report_received_on = models.DateField(null=True, blank=True)
    decision = models.CharField(max_length=10, choices=Decision.choices, blank=True)
    decision_on = models.DateField(null=True, blank=True)
    reasons = models.TextField(blank=True)
    amendments_sent_on = models.DateField(null=True, blank=True)
    # The plan version sent as the proposed amendments (reg 22(2)).
    proposed_version = models.PositiveIntegerField(null=True, blank=True)
    amended_issued_on = models.DateField(null=True, blank=True)
    letter = models.ForeignKey(
        "cases.Document", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-due_on", "-id"]

    def __str__(self) -> str:
        return f"Review of {self.plan_id} due {self.due_on}"

    @property
    def complete_by(self) -> date:
        # reg 18: in a phase transfer year the earlier 15 Feb / 31 Mar date is the one to meet.
        if self.phase_transfer_due and self.phase_transfer_due < self.due_on:
            return self.phase_transfer_due
        return self.due_on


class VersionResponse(models.Model):
    """The family agreeing a version of the plan, or saying what they disagree with (issue 18).
    Append-only: a later response supersedes an earlier one; each is on the case's timeline."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="version_responses")
    version_number = models.PositiveIntegerField()
    agrees = models.BooleanField()
    disagreement = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # A resubmitted form (double click, retry) records the response once.
    idempotency_key = models.UUIDField(unique=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.plan_id} v{self.version_number}: {'agreed' if self.agrees else 'disagreed'}"
