"""Information governance: what the council publishes about its use of data (legal pages), how
long it keeps each kind of record (the retention schedule), records it must keep regardless
(legal holds), what the retention job removed (erasure records) and subject access bundles.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone


class LegalPage(models.Model):
    """A page the council publishes (privacy notice, accessibility statement, cookies), edited in
    the admin. The text is plain: blank lines separate paragraphs, a line starting "## " is a
    heading and a line starting "- " a bullet. It is always escaped, so no HTML gets through."""

    class Slug(models.TextChoices):
        PRIVACY = "privacy", "Privacy notice"
        ACCESSIBILITY = "accessibility", "Accessibility statement"
        COOKIES = "cookies", "Cookies"

    slug = models.CharField(max_length=20, choices=Slug.choices, unique=True)
    title = models.CharField(max_length=120)
    body = models.TextField(
        help_text='Plain text. Blank lines separate paragraphs; "## " starts a heading, "- " a '
        'bullet. "{council}" is replaced by the council\'s name. HTML is shown as typed.'
    )
    last_updated = models.DateField(default=timezone.localdate)

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.title


class RecordType(models.TextChoices):
    CHILD_RECORD = "child_record", "A child's SEN and EHC record (every case, plan and document)"
    ACCESS_LOG = "access_log", "Access log (who read a child's record)"
    NOTIFICATION = "notification", "Notifications (emails and messages in the portal)"
    REQUEST_DRAFT = "request_draft", "Requests started but never sent"


class Trigger(models.TextChoices):
    DATE_OF_BIRTH = "date_of_birth", "The child's date of birth"
    CASE_CLOSED = "case_closed", "The day the child's last case closed"
    CREATED = "created", "The day the record was made (last changed, for a draft)"


class RetentionAction(models.TextChoices):
    ANONYMISE = "anonymise", "Anonymise (keep for statistics without personal data)"
    DELETE = "delete", "Delete"


# Which clocks make sense for which record: a child's record runs from the child's birth or
# the closure of their last case; a log line, a message or a draft from the day it was made.
TRIGGERS_FOR: dict[str, frozenset[str]] = {
    RecordType.CHILD_RECORD: frozenset({Trigger.DATE_OF_BIRTH, Trigger.CASE_CLOSED}),
    RecordType.ACCESS_LOG: frozenset({Trigger.CREATED}),
    RecordType.NOTIFICATION: frozenset({Trigger.CREATED}),
    RecordType.REQUEST_DRAFT: frozenset({Trigger.CREATED}),
}
# Only a child's record can be kept in a form useful for statistics.
ANONYMISABLE = frozenset({RecordType.CHILD_RECORD})


class RetentionRule(models.Model):
    """One line of the council's retention schedule: how long a kind of record is kept, from
    when, and what happens then. Defaults are seeded by a data migration (see
    `ehcp_portal.governance.retention.DEFAULT_SCHEDULE` for the sources)."""

    record_type = models.CharField(max_length=20, choices=RecordType.choices, unique=True)
    trigger = models.CharField(max_length=20, choices=Trigger.choices)
    period_years = models.PositiveSmallIntegerField(default=0)
    period_days = models.PositiveIntegerField(default=0, help_text="Added to the years")
    action = models.CharField(max_length=10, choices=RetentionAction.choices)
    active = models.BooleanField(
        default=True, help_text="An inactive rule removes nothing (the dry run still lists it)."
    )
    source = models.TextField(blank=True, help_text="Where the period comes from")

    class Meta:
        ordering = ["record_type"]

    def __str__(self) -> str:
        return f"{self.get_record_type_display()}: {self.period_label}"

    @property
    def period_label(self) -> str:
        parts = []
        if self.period_years:
            parts.append(f"{self.period_years} year{'s' if self.period_years != 1 else ''}")
        if self.period_days:
            parts.append(f"{self.period_days} day{'s' if self.period_days != 1 else ''}")
        return " and ".join(parts) or "no time"

    def clean(self) -> None:
        errors = {}
        if self.trigger not in TRIGGERS_FOR.get(self.record_type, frozenset()):
            allowed = ", ".join(
                str(Trigger(t).label).lower() for t in sorted(TRIGGERS_FOR[self.record_type])
            )
            errors["trigger"] = f"For this kind of record the clock starts from: {allowed}."
        if self.action == RetentionAction.ANONYMISE and self.record_type not in ANONYMISABLE:
            errors["action"] = "Only a child's record can be anonymised; choose delete."
        if not self.period_years and not self.period_days:
            errors["period_years"] = "Enter a period of at least one day."
        if errors:
            raise ValidationError(errors)


class LegalHold(models.Model):
    """A record that must be kept whatever the schedule says (a complaint, a tribunal appeal, a
    claim, an inquiry): set by the data protection officer with a reason. While a hold on a child
    or on any of the child's cases is active, the retention job leaves that child's record, its
    notifications, drafts and access log alone."""

    child = models.ForeignKey(
        "families.Child", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.TextField()
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    set_at = models.DateTimeField(default=timezone.now)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-set_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(child__isnull=False) | models.Q(case__isnull=False),
                name="legal_hold_names_a_child_or_case",
            )
        ]
        indexes = [models.Index(fields=["released_at"])]

    def __str__(self) -> str:
        return f"Legal hold {self.pk}"

    @property
    def is_active(self) -> bool:
        return self.released_at is None


class ErasureRecord(models.Model):
    """What the retention job removed: the kind, internal ids and case references, when and by
    which rule. No names, dates of birth or text: the record proves that something was removed
    without keeping what it was."""

    class Kind(models.TextChoices):
        CHILD_ANONYMISED = "child_anonymised", "Child's record anonymised"
        CHILD_DELETED = "child_deleted", "Child's record deleted"
        ACCESS_LOG_PURGED = "access_log_purged", "Access log lines deleted"
        NOTIFICATIONS_DELETED = "notifications_deleted", "Notifications deleted"
        DRAFTS_DELETED = "drafts_deleted", "Unsent requests deleted"
        BUNDLES_EXPIRED = "bundles_expired", "Subject access bundles expired"

    kind = models.CharField(max_length=30, choices=Kind.choices)
    rule = models.ForeignKey(
        RetentionRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="erasures"
    )
    # The rule as it stood when it was applied (rules can be edited later).
    rule_description = models.CharField(max_length=300, blank=True)
    child_id_erased = models.BigIntegerField(null=True, blank=True)
    case_ids = models.JSONField(default=list, blank=True)
    case_references = models.JSONField(default=list, blank=True)
    count = models.PositiveIntegerField(default=0)
    due_on = models.DateField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now)
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.count})"


class SubjectAccessBundle(models.Model):
    """A zip of everything held about one child, produced for a subject access request (UK GDPR
    Art 15) in the worker. Stored privately and deleted when it expires."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        BUILDING = "building", "Being put together"
        READY = "ready", "Ready to download"
        FAILED = "failed", "Failed"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey("families.Child", on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    step = models.CharField(max_length=120, blank=True)
    file = models.FileField(upload_to="subject-access/%Y/%m/", blank=True)
    size = models.PositiveBigIntegerField(default=0)
    files_included = models.PositiveIntegerField(default=0)
    completed_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["expires_at"])]

    def __str__(self) -> str:
        return f"Subject access bundle {self.pk}"

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY and self.expires_at > timezone.now()
