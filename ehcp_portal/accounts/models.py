from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone


class Role(models.TextChoices):
    PARENT = "parent", "Parent or carer"
    YOUNG_PERSON = "young_person", "Young person"
    SCHOOL = "school", "School or setting (SENCO)"
    ADVICE_GIVER = "advice_giver", "Advice giver"
    CASEWORKER = "caseworker", "Caseworker"
    TEAM_MANAGER = "team_manager", "Team manager"
    PANEL_MEMBER = "panel_member", "Panel member"
    ELECTED_MEMBER = "elected_member", "Elected member"
    # Oversees the whole council's SEND service: every area's figures and cases, ratification.
    HEAD_OF_SERVICE = "head_of_service", "Head of service"
    # Answers subject access requests, searches the access log, runs the retention schedule.
    DPO = "dpo", "Data protection officer"
    # Audits the quality of plans against the council's framework (cases.quality).
    QA_OFFICER = "qa_officer", "Quality assurance officer"
    ADMIN = "admin", "Administrator"


FAMILY_ROLES = frozenset({Role.PARENT, Role.YOUNG_PERSON})
COUNCIL_STAFF_ROLES = frozenset(
    {
        Role.CASEWORKER,
        Role.TEAM_MANAGER,
        Role.HEAD_OF_SERVICE,
        Role.DPO,
        Role.QA_OFFICER,
        Role.ADMIN,
    }
)
# Roles that hold other people's children's data: they must sign in with a second factor.
MFA_ROLES = frozenset(
    {
        Role.CASEWORKER,
        Role.TEAM_MANAGER,
        Role.PANEL_MEMBER,
        Role.ADVICE_GIVER,
        Role.ADMIN,
        Role.ELECTED_MEMBER,
        Role.SCHOOL,
        Role.HEAD_OF_SERVICE,
        Role.DPO,
        Role.QA_OFFICER,
    }
)


# A family the council holds no email address for (an assisted-digital family, one that gave
# only a phone number) still needs a unique sign-in name: an address in the `.invalid` domain
# (RFC 2606), which no mail system delivers. `User.has_email` is the one test for it.
NO_EMAIL_DOMAIN = "no-email.invalid"


class ContactChannel(models.TextChoices):
    """How someone prefers to hear from the council (the outbox chooses from what is held)."""

    EMAIL = "email", "Email"
    SMS = "sms", "Text message"
    POST = "post", "Letter by post"


class SignInCodeChannel(models.TextChoices):
    """A family's second factor: a one-time code by email or text (staff use TOTP)."""

    OFF = "", "No code (password only)"
    EMAIL = "email", "A code by email"
    SMS = "sms", "A code by text message"


class Discipline(models.TextChoices):
    EDUCATION = "education", "Education"
    EDUCATIONAL_PSYCHOLOGY = "ep", "Educational psychology"
    HEALTH = "health", "Health"
    SOCIAL_CARE = "social_care", "Social care"
    SENSORY = "sensory", "Sensory support (HI/VI)"
    OTHER = "other", "Other"


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True, role=Role.ADMIN)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PARENT)
    phone = models.CharField(max_length=40, blank=True)
    # Staff: the team (and through it the area) they work in.
    team = models.ForeignKey(
        "cases.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    # School users: the setting they work for. Advice givers: their service/organisation name.
    setting = models.ForeignKey(
        "cases.Setting", null=True, blank=True, on_delete=models.SET_NULL, related_name="staff"
    )
    organisation = models.CharField(max_length=150, blank=True)
    discipline = models.CharField(max_length=20, choices=Discipline.choices, blank=True)
    # Elected members: the ward or constituency they represent.
    ward = models.CharField("ward or constituency", max_length=100, blank=True)
    # Elected members who sit on the scrutiny board see the service's figures (aggregate only).
    scrutiny_board = models.BooleanField("sits on the scrutiny board", default=False)
    email_opt_in = models.BooleanField(
        "email me about non-statutory updates",
        default=True,
        help_text="Statutory notices are always sent.",
    )
    contact_channel = models.CharField(
        "how we contact you",
        max_length=5,
        choices=ContactChannel.choices,
        default=ContactChannel.EMAIL,
        help_text="Used when the council holds the address or number it needs.",
    )
    signin_code_channel = models.CharField(
        "sign-in code", max_length=5, choices=SignInCodeChannel.choices, blank=True, default=""
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        ordering = ["full_name", "email"]
        indexes = [models.Index(fields=["role", "team"])]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def is_family(self) -> bool:
        return self.role in FAMILY_ROLES

    @property
    def has_email(self) -> bool:
        return bool(self.email) and not self.email.endswith("@" + NO_EMAIL_DOMAIN)

    @property
    def needs_mfa(self) -> bool:
        return self.role in MFA_ROLES or self.is_staff


class SignInCode(models.Model):
    """A one-time sign-in code sent to a family member (their second factor).

    Only a keyed hash of the code is stored (`ehcp_portal.accounts.codes`): six digits are too
    few for a plain hash to protect them if the table were read.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="signin_codes")
    code_hash = models.CharField(max_length=128)
    channel = models.CharField(max_length=5, choices=SignInCodeChannel.choices)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    wrong_attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["user", "created_at"])]

    def __str__(self) -> str:
        return f"Sign-in code for {self.user_id} ({self.channel})"
