"""Quality and the family's voice: the council's audit framework and settings, plan audits,
surveys, complaints, the contact log and the late-deadline messages sent."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class Grade(models.TextChoices):
    """The grades the council's statement of action uses for a plan and each criterion."""

    OUTSTANDING = "outstanding", "Outstanding"
    GOOD = "good", "Good"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement"
    INADEQUATE = "inadequate", "Inadequate"


class QualitySettings(models.Model):
    """The council's choices (one row, edited in the admin)."""

    sample_percent = models.PositiveSmallIntegerField(
        "percentage of plans issued each month to sample",
        default=10,
        help_text="For example 10: one plan in ten issued in a month is audited.",
    )
    sample_caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="also sample every plan of this caseworker",
    )
    sample_setting = models.ForeignKey(
        "cases.Setting",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="also sample every plan naming this school or setting",
    )
    qa_signoff_required = models.BooleanField(
        "a QA officer must sign off a draft plan before it is sent to the family",
        default=False,
    )
    complaint_stage1_working_days = models.PositiveSmallIntegerField(
        "stage 1 complaint: working days to respond", default=10
    )
    complaint_stage2_working_days = models.PositiveSmallIntegerField(
        "stage 2 complaint: working days to respond", default=20
    )
    lgsco_working_days = models.PositiveSmallIntegerField(
        "Ombudsman (LGSCO) enquiry: working days to respond", default=20
    )
    complaint_reminder_working_days = models.PositiveSmallIntegerField(
        "remind the handler this many working days before a response is due", default=3
    )

    class Meta:
        verbose_name = "quality and complaints settings"
        verbose_name_plural = "quality and complaints settings"

    def __str__(self) -> str:
        return "Quality and complaints settings"


class Criterion(models.Model):
    """One criterion of the council's audit framework, under a heading."""

    heading = models.CharField(max_length=120)
    text = models.CharField(max_length=300)
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name_plural = "audit framework criteria"

    def __str__(self) -> str:
        return f"{self.heading}: {self.text}"


class PlanAudit(models.Model):
    class Status(models.TextChoices):
        SAMPLED = "sampled", "To audit"
        AUDITED = "audited", "Audited, awaiting moderation"
        MODERATED = "moderated", "Moderated"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="audits")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="audits")
    # Who wrote the plan and their team when it was sampled: the dashboard's "by team".
    caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    team = models.ForeignKey(
        "cases.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version_number = models.PositiveIntegerField(null=True, blank=True)
    month = models.DateField(help_text="First day of the month the plan was sampled for.")
    reason = models.CharField(max_length=200)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SAMPLED)
    auditor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    grade = models.CharField(max_length=30, choices=Grade.choices, blank=True)
    comments = models.TextField(blank=True)
    action_for_caseworker = models.TextField(blank=True)
    audited_at = models.DateTimeField(null=True, blank=True)
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderated_grade = models.CharField(max_length=30, choices=Grade.choices, blank=True)
    moderation_comments = models.TextField(blank=True)
    moderated_at = models.DateTimeField(null=True, blank=True)
    action_done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-month", "pk"]
        constraints = [
            # Sampling twice in a month (a repeated run) never audits the same plan twice.
            models.UniqueConstraint(fields=["plan", "month"], name="one_audit_per_plan_month")
        ]
        indexes = [models.Index(fields=["status", "month"])]

    def __str__(self) -> str:
        return f"Audit of plan {self.plan_id} ({self.month:%B %Y})"

    @property
    def final_grade(self) -> str:
        """The grade that counts: the moderator's where the audit was moderated."""
        return self.moderated_grade or self.grade


class AuditScore(models.Model):
    audit = models.ForeignKey(PlanAudit, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    grade = models.CharField(max_length=30, choices=Grade.choices)
    comment = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["audit", "criterion"], name="one_score_per_criterion")
        ]

    def __str__(self) -> str:
        return f"{self.audit_id} {self.criterion_id}: {self.grade}"


class DecisionPoint(models.TextChoices):
    DECISION_TO_ASSESS = "decision_to_assess", "Decision whether to assess"
    DECISION_TO_ISSUE = "decision_to_issue", "Decision whether to issue a plan"
    PLAN_ISSUED = "plan_issued", "Final plan issued"


class RespondentKind(models.TextChoices):
    FAMILY = "family", "Family"
    SCHOOL = "school", "School or setting"


class SurveyInvitation(models.Model):
    """Who was asked, and whether they have answered: never what they answered. The answer
    (SurveyResponse) holds no link back to this row, the case or the person."""

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="survey_invitations"
    )
    respondent_kind = models.CharField(max_length=10, choices=RespondentKind.choices)
    decision_point = models.CharField(max_length=30, choices=DecisionPoint.choices)
    created_at = models.DateTimeField(default=timezone.now)
    answered = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case", "respondent", "decision_point"], name="one_survey_per_decision"
            )
        ]

    def __str__(self) -> str:
        return f"Survey ({self.get_decision_point_display()})"


class SurveyResponse(models.Model):
    """An anonymous answer: the area and the month only (no day, case, person or invitation),
    so no one, caseworker or manager, can tell who wrote it."""

    area = models.ForeignKey("cases.Area", null=True, blank=True, on_delete=models.SET_NULL)
    decision_point = models.CharField(max_length=30, choices=DecisionPoint.choices)
    respondent_kind = models.CharField(max_length=10, choices=RespondentKind.choices)
    month = models.DateField()
    satisfaction = models.PositiveSmallIntegerField(null=True, blank=True)
    listened_to = models.PositiveSmallIntegerField(null=True, blank=True)
    clear = models.PositiveSmallIntegerField(null=True, blank=True)
    comment = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["month", "area"])]

    def __str__(self) -> str:
        return f"Survey response ({self.month:%B %Y})"


class Complaint(models.Model):
    class Kind(models.TextChoices):
        COMPLAINT = "complaint", "Complaint to the council"
        LGSCO = "lgsco", "Local Government and Social Care Ombudsman enquiry"

    class Stage(models.TextChoices):
        STAGE1 = "stage1", "Stage 1"
        STAGE2 = "stage2", "Stage 2"
        LGSCO = "lgsco", "With the Ombudsman"
        CLOSED = "closed", "Closed"

    class Outcome(models.TextChoices):
        UPHELD = "upheld", "Upheld"
        PARTLY_UPHELD = "partly_upheld", "Partly upheld"
        NOT_UPHELD = "not_upheld", "Not upheld"
        WITHDRAWN = "withdrawn", "Withdrawn"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="complaints")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.COMPLAINT)
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.STAGE1)
    received_on = models.DateField()
    stage_started_on = models.DateField()
    response_due_on = models.DateField(null=True, blank=True)
    summary = models.TextField()
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    outcome_summary = models.TextField(blank=True)
    remedy = models.TextField(blank=True)
    closed_on = models.DateField(null=True, blank=True)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Optimistic lock: a form carries the version it was read at (two handlers never lose one).
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-received_on", "-pk"]
        indexes = [models.Index(fields=["stage", "response_due_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} received {self.received_on:%-d %B %Y}"

    @property
    def is_open(self) -> bool:
        return self.stage != self.Stage.CLOSED


class CallType(models.Model):
    """The council's list of contact types (operating model §1.9), edited in the admin."""

    name = models.CharField(max_length=100, unique=True)
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class Contact(models.Model):
    class Channel(models.TextChoices):
        PHONE = "phone", "Phone call"
        EMAIL = "email", "Email"
        MEETING = "meeting", "Meeting"

    class With(models.TextChoices):
        FAMILY = "family", "The family"
        SCHOOL = "school", "The school or setting"
        OTHER = "other", "Someone else"

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="contacts")
    call_type = models.ForeignKey(CallType, on_delete=models.PROTECT, related_name="contacts")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    contact_with = models.CharField(max_length=10, choices=With.choices)
    inbound = models.BooleanField(default=True)
    note = models.TextField(blank=True)
    happened_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # A resubmitted form (double click, retry) records the contact once.
    idempotency_key = models.UUIDField(unique=True)

    class Meta:
        ordering = ["-happened_on", "-pk"]
        indexes = [models.Index(fields=["happened_on"])]

    def __str__(self) -> str:
        return f"{self.call_type} on {self.happened_on}"


class LateNotice(models.Model):
    """A message telling the family a statutory deadline passed: one per missed deadline (and
    one explaining an excepted one), whatever the number of daily runs."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    deadline_key = models.CharField(max_length=40)
    due_on = models.DateField()
    excepted = models.BooleanField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case", "deadline_key", "due_on", "excepted"], name="one_late_notice"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.deadline_key} {self.due_on}"
