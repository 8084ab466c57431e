"""Multi-disciplinary panels: panel types, meetings, agenda items, papers and decisions.

One multi-disciplinary panel (education, health and social care) decides whether to issue a
plan, considering assessment, setting, funding and transport together (docs/requirements.md R9).
Panel types are configuration (Django admin); the rest is recorded by the
services in `panels.services`, never in `save()`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from cases.models import SettingType, Stage
from ehcp_portal.accounts.models import Discipline

__all__ = [
    "DECISION_FIELDS",
    "AgendaItem",
    "Decision",
    "Declaration",
    "FundingBand",
    "Meeting",
    "MeetingMember",
    "PanelPaper",
    "PanelType",
]

# The optional parts of a decision a panel type can ask for (PanelType.decision_fields).
DECISION_FIELDS: dict[str, str] = {
    "funding_band": "Funding band",
    "setting": "Type of setting and named setting",
    "transport": "Transport eligibility",
    "advice_needed": "Advice still needed",
    "actions": "Actions with owners",
}


class FundingBand(models.Model):
    """A configured top-up funding band (e.g. A–E). Decisions may only use these."""

    code = models.CharField(max_length=10, unique=True)
    name = models.CharField(max_length=100)
    annual_amount = models.DecimalField(max_digits=9, decimal_places=2)
    description = models.CharField(max_length=300, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"Band {self.code}: £{self.annual_amount:,.0f} a year"


def _validate_outcomes(value: Any) -> None:
    from cases.workflow import ACTIONS

    if not isinstance(value, list) or not value:
        raise ValidationError("List at least one outcome.")
    codes = set()
    for outcome in value:
        if not isinstance(outcome, dict) or not outcome.get("code") or not outcome.get("label"):
            raise ValidationError('Each outcome needs a "code" and a "label".')
        if outcome["code"] in codes:
            raise ValidationError(f"The outcome code {outcome['code']!r} is used twice.")
        codes.add(outcome["code"])
        action = outcome.get("action") or ""
        if action and action not in ACTIONS:
            raise ValidationError(f"{action!r} is not a case workflow action.")


def _validate_disciplines(value: Any) -> None:
    if not isinstance(value, list) or any(d not in Discipline.values for d in value):
        raise ValidationError(f"Use disciplines from: {', '.join(Discipline.values)}.")


def _validate_fields(value: Any) -> None:
    if not isinstance(value, list) or any(f not in DECISION_FIELDS for f in value):
        raise ValidationError(f"Use decision fields from: {', '.join(DECISION_FIELDS)}.")


def _validate_stages(value: Any) -> None:
    if not isinstance(value, list) or any(s not in Stage.values for s in value):
        raise ValidationError(f"Use stages from: {', '.join(Stage.values)}.")


class PanelType(models.Model):
    """What a panel decides, who must be there, and what each outcome does to the case.

    `outcomes` is a list of {"code", "label", "action", "appeal_rights", "next_steps"}: `action`
    is the `cases.workflow` action the outcome triggers ("" = the stage does not change);
    `appeal_rights` puts mediation and appeal dates in the letter (reg 5(3), 10(2), 31).
    """

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=40, unique=True)
    description = models.CharField(max_length=300, blank=True)
    required_disciplines = models.JSONField(
        default=list,
        blank=True,
        validators=[_validate_disciplines],
        help_text="Disciplines that must attend for the panel to be quorate.",
    )
    decision_fields = models.JSONField(
        default=list,
        blank=True,
        validators=[_validate_fields],
        help_text=f"Which of {', '.join(DECISION_FIELDS)} the decision records.",
    )
    ready_stages = models.JSONField(
        default=list,
        validators=[_validate_stages],
        help_text="Case stages at which a case can go on this panel's agenda.",
    )
    outcomes = models.JSONField(default=list, validators=[_validate_outcomes])
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def outcome(self, code: str) -> dict[str, Any] | None:
        return next((o for o in self.outcomes if o.get("code") == code), None)

    def uses(self, field: str) -> bool:
        return field in self.decision_fields

    def discipline_labels(self) -> list[str]:
        return [Discipline(d).label for d in self.required_disciplines]


class Meeting(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft agenda"
        PUBLISHED = "published", "Agenda published"
        HELD = "held", "Held"
        CLOSED = "closed", "Closed"

    panel_type = models.ForeignKey(PanelType, on_delete=models.PROTECT, related_name="meetings")
    # Cases come from one area, so the area's team managers oversee the meeting.
    area = models.ForeignKey("cases.Area", on_delete=models.PROTECT, related_name="meetings")
    date = models.DateField()
    location = models.CharField(max_length=200, blank=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="panels_chaired"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    held_at = models.DateTimeField(null=True, blank=True)
    quorate = models.BooleanField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    minutes = models.ForeignKey(
        "cases.Document", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Minutes are a PDF the worker makes: set (with who asked) when the meeting closes or a
    # closed meeting's decision changes, cleared when the worker has made them.
    minutes_wanted_at = models.DateTimeField(null=True, blank=True)
    minutes_wanted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["status", "date"])]

    def __str__(self) -> str:
        return f"{self.panel_type} panel, {self.date:%-d %B %Y}"

    @property
    def papers_open(self) -> bool:
        return self.status != self.Status.DRAFT


class MeetingMember(models.Model):
    """A person sitting on a meeting, in one discipline; attendance is marked when it is held."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="panel_seats"
    )
    discipline = models.CharField(max_length=20, choices=Discipline.choices)
    attended = models.BooleanField(default=False)

    class Meta:
        ordering = ["discipline", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="one_seat_per_meeting")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_discipline_display()})"


class PanelPaper(models.Model):
    """A caseworker's short paper putting a case forward to a type of panel."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="panel_papers")
    panel_type = models.ForeignKey(PanelType, on_delete=models.PROTECT, related_name="papers")
    summary = models.TextField()
    recommendation = models.TextField()
    evidence = models.ManyToManyField("cases.Document", blank=True, related_name="panel_papers")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["panel_type", "created_at"])]

    def __str__(self) -> str:
        return f"{self.case} to {self.panel_type}"


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    paper = models.ForeignKey(PanelPaper, on_delete=models.PROTECT, related_name="agenda_items")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField(default=0)
    added_at = models.DateTimeField(default=timezone.now)

    # Not stored: set by the meeting page (`current_decisions` is `agenda_items`'s prefetch).
    decision: Decision | None
    conflicted: bool

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "case"], name="case_once_per_agenda"),
            models.UniqueConstraint(fields=["paper"], name="paper_on_one_agenda"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}: {self.case_id}"


class Declaration(models.Model):
    """A member's declared conflict of interest in one agenda item."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="declarations")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    interest = models.CharField(max_length=500)
    declared_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["declared_at"]
        constraints = [
            models.UniqueConstraint(fields=["item", "member"], name="one_declaration_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.member} on {self.item_id}"


class Decision(models.Model):
    """What the panel decided on one agenda item, with reasons the family will read.

    Versioned: once its letter has gone out a decision is never edited; a change is a new row
    that `supersedes` it, and only the newest has `is_current`.
    """

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="decisions")
    version = models.PositiveSmallIntegerField(default=1)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    is_current = models.BooleanField(default=True)
    outcome = models.CharField(max_length=40)
    outcome_label = models.CharField(max_length=150)
    action = models.CharField(max_length=40, blank=True)
    appeal_rights = models.BooleanField(default=False)
    reasons = models.TextField()
    funding_band = models.ForeignKey(
        FundingBand, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    setting_type = models.CharField(max_length=30, choices=SettingType.choices, blank=True)
    named_setting = models.ForeignKey(
        "cases.Setting", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    transport_eligible = models.BooleanField(null=True, blank=True)
    advice_needed = models.TextField(blank=True)
    actions = models.JSONField(default=list, blank=True)  # [{"owner": ..., "action": ...}]
    needs_ratification = models.BooleanField(default=False)
    ratified_at = models.DateTimeField(null=True, blank=True)
    ratified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    applied_at = models.DateTimeField(null=True, blank=True)
    letter = models.ForeignKey(
        "cases.Document", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    letter_sent_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["item_id", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["item"],
                condition=models.Q(is_current=True),
                name="one_current_decision_per_item",
            ),
            models.UniqueConstraint(fields=["item", "version"], name="decision_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.outcome_label} (v{self.version})"

    @property
    def awaiting_ratification(self) -> bool:
        return self.needs_ratification and self.ratified_at is None

    @property
    def letter_being_prepared(self) -> bool:
        """Applied, and the worker has not made its letter yet."""
        return self.applied_at is not None and self.letter_id is None
