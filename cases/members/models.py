"""Member enquiries: an elected member's query, its service level in working days, the reply."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class EnquiryCategory(models.TextChoices):
    DELAY = "delay", "Delay"
    COMMUNICATION = "communication", "Communication"
    PLACEMENT = "placement", "School or setting placement"
    TRANSPORT = "transport", "Home to school transport"
    TRIBUNAL = "tribunal", "Tribunal or disagreement"
    OTHER = "other", "Something else"


class EnquiryStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    ASSIGNED = "assigned", "With an officer"
    ANSWERED = "answered", "Answered"
    CLOSED = "closed", "Closed"


OPEN_ENQUIRY_STATUSES = (EnquiryStatus.RECEIVED, EnquiryStatus.ASSIGNED)


class MemberEnquiry(models.Model):
    """One query from an elected member about a constituent's EHC case.

    Never lost: it stays open until answered or closed with a reason (the check constraints
    below refuse an answered query without a reply or a closed one without a reason), and the
    admin cannot delete it.
    """

    # The id in every URL: database ids are sequential and would tell a member how many
    # queries other members raised.
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="member_enquiries"
    )
    # The member's ward or constituency when they raised it (reports group by it even if the
    # member later represents somewhere else).
    member_ward = models.CharField("ward or constituency", max_length=100, blank=True)

    # What the member was told by the family: a case reference, or who the family is.
    case_reference_given = models.CharField("case reference given", max_length=20, blank=True)
    parent_name = models.CharField("parent or carer's name", max_length=150, blank=True)
    child_name = models.CharField("child's name", max_length=150, blank=True)
    child_date_of_birth = models.DateField("child's date of birth", null=True, blank=True)
    address = models.CharField("family's address", max_length=300, blank=True)

    category = models.CharField(max_length=20, choices=EnquiryCategory.choices)
    concern = models.TextField()
    # The member declares the constituent asked them to act (UK GDPR art. 9(2)(g) and the
    # Data Protection Act 2018 sch. 1 para 24: elected representatives acting on request).
    declared_constituent_asked = models.BooleanField(default=False)

    received_on = models.DateField(help_text="Day the working-day clock starts from")
    target_reply_on = models.DateField(help_text="Reply due by (working days from receipt)")
    status = models.CharField(
        max_length=20, choices=EnquiryStatus.choices, default=EnquiryStatus.RECEIVED
    )

    # Triage: the area it was routed to, and the case a manager confirmed it is about.
    area = models.ForeignKey("cases.Area", null=True, blank=True, on_delete=models.PROTECT)
    case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="member_enquiries",
    )
    matched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    matched_at = models.DateTimeField(null=True, blank=True)
    assigned_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="member_enquiries_assigned",
    )
    assigned_at = models.DateTimeField(null=True, blank=True)

    reply = models.TextField(blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    replied_at = models.DateTimeField(null=True, blank=True)
    replied_on = models.DateField(null=True, blank=True)
    # Working days from receipt to reply, stored at reply time: the reports take its median
    # in the database, which has no calendar of bank holidays.
    reply_working_days = models.PositiveIntegerField(null=True, blank=True)

    closed_reason = models.TextField(blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["target_reply_on", "created_at"]
        verbose_name_plural = "member enquiries"
        indexes = [
            models.Index(fields=["member", "created_at"]),
            models.Index(fields=["status", "target_reply_on"]),
            models.Index(fields=["area", "status"]),
            models.Index(fields=["assigned_officer", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="answered") | ~Q(reply=""),
                name="member_enquiry_answered_has_reply",
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | ~Q(closed_reason=""),
                name="member_enquiry_closed_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Member query {str(self.public_id)[:8]} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ENQUIRY_STATUSES

    @property
    def about(self) -> str:
        """How the member identified the family, for lists."""
        if self.child_name:
            return self.child_name
        return self.case_reference_given or "Not given"


class MemberEnquiryEvent(models.Model):
    """An append-only line on a query's history: who did what, when."""

    enquiry = models.ForeignKey(MemberEnquiry, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=40)
    summary = models.CharField(max_length=300)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.enquiry_id} {self.kind}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError("Member enquiry events are append-only")
        super().save(*args, **kwargs)
