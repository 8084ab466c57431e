from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone

from cases import sen2_codes


class SenNeed(models.TextChoices):
    """SEN2 need codes (DfE special educational needs survey)."""

    SPLD = "SPLD", "Specific learning difficulty"
    MLD = "MLD", "Moderate learning difficulty"
    SLD = "SLD", "Severe learning difficulty"
    PMLD = "PMLD", "Profound and multiple learning difficulty"
    SEMH = "SEMH", "Social, emotional and mental health"
    SLCN = "SLCN", "Speech, language and communication needs"
    HI = "HI", "Hearing impairment"
    VI = "VI", "Vision impairment"
    MSI = "MSI", "Multi-sensory impairment"
    PD = "PD", "Physical disability"
    ASD = "ASD", "Autistic spectrum disorder"
    DS = "DS", "Down syndrome"
    OTH = "OTH", "Other difficulty or disability"


def needs_in_words(codes: list[str] | tuple[str, ...] | None) -> list[str]:
    """SEN2 need codes as the family reads them ("SEMH" is "Social, emotional and mental
    health"); a code the survey does not know is shown as it is."""
    labels = dict(SenNeed.choices)
    return [labels.get(code, code) for code in codes or []]


class Area(models.Model):
    name = models.CharField(max_length=80, unique=True)
    # Outward codes ("LS6", "LS17") that decide which area a child's address belongs to.
    postcode_districts = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    name = models.CharField(max_length=100, unique=True)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="teams")
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_teams",
    )

    class Meta:
        ordering = ["area__name", "name"]

    def __str__(self) -> str:
        return self.name


class SettingType(models.TextChoices):
    EARLY_YEARS = "early_years", "Early years setting"
    MAINSTREAM_PRIMARY = "primary", "Mainstream primary school"
    MAINSTREAM_SECONDARY = "secondary", "Mainstream secondary school"
    RESOURCED = "resourced", "Resourced provision in a mainstream school"
    SPECIAL = "special", "Special school"
    INDEPENDENT_SPECIAL = "independent_special", "Independent special school"
    FE_COLLEGE = "fe_college", "Further education college"
    POST16 = "post16", "Other post-16 provider"
    AP = "ap", "Alternative provision"


class Setting(models.Model):
    """A school, college or early-years setting, with the needs it is equipped to meet."""

    name = models.CharField(max_length=150)
    urn = models.CharField("URN or UKPRN", max_length=12, unique=True)
    setting_type = models.CharField(max_length=30, choices=SettingType.choices)
    phase = models.CharField(max_length=80, blank=True)
    needs_met = models.JSONField(default=list, blank=True, help_text="SEN2 need codes")
    capacity = models.PositiveIntegerField(default=0)
    places_taken = models.PositiveIntegerField(default=0)
    # A resourced provision (or SEN unit) is a specialist base inside a mainstream school with
    # its own places and the needs it is set up for; caseworkers consult it by name.
    resourced_provision = models.CharField(
        max_length=150,
        blank=True,
        help_text="For example: Autism resource base. Leave blank if the school has none.",
    )
    resourced_provision_needs = models.JSONField(
        default=list, blank=True, help_text="SEN2 need codes the resourced provision is for"
    )
    resourced_provision_places = models.PositiveIntegerField(default=0)
    area = models.ForeignKey(Area, null=True, blank=True, on_delete=models.SET_NULL)
    postcode = models.CharField(max_length=10, blank=True)
    email = models.EmailField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def needs_met_in_words(self) -> list[str]:
        return needs_in_words(self.needs_met)


class Stage(models.TextChoices):
    RECEIVED = "received", "Request received"
    DECIDING_ASSESS = "deciding_assess", "Deciding whether to assess"
    NOT_ASSESSING = "not_assessing", "Not assessing"
    ASSESSING = "assessing", "Assessing needs"
    DECIDING_ISSUE = "deciding_issue", "Deciding whether to issue a plan"
    NOT_ISSUING = "not_issuing", "Not issuing a plan"
    DRAFTING = "drafting", "Drafting the plan"
    DRAFT_WITH_FAMILY = "draft_with_family", "Draft plan with family"
    CONSULTING = "consulting", "Consulting settings"
    FINAL_ISSUED = "final_issued", "Final plan issued"
    MAINTAINED = "maintained", "Plan maintained"
    CEASED = "ceased", "Plan ceased"
    WITHDRAWN = "withdrawn", "Withdrawn"
    TRANSFERRED_OUT = "transferred_out", "Transferred to another council"


CLOSED_STAGES = frozenset(
    {Stage.NOT_ASSESSING, Stage.NOT_ISSUING, Stage.CEASED, Stage.WITHDRAWN, Stage.TRANSFERRED_OUT}
)
OPEN_STAGES = frozenset(set(Stage) - CLOSED_STAGES)


class Route(models.TextChoices):
    FAMILY = "family", "Family (online)"
    SCHOOL = "school", "School or setting"
    ASSISTED = "assisted", "Assisted digital (paper, phone or email)"
    COHORT = "cohort", "Cohort import"
    TRANSFER_IN = "transfer_in", "Plan transferred from another council"


class TribunalOrder(models.TextChoices):
    """What a First-tier Tribunal (SEND) order tells the council to do (reg 44(2))."""

    CEASE = "cease", "Cease to maintain the plan"
    ASSESS = "assess", "Carry out an EHC needs assessment"
    MAKE_PLAN = "make_plan", "Make and maintain a plan"
    AMEND = "amend", "Amend the plan"
    SCHOOL_ONLY = "school_only", "Change only the school or type of school named"


class Case(models.Model):
    """One EHC journey for one child.

    The stage and milestone dates are facts recorded by the workflow services; every deadline is
    derived from them by `cases.statutory.timeline`, never typed in.
    """

    reference = models.CharField(max_length=20, unique=True)
    child = models.ForeignKey("families.Child", on_delete=models.PROTECT, related_name="cases")
    received_on = models.DateField(help_text="The date the council received the request")
    route = models.CharField(max_length=20, choices=Route.choices, default=Route.FAMILY)
    channel = models.CharField(max_length=20, blank=True, help_text="paper, phone, email, online")
    stage = models.CharField(max_length=30, choices=Stage.choices, default=Stage.RECEIVED)
    is_open = models.BooleanField(default=True)
    area = models.ForeignKey(Area, null=True, blank=True, on_delete=models.PROTECT)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL)
    caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="caseload",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="requests_made",
    )
    needs = models.JSONField(default=list, blank=True, help_text="SEN2 codes, primary first")
    priority = models.IntegerField(default=0)
    priority_reasons = models.JSONField(default=list, blank=True)
    waiting_on_others = models.BooleanField(default=False)

    # Milestones: the facts the statutory clock reads.
    assessment_decision_on = models.DateField(null=True, blank=True)
    advice_requested_on = models.DateField(null=True, blank=True)
    issue_decision_on = models.DateField(null=True, blank=True)
    draft_issued_on = models.DateField(null=True, blank=True)
    family_responded_on = models.DateField(null=True, blank=True)
    consultation_sent_on = models.DateField(null=True, blank=True)
    final_issued_on = models.DateField(null=True, blank=True)
    review_meeting_on = models.DateField(null=True, blank=True)
    last_review_decision_on = models.DateField(null=True, blank=True)
    amendments_sent_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    # reg 8(1): the date the last advice asked for was in, so the advice deadline shows met.
    advice_completed_on = models.DateField(null=True, blank=True)
    # reg 20(7)-(8): the review report received; reg 22(3): the amended plan issued.
    review_report_received_on = models.DateField(null=True, blank=True)
    amended_plan_issued_on = models.DateField(null=True, blank=True)

    # The other statutory clocks a case can run on, written by the workflow like any milestone.
    # reg 27: re-assessment of a child who has a plan, from the day the family was told.
    reassessment_notified_on = models.DateField(null=True, blank=True)
    # reg 15: a plan transferred in from another council, the plan's date (or its last review)
    # and the day the family was told whether we will re-assess or review.
    transferred_in_on = models.DateField(null=True, blank=True)
    transfer_plan_dated_on = models.DateField(null=True, blank=True)
    transfer_family_told_on = models.DateField(null=True, blank=True)
    # reg 44: a tribunal order, the day it was sent to the council, and the day complied with.
    tribunal_order_kind = models.CharField(max_length=20, blank=True, choices=TribunalOrder.choices)
    tribunal_order_on = models.DateField(null=True, blank=True)
    tribunal_order_complied_on = models.DateField(null=True, blank=True)
    # reg 18: the calendar year of the child's next transfer between phases (review and amend by
    # 15 February, or 31 March into post-16), and the day the amended plan naming the new
    # school was issued. Kept on the case so the cohort due to transfer is one indexed query.
    phase_transfer_year = models.PositiveSmallIntegerField(null=True, blank=True)
    phase_transfer_post16 = models.BooleanField(default=False)
    phase_transfer_amended_on = models.DateField(null=True, blank=True)

    # SEN2: who made the request (asked on the request form, or known from its route), whether
    # it was made in relevant youth accommodation, and why a plan ceased (asked when ceasing).
    request_source = models.CharField(max_length=1, blank=True, choices=sen2_codes.REQUEST_SOURCE)
    in_youth_accommodation = models.BooleanField(default=False)
    cease_reason = models.CharField(max_length=1, blank=True, choices=sen2_codes.CEASE_REASON)

    # Denormalised from the clock on every event so lists sort and filter at scale; `excepted`
    # says the next deadline has a recorded reg 10(4) exception, so it is not a breach.
    next_deadline_key = models.CharField(max_length=40, blank=True)
    next_deadline_on = models.DateField(null=True, blank=True)
    next_deadline_excepted = models.BooleanField(default=False)

    # The child's names, copied here by the database itself (migration 0011's triggers: on a
    # new case, on a change of child, and on every change of the child's names) and never by
    # code, so a name search of an area's caseload filters the cases it walks in order without
    # looking up each one's child (at 1,000,000 cases a common surname looked up 815 children
    # to find a page of 26: 3.5 of 5 ms). Shown and sorted on from the child, not from here.
    child_first_name = models.CharField(
        max_length=100, blank=True, editable=False, default="", db_default=""
    )
    child_last_name = models.CharField(
        max_length=100, blank=True, editable=False, default="", db_default=""
    )

    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-priority", "next_deadline_on"]
        indexes = [
            # With the breach flag, the team page's deadlines at risk and breaches of a page of
            # caseworkers are counted from the index alone (1.1 ms, against 4 ms reading 1,700
            # rows of the table at 1,000,000 cases).
            models.Index(
                fields=["caseworker", "is_open", "next_deadline_on"],
                include=["next_deadline_excepted"],
                name="case_caseworker_open_deadline",
            ),
            models.Index(fields=["team", "is_open", "next_deadline_on"]),
            models.Index(fields=["area", "is_open", "next_deadline_on"]),
            models.Index(fields=["is_open", "next_deadline_on"]),
            models.Index(fields=["stage"]),
            models.Index(fields=["phase_transfer_year", "area"]),
            # Each ordering of an area's lists (the manager's caseload, the unassigned queue,
            # the team page) read in index order, so a page costs its 25 rows at any size.
            # (Latest deadline first, no deadline still last, needs NULLS LAST, which SQLite
            # refuses in an index: that one is made on PostgreSQL only, by migration 0006.)
            models.Index(
                fields=["area", "-priority", "next_deadline_on", "reference"],
                condition=models.Q(is_open=True),
                name="case_open_area_priority",
            ),
            models.Index(
                fields=["area", "reference"],
                condition=models.Q(is_open=True),
                name="case_open_area_reference",
            ),
            models.Index(
                fields=["area", "stage", "next_deadline_on", "reference"],
                condition=models.Q(is_open=True),
                name="case_open_area_stage",
            ),
            models.Index(
                fields=["area", "-priority", "next_deadline_on", "reference"],
                condition=models.Q(is_open=True, caseworker__isnull=True),
                name="case_unassigned_priority",
            ),
            models.Index(
                fields=["area", "next_deadline_on", "received_on", "reference"],
                condition=models.Q(is_open=True, caseworker__isnull=True),
                name="case_unassigned_deadline",
            ),
            # An area's phase transfer cohort in its order (casework.selectors), a page at a time.
            models.Index(
                fields=["phase_transfer_year", "area", "phase_transfer_post16", "reference"],
                condition=models.Q(is_open=True),
                # and its progress counted from the index alone (PostgreSQL)
                include=["phase_transfer_amended_on"],
                name="case_open_transfer_order",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def needs_in_words(self) -> list[str]:
        """The child's needs, primary first, in the words the family reads."""
        return needs_in_words(self.needs)

    @property
    def days_to_next_deadline(self) -> int | None:
        if self.next_deadline_on is None:
            return None
        return (self.next_deadline_on - date.today()).days


class OpenCaseCount(models.Model):
    """How many open cases a caseworker, a team or an area has, and how many of an area's wait
    with no caseworker: read on every list and by every assignment decision, so kept rather
    than counted. Database triggers on the case table (migration 0006) change the counts in the
    same statement, and so the same transaction, as any change to a case's caseworker, team,
    area or open state, however it is made (`save`, `update`, bulk inserts); readers are in
    `cases.selectors` (`open_case_counts`)."""

    class Scope(models.TextChoices):
        CASEWORKER = "caseworker", "Caseworker"
        TEAM = "team", "Team"
        AREA = "area", "Area"
        AREA_UNASSIGNED = "area_unassigned", "Area, no caseworker"

    scope = models.CharField(max_length=20, choices=Scope.choices)
    scope_id = models.IntegerField()
    open_cases = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "scope_id"], name="cases_opencasecount_key")
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.scope_id}: {self.open_cases}"


class PhaseTransferCount(models.Model):
    """An area's open cases due to transfer phase in a year, and how many of their plans are
    amended for the move already (reg 18): the phase transfer page's progress line, kept rather
    than counting an area's 20,000 children on every page. Kept like `OpenCaseCount`, by
    triggers on the case table (migration 0012). "Amended" is the rule of
    `cases.deadlines.phase_transfer_met_q`, which the triggers' SQL repeats: a test checks the
    two against each other (tests/cases/test_phase_transfer_counts.py)."""

    area_id = models.IntegerField()
    year = models.PositiveSmallIntegerField()
    children = models.IntegerField(default=0)
    amended = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["area_id", "year"], name="cases_phasetransfercount_key")
        ]

    def __str__(self) -> str:
        return f"area {self.area_id}, {self.year}: {self.amended} of {self.children} amended"


class CaseEvent(models.Model):
    """An append-only line on the case timeline: who did what, when."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=40)
    summary = models.CharField(max_length=300)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    family_visible = models.BooleanField(default=False)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["case", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError("Case events are append-only")
        super().save(*args, **kwargs)


class CaseReferenceCounter(models.Model):
    year = models.PositiveSmallIntegerField(unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Document(models.Model):
    """An uploaded or generated file on a case: evidence, advice, letter, plan.

    Stored in private storage (never under the static root) and served only through a view
    that asks the access policy. `family_visible` decides whether the family tracker lists it.
    """

    class Kind(models.TextChoices):
        EVIDENCE = "evidence", "Evidence"
        ADVICE = "advice", "Advice"
        LETTER = "letter", "Letter"
        PLAN = "plan", "Plan"
        MINUTES = "minutes", "Minutes"
        ATTACHMENT = "attachment", "Message attachment"
        OTHER = "other", "Other"

    # The id people see in URLs: database ids never appear in family-facing links.
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to="documents/%Y/%m/")
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(default=0)
    family_visible = models.BooleanField(default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["case", "kind"])]

    def __str__(self) -> str:
        return self.title


class Message(models.Model):
    """One message in the thread between a family and the council on a case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="messages")
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_family = models.BooleanField(default=False)
    body = models.TextField()
    attachment = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["case", "created_at"])]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.body[:40]}"


class ExceptionReason(models.TextChoices):
    """The four reasons the council "need not comply with the time limit" (reg 10(4)).

    Applied to the 20-week limit by reg 13(3), to the 6-week decision by reg 5(4) and to advice
    by reg 8(2)."""

    SCHOOL_CLOSURE = (
        "school_closure",
        "(a) A school or post-16 institution was closed for at least 4 weeks when advice was asked",
    )
    EARLY_YEARS_CLOSURE = (
        "early_years_closure",
        "(b) An early years provider was closed for at least 4 weeks when advice was asked",
    )
    PERSONAL_CIRCUMSTANCES = (
        "personal_circumstances",
        "(c) Exceptional personal circumstances of the child, young person or parent",
    )
    ABSENCE = (
        "absence",
        "(d) The child, young person or parent was away from the area for at least 4 weeks",
    )


# Reasons that describe a closure or an absence, so their period must be at least 4 weeks.
FOUR_WEEK_REASONS = frozenset(
    {ExceptionReason.SCHOOL_CLOSURE, ExceptionReason.EARLY_YEARS_CLOSURE, ExceptionReason.ABSENCE}
)

# Deadlines a reg 10(4) exception can apply to.
EXCEPTABLE_KEYS: tuple[str, ...] = (
    "decision_to_assess",  # reg 5(4)
    "advice",  # reg 8(2)
    "decision_not_to_issue",  # reg 10(4)
    "final_plan",  # reg 13(3)
)


class DeadlineException(models.Model):
    """An exception to a statutory time limit, recorded against one deadline of a case.

    It never moves the due date: the deadline shows as "excepted" and reports count the case
    both with and without its exceptions (CoP 9.42-9.43: the family must be told).
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="deadline_exceptions")
    deadline_key = models.CharField(max_length=40)
    reason = models.CharField(max_length=30, choices=ExceptionReason.choices)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    evidence = models.TextField()
    family_told_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["recorded_at", "id"]
        indexes = [models.Index(fields=["deadline_key", "case"])]

    def __str__(self) -> str:
        return f"{self.case_id} {self.deadline_key}: {self.reason}"


class CouncilProfile(models.Model):
    """The council's own details, edited in the admin: every decision letter names how to reach
    the council, the independent mediation adviser and the SEND information, advice and support
    service (SENDIASS), because the family's rights to mediation and appeal run from the letter.
    One row; `CouncilProfile.current()` reads it."""

    name = models.CharField(max_length=120, default="The council")
    address = models.TextField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    website = models.URLField(blank=True)
    mediation_adviser_name = models.CharField(max_length=120, blank=True)
    mediation_adviser_phone = models.CharField(max_length=40, blank=True)
    mediation_adviser_email = models.EmailField(blank=True)
    mediation_adviser_website = models.URLField(blank=True)
    sendiass_name = models.CharField(
        max_length=120, blank=True, help_text="The SEND information, advice and support service"
    )
    sendiass_phone = models.CharField(max_length=40, blank=True)
    sendiass_email = models.EmailField(blank=True)
    sendiass_website = models.URLField(blank=True)
    # SEN2 header: the council's three-digit LA code and its designated officers in post.
    la_code = models.CharField(
        "LA code", max_length=3, blank=True, help_text="The three-digit DfE LA number, e.g. 383"
    )
    designated_medical_officer = models.CharField(
        "DMO", max_length=1, blank=True, choices=sen2_codes.LA_OFFICER
    )
    designated_clinical_officer = models.CharField(
        "DCO", max_length=1, blank=True, choices=sen2_codes.LA_OFFICER
    )
    designated_social_care_officer = models.CharField(
        "DSCO", max_length=1, blank=True, choices=sen2_codes.LA_OFFICER
    )
    logo = models.ImageField(
        upload_to="council/",
        blank=True,
        help_text="PNG or JPEG, up to 1 MB, shown at the top of letters",
    )
    # Used by assignment for a caseworker who has no assignment profile yet (full-time, at
    # this caseload); cases.assignment.rules.caseworker_capacity is the one capacity model.
    default_target_caseload = models.PositiveSmallIntegerField(
        "Default caseload for a full-time caseworker",
        default=40,
        help_text="Open cases; used when a caseworker has no assignment profile",
    )

    class Meta:
        verbose_name = "council profile"

    def __str__(self) -> str:
        return self.name

    def logo_data_uri(self) -> str:
        """The logo inline, for letters rendered to PDF (the file lives in private storage,
        which has no public URL); "" when there is none or it cannot be read."""
        if not self.logo:
            return ""
        import base64

        try:
            with self.logo.open("rb") as f:
                data = f.read()
        except OSError:
            return ""
        kind = "png" if data[:8] == b"\x89PNG\r\n\x1a\n" else "jpeg"
        return f"data:image/{kind};base64,{base64.b64encode(data).decode()}"

    @classmethod
    def current(cls) -> CouncilProfile:
        from django.conf import settings as django_settings

        profile, _ = cls.objects.get_or_create(
            pk=1, defaults={"name": django_settings.COUNCIL_NAME}
        )
        return profile
