"""The access log: who read which child's record, when, in what role and through which route.

Append-only: on PostgreSQL a trigger refuses UPDATE, and DELETE unless
`services.access_records_purge` (the retention schedule) asks for it. A row names the child and
case by id (no foreign key), so the log outlives what it describes for as long as the council
keeps it, and erasing a child's record never rewrites who looked at it. The reader's name, role
and organisation are copied at the time of reading: the family sees who looked then, even if
the account changes later.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class AccessKind(models.TextChoices):
    CASE = "case", "Case record"
    TRACKER = "tracker", "Request tracker"
    PLAN = "plan", "EHC plan"
    DOCUMENT = "document", "Document"
    ADVICE = "advice", "Advice request"
    PANEL_PAPER = "panel_paper", "Panel papers"
    MEMBER_VIEW = "member_view", "Councillor's enquiry"
    API = "api", "Case record (system)"
    SUBJECT_ACCESS = "subject_access", "Subject access bundle"


class Channel(models.TextChoices):
    WEB = "web", "Web page"
    API = "api", "API"


class AccessRecord(models.Model):
    at = models.DateTimeField(default=timezone.now)
    # DO_NOTHING: removing an account must not rewrite the log (the database refuses updates,
    # see migration 0002); the name, role and organisation were copied when the record was read.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    user_name = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=20, blank=True)
    # Team and area for council staff, the school, the advice service, "Panel", the ward.
    organisation = models.CharField(max_length=200, blank=True)
    child_id = models.BigIntegerField(null=True, blank=True)
    case_id = models.BigIntegerField(null=True, blank=True)
    case_reference = models.CharField(max_length=40, blank=True)
    kind = models.CharField(max_length=20, choices=AccessKind.choices)
    # What was read within the record: a document's id, a plan version, a meeting.
    object_ref = models.CharField(max_length=200, blank=True)
    # The URL name (namespace:name) or API route, and the path as requested.
    route = models.CharField(max_length=120, blank=True)
    path = models.CharField(max_length=500, blank=True)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.WEB)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["child_id", "at"], name="audit_child_at"),
            models.Index(fields=["user", "at"], name="audit_user_at"),
            models.Index(fields=["at"], name="audit_at"),
            # The data protection officer's search by case reference.
            models.Index(fields=["case_reference", "at"], name="audit_case_reference_at"),
        ]

    def __str__(self) -> str:
        return f"{self.user_name or 'unknown'} read {self.get_kind_display()} {self.case_reference}"
