"""The council's letter wording (versioned), the outbox of letters the worker makes, and bulk
letters."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from cases.letters import LETTERS

LETTER_KINDS = [(key, text.title) for key, text in LETTERS.items()]

# Languages a council may translate a letter into; a child's recorded home language is matched
# to the name. English is the letter itself.
LANGUAGES = [
    ("en", "English"),
    ("cy", "Welsh"),
    ("pl", "Polish"),
    ("ur", "Urdu"),
    ("pa", "Punjabi"),
    ("bn", "Bengali"),
    ("ar", "Arabic"),
    ("so", "Somali"),
    ("ro", "Romanian"),
    ("lt", "Lithuanian"),
    ("pt", "Portuguese"),
    ("es", "Spanish"),
    ("fr", "French"),
    ("tr", "Turkish"),
    ("gu", "Gujarati"),
    ("ta", "Tamil"),
    ("zh", "Chinese"),
]


class LetterTemplate(models.Model):
    """One version of the council's wording of a letter in a language. A version is never
    changed: each save in the admin writes the next version, the newest is used, and every
    letter records the version it was made with (`LetterIssue`)."""

    kind = models.CharField(max_length=40, choices=LETTER_KINDS)
    language = models.CharField(max_length=8, choices=LANGUAGES, default="en")
    version = models.PositiveIntegerField(editable=False)
    title = models.CharField(
        max_length=200, blank=True, help_text="The letter's heading; the portal's when empty."
    )
    body = models.TextField(
        help_text="Your wording. Place the portal's blocks with [[decision]], [[next_steps]], "
        "[[rights]] and [[contact]] (each once; they carry the statutory dates and rights). "
        "Placeholders: {child}, {child_full_name}, {reference}, {council}, {caseworker}, {date}. "
        "A translation is your text in that language, without blocks; the English letter "
        "follows it."
    )
    signature = models.TextField(
        blank=True, help_text="How the letter is signed off; the caseworker's name when empty."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["kind", "language", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "language", "version"], name="letter_template_version_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_language_display()}), version {self.version}"


class LetterIssue(models.Model):
    """Which wording a letter on a case was made with (none: the portal's own)."""

    document = models.OneToOneField(
        "cases.Document", on_delete=models.CASCADE, related_name="letter_issue"
    )
    template = models.ForeignKey(
        LetterTemplate, null=True, blank=True, on_delete=models.PROTECT, related_name="letters"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Letter {self.document_id}: template {self.template_id or 'the portal'}"


class LetterJob(models.Model):
    """A decision letter to be made by the worker: written in the decision's own transaction,
    so a recorded decision always gets its letter, even if the worker or broker is down when it
    is recorded. One per decision event; the worker locks the row, so two workers never make
    two letters."""

    class Status(models.TextChoices):
        WAITING = "waiting", "Being prepared"
        MADE = "made", "Made"
        FAILED = "failed", "Failed"

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="letter_jobs")
    event = models.OneToOneField(
        "cases.CaseEvent", on_delete=models.CASCADE, related_name="letter_job"
    )
    letter = models.CharField(max_length=40)
    decision_on = models.DateField()
    reasons = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    details = models.JSONField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    document = models.ForeignKey(
        "cases.Document", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    made_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["status", "created_at"], name="letter_job_waiting"),
            models.Index(fields=["case", "status"], name="letter_job_case"),
        ]

    def __str__(self) -> str:
        return f"{self.letter} for case {self.case_id} ({self.status})"


class BulkSend(models.Model):
    """One letter to every case of a cohort, sent by the worker through the outbox."""

    class Cohort(models.TextChoices):
        PHASE_TRANSFER = "phase_transfer", "Children due to transfer phase in a year"
        SCHOOL = "school", "Families of children at a school or setting"
        AWAITING_ADVICE = "awaiting_advice", "Cases waiting on advice"

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        SENDING = "sending", "Sending"
        DONE = "done", "Sent"

    cohort = models.CharField(max_length=20, choices=Cohort.choices)
    cohort_year = models.PositiveIntegerField(null=True, blank=True)
    cohort_setting = models.ForeignKey(
        "cases.Setting", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    area = models.ForeignKey(
        "cases.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )  # None: every area (the head of service)
    title = models.CharField(max_length=200)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    sent = models.PositiveIntegerField(default=0)  # maintained as letters go, not recounted
    failed = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class BulkLetter(models.Model):
    """One case's letter of a bulk send. (bulk send, case) is the idempotency key: a worker
    killed mid-run and restarted finds the letters already sent and never sends one twice."""

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    bulk = models.ForeignKey(BulkSend, on_delete=models.CASCADE, related_name="letters")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    document = models.ForeignKey(
        "cases.Document", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["bulk", "case"], name="bulk_letter_once_per_case")
        ]
        indexes = [models.Index(fields=["bulk", "status"], name="bulk_letter_waiting")]

    def __str__(self) -> str:
        return f"Bulk send {self.bulk_id}, case {self.case_id} ({self.status})"
