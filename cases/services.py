"""Writes on cases. Every state change appends a timeline event with actor and time."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import models, transaction

from cases.models import Case, CaseEvent, CaseReferenceCounter

if TYPE_CHECKING:
    from ehcp_portal.accounts.models import User


def case_reference_next(*, year: int) -> str:
    """A human reference, EHC-2026-000123: per-year counter, gap-free under concurrency."""
    with transaction.atomic():
        counter, _ = CaseReferenceCounter.objects.select_for_update().get_or_create(year=year)
        CaseReferenceCounter.objects.filter(pk=counter.pk).update(last=models.F("last") + 1)
        counter.refresh_from_db(fields=["last"])
        return f"EHC-{year}-{counter.last:06d}"


def case_event_record(
    *,
    case: Case,
    kind: str,
    summary: str,
    actor: User | None = None,
    family_visible: bool = False,
    data: dict[str, Any] | None = None,
) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        kind=kind,
        summary=summary,
        actor=actor,
        family_visible=family_visible,
        data=data or {},
    )


def case_refresh_deadline(*, case: Case, today: date | None = None) -> None:
    """Denormalise the next statutory deadline so caseload lists sort and filter at scale."""
    from cases.deadlines import next_deadline

    upcoming = next_deadline(case, today=today)
    case.next_deadline_key = upcoming.key if upcoming else ""
    case.next_deadline_on = upcoming.due if upcoming else None
