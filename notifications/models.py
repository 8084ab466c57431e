from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Notification(models.Model):
    """One message to one recipient through one channel: the outbox.

    Written in the same transaction as the event that causes it, then delivered by a Celery
    task. The idempotency key (event + recipient + purpose + slot) is unique, so a retried task,
    a beat that fires twice or two workers can never create or send the same message twice.

    Each event gives a recipient at most two rows: the in-app message, and one message sent
    outward by email, text or post (`notifications.channels` chooses which from the person's
    preference and what the council holds). The outward row's key ends ":email" whatever its
    channel: the key was fixed before there were other channels, and keeping it means an event
    already sent is never sent again by another channel.
    """

    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        IN_APP = "in_app", "In the portal"
        SMS = "sms", "Text message"
        LETTER = "letter", "Letter by post"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to send"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Not sent (turned off)"

    # None: a letter posted to a case's family who has no account (a paper applicant); the
    # address is the child's (`families.Child`), the name the one on the paper request.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    purpose = models.CharField(max_length=60)
    idempotency_key = models.CharField(max_length=200, unique=True)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    link = models.CharField(max_length=300, blank=True)
    statutory = models.BooleanField(default=False)
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    # A posted letter: the PDF the family can also read in the portal, sent as it is (GOV.UK
    # Notify's precompiled letters). Without one, a letter is made from the message's wording.
    document = models.ForeignKey(
        "cases.Document",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    # What GOV.UK Notify said: its id for the message (callbacks name it), its last status.
    provider_id = models.CharField(max_length=64, blank=True, db_index=True)
    provider_status = models.CharField(max_length=40, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["recipient", "channel", "read_at"]),
            models.Index(fields=["case", "created_at"]),
            # The nightly trim of old bodies reads only messages that still have one, oldest
            # first, without scanning every message ever sent (notifications/retention.py).
            models.Index(
                fields=["created_at"], condition=~Q(body=""), name="notification_body_kept"
            ),
        ]
        constraints = [
            # Only a posted letter about a case can go to someone without an account.
            models.CheckConstraint(
                condition=models.Q(recipient__isnull=False)
                | models.Q(channel="letter", case__isnull=False),
                name="notification_recipient_or_posted_to_case",
            )
        ]

    def __str__(self) -> str:
        return f"{self.purpose} → {self.recipient_id or 'post'} ({self.channel})"

    @property
    def recipient_label(self) -> str:
        """Who the message went to, as staff read it."""
        if self.recipient_id is None:
            return "The family's postal address (no account)"
        return self.recipient.get_full_name() if self.recipient else ""


class NotificationTemplate(models.Model):
    """The plain-English wording of one kind of message, editable by administrators.

    `subject` and `body` use {placeholders} filled from the event (e.g. {reference},
    {due_date}); the message always carries a link to the page where the reader can act.
    """

    purpose = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    statutory = models.BooleanField(
        default=False, help_text="Statutory notices are emailed even to people who opted out."
    )
    placeholders = models.CharField(
        max_length=300, blank=True, help_text="The {placeholders} this message can use."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
