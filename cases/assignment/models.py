"""Assignment and prioritisation as data an administrator changes in the admin, without a deploy.

The scoring itself is in `cases.assignment.rules` (pure); these rows hold the weights, the
caseworkers' profiles and every decision with the points that produced it.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from cases.assignment import rules

SPECIALISM_CHOICES = list(rules.SPECIALISMS.items())


class CaseworkerProfile(models.Model):
    class NotTakingReason(models.TextChoices):
        ABSENT = "absent", "Absent (leave or sickness)"
        LEAVING = "leaving", "Leaving the team"
        FULL = "full", "Caseload full"
        OTHER = "other", "Other"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="assignment_profile",
        limit_choices_to={"role": "caseworker"},
    )
    fte = models.DecimalField(
        "FTE",
        max_digits=3,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text="Full-time equivalent: 1.00 full time, 0.60 three days a week.",
    )
    target_caseload = models.PositiveSmallIntegerField(
        default=rules.DEFAULT_TARGET_CASELOAD,
        help_text="Open cases for a full-time caseworker; scaled by FTE.",
    )
    specialisms = models.JSONField(default=list, blank=True)
    languages = models.JSONField(
        default=list, blank=True, help_text="Languages spoken besides English."
    )
    taking_new_cases = models.BooleanField(default=True)
    not_taking_reason = models.CharField(max_length=20, choices=NotTakingReason.choices, blank=True)
    not_taking_note = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "caseworker profile"

    def __str__(self) -> str:
        return f"Profile of {self.user}"

    def clean(self) -> None:
        if not self.taking_new_cases and not self.not_taking_reason:
            raise ValidationError(
                {"not_taking_reason": "Say why this caseworker is not taking new cases."}
            )
        unknown = set(self.specialisms or []) - set(rules.SPECIALISMS)
        if unknown:
            raise ValidationError({"specialisms": f"Unknown specialisms: {', '.join(unknown)}"})

    @property
    def capacity(self) -> int:
        return rules.caseworker_capacity(float(self.fte), self.target_caseload)


class AssignmentRule(models.Model):
    """One soft score (and optionally a hard constraint) used to choose a caseworker."""

    key = models.CharField(max_length=30, unique=True, choices=list(rules.RULE_LABELS.items()))
    weight = models.PositiveSmallIntegerField(
        validators=[MaxValueValidator(200)], help_text="Points at full strength."
    )
    enabled = models.BooleanField(default=True)
    hard = models.BooleanField(
        "hard constraint",
        default=False,
        help_text=(
            "Area: only caseworkers of the case's area are eligible (otherwise other areas may "
            "be chosen, without the area points). Capacity: caseworkers at or over their target "
            "are not eligible. Ignored for the other rules."
        ),
    )
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return self.get_key_display()

    def clean(self) -> None:
        if self.hard and self.key not in rules.HARD_CAPABLE:
            raise ValidationError(
                {"hard": "Only the area rule can be hard: capacity is always a limit."}
            )


class PriorityIndicator(models.Model):
    key = models.CharField(max_length=30, unique=True, choices=list(rules.INDICATOR_LABELS.items()))
    weight = models.PositiveSmallIntegerField(validators=[MaxValueValidator(200)])
    enabled = models.BooleanField(default=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return self.get_key_display()


class AssignmentDecision(models.Model):
    """Who a case went to and why: every rule's points for the winner, and the runners-up."""

    class Kind(models.TextChoices):
        RULES = "rules", "Assignment rules"
        OVERRIDE = "override", "Manager override"
        REBALANCE = "rebalance", "Rebalancing"
        COHORT = "cohort", "Cohort import"

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="assignment_decisions"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.RULES)
    caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Empty: nobody eligible; the case waits in the area's unassigned queue.",
    )
    previous_caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    total = models.IntegerField(default=0)
    contributions = models.JSONField(default=list, blank=True)
    runners_up = models.JSONField(default=list, blank=True)
    considered = models.PositiveIntegerField(default=0)
    ineligible = models.JSONField(default=dict, blank=True)
    # None: decided by the rules, not a person.
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["case", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.caseworker_id or 'unassigned'} ({self.kind})"

    @property
    def explanation(self) -> str:
        return rules.explanation(self.contributions)


class CohortImport(models.Model):
    """One upload of a cohort CSV and its row-by-row report."""

    filename = models.CharField(max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    rows_total = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    rejected_count = models.PositiveIntegerField(default=0)
    unassigned_count = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.created_at:%Y-%m-%d %H:%M})"
