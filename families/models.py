from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone

from cases import sen2_codes


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
    # What the SEN2 return needs to know of the child (cases/sen2_codes.py), asked on the
    # request form and corrected on the child's SEN2 details page.
    upn = models.CharField("Unique pupil number (UPN)", max_length=13, blank=True)
    uln = models.CharField("Unique learner number (ULN)", max_length=10, blank=True)
    upn_unknown = models.CharField(max_length=4, blank=True, choices=sen2_codes.UPN_UNKNOWN)
    sex = models.CharField(max_length=1, blank=True, choices=sen2_codes.SEX)
    ethnicity = models.CharField(max_length=4, blank=True, choices=sen2_codes.ETHNICITY)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["last_name", "first_name"]
        indexes = [
            models.Index(fields=["last_name", "date_of_birth"]),
            # A caseload sorted by the child's name reads the children in this order and
            # joins their cases, instead of sorting an area's 280,000 open cases.
            models.Index(fields=["last_name", "first_name"], name="families_child_name"),
            # A councillor's enquiry names a child by date of birth (cases.members.selectors).
            models.Index(fields=["date_of_birth"], name="families_child_dob"),
        ]
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


class RequestDraft(models.Model):
    """A request for an EHC needs assessment while it is being written: the single front door.

    Answers are kept per question page as the raw text typed (valid or not), so nothing is lost
    on a validation error, a timeout or sign-out. Submission turns the draft into exactly one
    case: `case` is one-to-one and is set under a row lock, so a retry finds it already set.
    """

    class Route(models.TextChoices):
        FAMILY = "family", "Family (online)"
        SCHOOL = "school", "School or setting"
        ASSISTED = "assisted", "Assisted digital (paper, phone or email)"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    route = models.CharField(max_length=20, choices=Route.choices, default=Route.FAMILY)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="request_drafts"
    )
    child = models.ForeignKey(
        Child, null=True, blank=True, on_delete=models.CASCADE, related_name="request_drafts"
    )
    # School requests: the setting making the request (the SENCO's school).
    setting = models.ForeignKey(
        "cases.Setting", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answers = models.JSONField(default=dict, blank=True)
    documents = models.ManyToManyField("cases.Document", blank=True, related_name="request_drafts")
    # CoP 9.9: a school's request should be made with the parent's knowledge.
    parent_invited_at = models.DateTimeField(null=True, blank=True)
    parent_told_on = models.DateField(null=True, blank=True)
    parent_told_how = models.CharField(max_length=40, blank=True)
    case = models.OneToOneField(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="request"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    # What the request said, every page whoever answered it, as read when it was sent (see
    # `families.steps.answer_sections`). A sent request's answers never change, so the case page
    # shows this record instead of validating some twenty pages again on every view, where a
    # rule that moved on (a child's age against today) could turn an answer into "not answered".
    # None for a request sent before it was kept: read from the answers then.
    sections_sent = models.JSONField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["created_by", "submitted_at"])]

    def __str__(self) -> str:
        return f"Request draft {self.public_id}"

    @property
    def is_submitted(self) -> bool:
        return self.case_id is not None

    def answer(self, step: str) -> dict:
        return (self.answers.get(step) or {}).get("data") or {}

    @property
    def child_name(self) -> str:
        data = self.answer("child-name")
        name = " ".join(v[0] for v in (data.get("first_name"), data.get("last_name")) if v and v[0])
        if name:
            return name
        return self.child.full_name if self.child else "New request"


class ClaimCode(models.Model):
    """A one-time code a caseworker posts to a family so they can claim an assisted-digital
    request with their own account. Only a hash is kept; codes expire and are single-use."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="claim_codes")
    code_hash = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    voided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Claim code for {self.case_id}"
