"""Schools as partners after the request: school-led annual reviews (regs 20, 21), the termly
record of whether the provision in section F was delivered, and the alerts the daily run raised
(each once: its key is unique)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class SchoolReview(models.Model):
    """The school's part of one annual review (plans.Review): the meeting it arranged, whom it
    invited, when it circulated the advice and views, and its report."""

    review = models.OneToOneField(
        "plans.Review", on_delete=models.CASCADE, related_name="school_review"
    )
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    setting = models.ForeignKey("cases.Setting", on_delete=models.PROTECT, related_name="+")
    arranged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    invitees = models.JSONField(default=list, blank=True)  # the kinds chosen (Invitee)
    papers_circulated_on = models.DateField(null=True, blank=True)
    # The report (reg 20(7)): progress towards each outcome of section E ({"E1": "..."}), whether
    # each provision of section F was delivered ({"F1": {"status": ..., "note": ...}}), and the
    # changes the school recommends.
    outcomes = models.JSONField(default=dict, blank=True)
    provision = models.JSONField(default=dict, blank=True)
    recommended_changes = models.TextField(blank=True)
    report_sent_on = models.DateField(null=True, blank=True)
    report_sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Bumped on every save of the report: a form based on an older one is refused, so two staff
    # of the school writing at once never lose each other's words.
    version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["setting", "report_sent_on"])]

    def __str__(self) -> str:
        return f"School review {self.review_id}"


class Invitee(models.TextChoices):
    FAMILY = "family", "The child's parents"
    YOUNG_PERSON = "young_person", "The young person"
    CASEWORKER = "caseworker", "The council's caseworker"
    ADVICE = "advice", "Those who gave advice for the plan"
    HEALTH = "health", "Health services"
    SOCIAL_CARE = "social_care", "Social care"


class ReviewInvitation(models.Model):
    """One person invited to the review meeting (reg 20(3)); those the portal cannot reach are
    listed for the school to invite by letter."""

    school_review = models.ForeignKey(
        SchoolReview, on_delete=models.CASCADE, related_name="invitations"
    )
    kind = models.CharField(max_length=20, choices=Invitee.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(max_length=200)
    sent_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["kind", "name", "id"]

    def __str__(self) -> str:
        return self.name


class ReviewContribution(models.Model):
    """Views or advice given online before the meeting (reg 20(4)): the family's and young
    person's views, the caseworker's notes. One per person, which they may change until the
    papers are circulated."""

    school_review = models.ForeignKey(
        SchoolReview, on_delete=models.CASCADE, related_name="contributions"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    author_role = models.CharField(max_length=20)
    body = models.TextField()
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["submitted_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["school_review", "author"], name="one_contribution_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"Views of {self.author_id}"


class Delivery(models.TextChoices):
    DELIVERED = "delivered", "Delivered"
    PARTLY = "partly", "Partly delivered"
    NOT_DELIVERED = "not_delivered", "Not delivered"


class ProvisionConfirmation(models.Model):
    """Whether one provision item of section F was delivered in one term, in the view of the
    school or of the family."""

    class Party(models.TextChoices):
        SCHOOL = "school", "School"
        FAMILY = "family", "Family"

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="+")
    item_id = models.CharField(max_length=10)
    item_text = models.TextField()
    term = models.CharField(max_length=12)  # terms.Term.key, "2026-autumn"
    party = models.CharField(max_length=10, choices=Party.choices)
    status = models.CharField(max_length=15, choices=Delivery.choices)
    note = models.TextField(blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["term", "item_id", "party"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "item_id", "term", "party"], name="one_confirmation_per_term"
            )
        ]
        indexes = [models.Index(fields=["case", "term"])]

    def __str__(self) -> str:
        return f"{self.item_id} {self.term} ({self.party}): {self.status}"


class SchoolAlert(models.Model):
    """What the daily run raised, once each: the unique key is the guarantee."""

    class Kind(models.TextChoices):
        REVIEW_DUE = "review_due", "Annual review due"
        REVIEW_LATE = "review_late", "Annual review not started in time"
        CONFIRM_DUE = "confirm_due", "Provision confirmation due"
        PROVISION_GAP = "provision_gap", "Provision gap"
        EARLY_REVIEW = "early_review", "Asked to start a phase transfer review early"

    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    detail = models.CharField(max_length=300, blank=True)
    task = models.ForeignKey(
        "casework.CaseTask", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    raised_on = models.DateField()

    class Meta:
        ordering = ["-raised_on", "id"]
        indexes = [models.Index(fields=["kind", "raised_on"])]

    def __str__(self) -> str:
        return self.key
