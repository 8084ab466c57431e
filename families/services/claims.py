"""Assisted digital: the one-time claim code on the family's letter, and claiming a case."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cases.models import Case
from cases.services import case_event_record
from ehcp_portal.accounts.models import Role, User
from families.models import ClaimCode, FamilyMembership

CLAIM_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L
CLAIM_CODE_LENGTH = 12
CLAIM_CODE_DAYS = 90
CLAIM_MAX_FAILURES = 5


class ClaimRefused(Exception):
    pass


# --- Assisted digital: claim codes ---------------------------------------------------------------


def _code_normalise(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def _code_hash(code: str) -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(), _code_normalise(code).encode(), hashlib.sha256
    ).hexdigest()


@transaction.atomic
def claim_code_issue(*, case: Case, user: User) -> str:
    """A new one-time code for the family's letter; any earlier unused code stops working."""
    now = timezone.now()
    ClaimCode.objects.filter(case=case, used_at__isnull=True, voided_at__isnull=True).update(
        voided_at=now
    )
    code = "".join(secrets.choice(CLAIM_CODE_ALPHABET) for _ in range(CLAIM_CODE_LENGTH))
    ClaimCode.objects.create(
        case=case,
        code_hash=_code_hash(code),
        created_by=user,
        expires_at=now + timedelta(days=CLAIM_CODE_DAYS),
    )
    case_event_record(
        case=case,
        kind="claim_code_issued",
        summary="A claim code was issued for the family's letter",
        actor=user,
    )
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


CLAIM_REFUSED = (
    "The reference, claim code and date of birth do not match a request we hold, or the code "
    "has expired. Check the letter, or contact us for a new code."
)


def case_claim(*, user: User, reference: str, code: str, date_of_birth: date) -> Case:
    """Link a family account to an assisted-digital case. Every failure gives the same message,
    so the form reveals nothing about which part was wrong."""
    now = timezone.now()
    with transaction.atomic():
        case = Case.objects.select_related("child").filter(reference=reference.upper()).first()
        claim = None
        if case is not None:
            claim = (
                ClaimCode.objects.select_for_update()
                .filter(case=case, used_at__isnull=True, voided_at__isnull=True, expires_at__gt=now)
                .order_by("-created_at")
                .first()
            )
        if claim is None or case is None:
            raise ClaimRefused(CLAIM_REFUSED)
        matches = hmac.compare_digest(claim.code_hash, _code_hash(code)) and (
            case.child.date_of_birth == date_of_birth
        )
        if not matches:
            claim.failed_attempts += 1
            fields = ["failed_attempts"]
            if claim.failed_attempts >= CLAIM_MAX_FAILURES:
                claim.voided_at = now  # guessing stops here: the family asks for a new letter
                fields.append("voided_at")
            claim.save(update_fields=fields)
            failed = True
        else:
            failed = False
            claim.used_at, claim.used_by = now, user
            claim.save(update_fields=["used_at", "used_by"])
            relationship = (
                FamilyMembership.Relationship.SELF
                if user.role == Role.YOUNG_PERSON
                else FamilyMembership.Relationship.PARENT
            )
            FamilyMembership.objects.get_or_create(
                user=user, child=case.child, defaults={"relationship": relationship}
            )
            case_event_record(
                case=case,
                kind="family_claimed",
                summary="The family linked the request to their online account",
                actor=user,
                family_visible=True,
            )
    if failed:
        raise ClaimRefused(CLAIM_REFUSED)
    return case
