from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone


class Child(models.Model):
    """A child or young person (0–25)."""

    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    address = models.CharField(max_length=300, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    home_language = models.CharField(max_length=60, blank=True, default="English")
    looked_after = models.BooleanField(default=False)
    year_group = models.CharField(max_length=20, blank=True)
    setting = models.ForeignKey(
        "cases.Setting", null=True, blank=True, on_delete=models.SET_NULL, related_name="pupils"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["last_name", "first_name"]
        indexes = [models.Index(fields=["last_name", "date_of_birth"])]
        verbose_name_plural = "children"

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def age_on(self, when: date) -> int:
        years = when.year - self.date_of_birth.year
        if (when.month, when.day) < (self.date_of_birth.month, self.date_of_birth.day):
            years -= 1
        return years


class FamilyMembership(models.Model):
    """A parent/carer (or the young person themselves) linked to a child."""

    class Relationship(models.TextChoices):
        PARENT = "parent", "Parent"
        CARER = "carer", "Carer"
        SELF = "self", "The young person"
        CORPORATE_PARENT = "corporate", "Corporate parent (social worker)"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="memberships")
    relationship = models.CharField(max_length=20, choices=Relationship.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "child"], name="one_membership_per_child")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.child} ({self.relationship})"


class Consent(models.Model):
    """A family's consent to share a child's information with one party.

    Given and revoked with dates and by whom; the access policy reads only active rows.
    """

    class Party(models.TextChoices):
        EDUCATIONAL_PSYCHOLOGY = "ep", "Educational psychology service"
        HEALTH = "health", "Health services (NHS)"
        SOCIAL_CARE = "social_care", "Children's social care"
        SETTING = "setting", "A school or setting"
        ELECTED_MEMBER = "member", "An elected member"
        OTHER = "other", "Another agency"

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="consents")
    party = models.CharField(max_length=20, choices=Party.choices)
    setting = models.ForeignKey("cases.Setting", null=True, blank=True, on_delete=models.CASCADE)
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="consents_to_me",
    )
    detail = models.CharField(max_length=200, blank=True)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    given_at = models.DateTimeField(default=timezone.now)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-given_at"]
        indexes = [models.Index(fields=["child", "party", "revoked_at"])]

    def __str__(self) -> str:
        return f"{self.child} → {self.get_party_display()}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
