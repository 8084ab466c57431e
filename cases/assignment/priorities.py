"""Case priority: recomputed on every event of a case and nightly for every open case."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from cases.assignment import rules
from cases.assignment.facts import priority_weights_load
from cases.models import Case
from families.models import Consent

if TYPE_CHECKING:
    from cases.workflow import Action


# Agencies involved: the parties the family has consented to share information with
# (educational psychology, health, social care, settings, others), not elected members.
AGENCY_FILTER = Q(child__consents__revoked_at__isnull=True) & ~Q(
    child__consents__party=Consent.Party.ELECTED_MEMBER
)


def consent_is_agency(consent: Consent) -> bool:
    """`AGENCY_FILTER` for a consent in hand (the demo's, made before they are written)."""
    return consent.revoked_at is None and consent.party != Consent.Party.ELECTED_MEMBER


def case_priority_refresh(
    *, case: Case, weights: dict[str, int] | None = None, today: date | None = None
) -> tuple[int, list[dict[str, Any]]]:
    """Recompute and store Case.priority and its reasons."""
    weights = priority_weights_load() if weights is None else weights
    agencies = (
        Consent.objects.filter(child_id=case.child_id, revoked_at__isnull=True)
        .exclude(party=Consent.Party.ELECTED_MEMBER)
        .values("party")
        .distinct()
        .count()
    )
    score, reasons = rules.case_priority(case, today=today, weights=weights, agencies=agencies)
    Case.objects.filter(pk=case.pk).update(priority=score, priority_reasons=reasons)
    case.priority, case.priority_reasons = score, reasons
    return score, reasons


def case_priority_after_transition(
    case: Case, action: Action, actor: Any, payload: dict[str, Any]
) -> None:
    """Workflow hook: every case event recomputes the case's priority."""
    case_priority_refresh(case=case)


def cases_priorities_recompute(*, batch_size: int = 2000, today: date | None = None) -> int:
    """The daily recompute: open cases in id-ordered batches, bulk-updating only what changed."""
    today = today or timezone.localdate()
    weights = priority_weights_load()
    changed = 0
    last_pk = 0
    while True:
        batch = list(
            Case.objects.filter(is_open=True, pk__gt=last_pk)
            .select_related("child")
            .annotate(agencies=Count("child__consents__party", filter=AGENCY_FILTER, distinct=True))
            .order_by("pk")[:batch_size]
        )
        if not batch:
            break
        last_pk = batch[-1].pk
        dirty = []
        for case in batch:
            score, reasons = rules.case_priority(
                case, today=today, weights=weights, agencies=case.agencies
            )
            if score != case.priority or reasons != case.priority_reasons:
                case.priority, case.priority_reasons = score, reasons
                dirty.append(case)
        if dirty:
            with transaction.atomic():
                Case.objects.bulk_update(dirty, ["priority", "priority_reasons"], batch_size=500)
            changed += len(dirty)
    changed += (
        Case.objects.filter(is_open=False)
        .exclude(priority=0)
        .update(priority=0, priority_reasons=[])
    )
    return changed
