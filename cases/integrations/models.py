"""API clients (the council's other systems) and the idempotency record of their writes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Scope(models.TextChoices):
    CASES_READ = "cases:read", "Read cases, children, documents, advice, decisions and plans"
    REQUESTS_WRITE = "requests:write", "Submit requests for assessment (a school's system)"
    ADVICE_WRITE = "advice:write", "Record advice (a health or social care system)"
    PLACEMENTS_WRITE = "placements:write", "Record a child's placement"
    CHILDREN_WRITE = "children:write", "Update a child's unique pupil number"
    EVENTS_READ = "events:read", "Follow the event feed"


class ApiClient(models.Model):
    """A system the council lets in. It acts for its owner (a person with an account, who answers
    for it) through the same access policy as the owner's pages, narrowed to its scopes and, when
    any are chosen, its areas. The secret is shown once when issued; only its hash is kept."""

    name = models.CharField(max_length=120, unique=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_clients"
    )
    # A list of Scope values (JSON, so the embedded SQLite demo runs it too).
    scopes = models.JSONField(default=list, blank=True)
    areas = models.ManyToManyField(
        "cases.Area",
        blank=True,
        related_name="+",
        help_text="Leave empty for every area the owner may see; choose areas to narrow it.",
    )
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    rate_per_minute = models.PositiveIntegerField(default=600)
    # The public half of the token (ehcp_<prefix>_<secret>): finds the row in one indexed read.
    prefix = models.CharField(max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "API client"

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class IdempotencyRecord(models.Model):
    """The response to a successful POST, kept per caller and Idempotency-Key so that a retry
    replays it and creates nothing."""

    principal = models.CharField(max_length=40)  # "client:<id>" or "user:<id>"
    key = models.CharField(max_length=200)
    method_path = models.CharField(max_length=300)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(default=0)
    response_body = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["principal", "key"], name="idempotency_once")
        ]
        indexes = [models.Index(fields=["created_at"], name="idempotency_created")]

    def __str__(self) -> str:
        return f"{self.principal} {self.key}"
