"""Writes by the data protection officer: legal holds."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from cases.models import Case
from ehcp_portal.governance.models import LegalHold

if TYPE_CHECKING:
    from ehcp_portal.accounts.models import User


@transaction.atomic
def legal_hold_set(*, case: Case, reason: str, actor: User) -> LegalHold:
    """Keep the child's whole record (every case, the log of who read it) until released."""
    existing = (
        LegalHold.objects.select_for_update().filter(case=case, released_at__isnull=True).first()
    )
    if existing is not None:
        return existing  # a repeated submission sets one hold
    return LegalHold.objects.create(case=case, child_id=case.child_id, reason=reason, set_by=actor)


@transaction.atomic
def legal_hold_release(*, hold: LegalHold, actor: User) -> LegalHold:
    locked = LegalHold.objects.select_for_update().get(pk=hold.pk)
    if locked.released_at is None:
        locked.released_at = timezone.now()
        locked.released_by = actor
        locked.save(update_fields=["released_at", "released_by"])
    return locked
