"""What changed, for council systems that follow the portal: an append-only feed of events and
the webhooks that push them to registered URLs.

An event names its case by id and reference, never by foreign key, and carries no personal
data (ids and references, not names): the feed outlives what it describes, and the retention
run never has to rewrite it. The table refuses UPDATE and DELETE in PostgreSQL (a trigger in
the migration), so a follower's cursor always means the same thing.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone


class EventType(models.TextChoices):
    CASE_OPENED = "case.opened", "A case was opened"
    CASE_STAGE_CHANGED = "case.stage_changed", "A case moved to another stage"
    CASE_ASSIGNED = "case.assigned", "A case's caseworker changed"
    CASE_DEADLINE_CHANGED = "case.deadline_changed", "A fact of a case's clock was recorded"
    ADVICE_REQUESTED = "advice.requested", "Advice was requested"
    ADVICE_RECEIVED = "advice.received", "Advice was received"
    PLAN_DRAFT_ISSUED = "plan.draft_issued", "A draft plan was issued"
    PLAN_FINAL_ISSUED = "plan.final_issued", "A final plan was issued"
    PLACEMENT_RECORDED = "placement.recorded", "A placement was recorded"
    CHILD_UPN_UPDATED = "child.upn_updated", "A child's UPN was recorded or changed"
    DOCUMENT_ADDED = "document.added", "A document was added to a case"
    PANEL_DECISION_RECORDED = "panel.decision_recorded", "A panel recorded a decision"


class Event(models.Model):
    # The cursor: ids are handed out in commit order (services.event_record), so a follower
    # that has read up to id N has missed nothing below it.
    id = models.BigAutoField(primary_key=True)
    type = models.CharField(max_length=40, choices=EventType.choices)
    occurred_at = models.DateTimeField(default=timezone.now)
    case_id = models.BigIntegerField()
    case_reference = models.CharField(max_length=40)
    # Copied from the case when the event happened: a client limited to some areas sees the
    # events of those areas.
    area_id = models.BigIntegerField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["case_id", "id"], name="events_case_id"),
            models.Index(fields=["area_id", "id"], name="events_area_id"),
        ]

    def __str__(self) -> str:
        return f"{self.id} {self.type} {self.case_reference}"


def webhook_secret_new() -> str:
    return secrets.token_hex(32)


def _https_only(url: str) -> None:
    # A webhook carries case references: outside local development only an encrypted channel.
    if not settings.DEBUG and not url.lower().startswith("https://"):
        raise ValidationError("The address must start with https://")


def _known_event_types(value: Any) -> None:
    if not isinstance(value, list) or not value:
        raise ValidationError("Choose at least one type of event.")
    unknown = sorted(set(map(str, value)) - set(EventType.values))
    if unknown:
        raise ValidationError(f"Unknown event types: {', '.join(unknown)}")


class WebhookSubscription(models.Model):
    """A council system that wants some events pushed to it, registered by an administrator."""

    name = models.CharField(max_length=200, help_text="The system and who runs it.")
    url = models.URLField("Address", max_length=500, validators=[_https_only])
    secret = models.CharField(
        max_length=128,
        default=webhook_secret_new,
        help_text="Shared with the receiving system, which checks each delivery's signature.",
    )
    event_types = models.JSONField(default=list, validators=[_known_event_types])
    area = models.ForeignKey(
        "cases.Area",
        null=True,
        blank=True,
        # Deleting an area must not widen a subscription to every area.
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Only this area's events. Leave empty for every area.",
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def wants(self, event_type: str, area_id: int | None) -> bool:
        if event_type not in self.event_types:
            return False
        return self.area_id is None or self.area_id == area_id


class WebhookDelivery(models.Model):
    """One event to one subscription: the outbox row, its attempts and the receiver's answers."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="deliveries")
    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    last_response = models.CharField(max_length=500, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-id"]
        verbose_name_plural = "webhook deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["event", "subscription"], name="events_delivery_once_per_subscription"
            )
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="events_delivery_due")]

    def __str__(self) -> str:
        return f"{self.event} to {self.subscription}"
