"""Advice requests (reg 6, reg 8): one request to one advice giver, team inbox or school or
setting, due 6 weeks after it was sent, with the advice received or the reason it was declined.

Also the one-time sign-in links professionals may use instead of a password.
"""

from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone


class AdviceSource(models.TextChoices):
    """The advice the council must seek for an EHC needs assessment (reg 6(1))."""

    PARENT = "parent", "Parent or young person (reg 6(1)(a))"
    SETTING = "setting", "School or setting: educational advice (reg 6(1)(b))"
    EDUCATIONAL_PSYCHOLOGIST = "ep", "Educational psychologist (reg 6(1)(d))"
    HEALTH = "health", "Health: medical advice (reg 6(1)(c))"
    SOCIAL_CARE = "social_care", "Social care (reg 6(1)(e))"
    PREPARATION_FOR_ADULTHOOD = (
        "pfa",
        "Preparation for adulthood, from Year 9 (reg 6(1)(f))",
    )
    SENSORY = "sensory", "Teacher of the deaf or visually impaired (reg 6(1)(g))"
    OTHER = "other", "Other advice the council thinks appropriate (reg 6(1)(h))"


# Each kind of advice as the words that go before "advice" in emails and the timeline, so a
# sentence reads "your medical advice", never "your health: medical advice advice".
ADVICE_IN_WORDS: dict[str, str] = {
    AdviceSource.PARENT: "parent's or young person's",
    AdviceSource.SETTING: "educational",
    AdviceSource.EDUCATIONAL_PSYCHOLOGIST: "educational psychology",
    AdviceSource.HEALTH: "medical",
    AdviceSource.SOCIAL_CARE: "social care",
    AdviceSource.PREPARATION_FOR_ADULTHOOD: "preparation for adulthood",
    AdviceSource.SENSORY: "sensory (hearing or vision)",
    AdviceSource.OTHER: "other",
}


def advice_in_words(source: str) -> str:
    return ADVICE_IN_WORDS.get(source, "other")


class AdviceTeam(models.Model):
    """A shared inbox for a service (e.g. "Educational Psychology Service"): any member may
    answer its requests, and its lead is told when one is overdue."""

    name = models.CharField(max_length=150, unique=True)
    source = models.CharField(max_length=20, choices=AdviceSource.choices, blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="advice_teams"
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="advice_teams_led",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AdviceRequest(models.Model):
    class State(models.TextChoices):
        SENT = "sent", "Sent"
        REMINDED = "reminded", "Reminded"
        RECEIVED = "received", "Received"
        DECLINED = "declined", "Declined"

    class DeclineReason(models.TextChoices):
        EXISTING_ADVICE = (
            "existing_advice",
            "Advice given in the last year can be used (everyone must agree, reg 6(4))",
        )
        NOT_INVOLVED = "not_involved", "I or my service do not know the child"
        WRONG_SERVICE = "wrong_service", "This request should go to another service"
        OTHER = "other", "Another reason"

    OPEN_STATES = (State.SENT, State.REMINDED)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="advice_requests")
    source = models.CharField(max_length=20, choices=AdviceSource.choices)
    # Exactly one of addressee, team and setting: a named advice giver, a service's shared
    # inbox, or a school or setting (reg 6(1)(b): educational advice from the child's school),
    # answered by any of its staff with a portal account.
    addressee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="advice_requests_received",
    )
    team = models.ForeignKey(
        AdviceTeam, null=True, blank=True, on_delete=models.PROTECT, related_name="requests"
    )
    setting = models.ForeignKey(
        "cases.Setting",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="advice_requests",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="advice_requests_sent",
    )
    requested_on = models.DateField()
    due_on = models.DateField(help_text="Requested + 6 weeks (reg 8(1))")
    state = models.CharField(max_length=10, choices=State.choices, default=State.SENT)
    last_reminded_on = models.DateField(null=True, blank=True)

    # The advice itself, structured so it can feed the draft plan (sections B, E, F).
    needs = models.TextField(blank=True)
    outcomes = models.TextField(blank=True)
    provision = models.TextField(blank=True)
    attachments = models.ManyToManyField("cases.Document", blank=True, related_name="+")
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    responded_on = models.DateField(null=True, blank=True)
    decline_reason = models.CharField(max_length=20, choices=DeclineReason.choices, blank=True)
    decline_detail = models.TextField(blank=True)

    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["state", "due_on"]),
            models.Index(fields=["addressee", "state"]),
            models.Index(fields=["team", "state"]),
            models.Index(fields=["setting", "state"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(addressee__isnull=False, team__isnull=True, setting__isnull=True)
                    | models.Q(addressee__isnull=True, team__isnull=False, setting__isnull=True)
                    | models.Q(addressee__isnull=True, team__isnull=True, setting__isnull=False)
                ),
                name="advice_request_one_addressee",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} for {self.case_id}"

    @property
    def in_words(self) -> str:
        """ "medical", "educational psychology": the words that go before "advice"."""
        return advice_in_words(self.source)

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    def is_overdue(self, today: date | None = None) -> bool:
        return self.is_open and (today or timezone.localdate()) > self.due_on

    @property
    def status_label(self) -> str:
        """Sent, reminded, received, declined, or overdue (derived: due passed, no advice)."""
        return "Overdue" if self.is_overdue() else self.get_state_display()

    @property
    def addressed_to(self) -> str:
        if self.addressee_id:
            return str(self.addressee)
        if self.setting_id:
            return f"{self.setting} (school or setting)"
        return f"{self.team} (team inbox)"


class SignInLink(models.Model):
    """A one-time sign-in link for a professional. Only a hash of the token is stored, so a
    database reader cannot sign in; the link works once and expires, after which the person
    has an ordinary session (the link is never a standing credential)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sign_in_links"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "created_at"])]

    def __str__(self) -> str:
        return f"Sign-in link for {self.user_id}"
