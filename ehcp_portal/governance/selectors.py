"""Reads for the data protection officer's pages (fixed number of queries each)."""

from __future__ import annotations

from datetime import date

from django.db.models import Prefetch, Q, QuerySet

from cases.members.models import MemberEnquiry
from cases.models import Case
from ehcp_portal.governance.models import ErasureRecord, LegalHold, SubjectAccessBundle
from families.models import Child

SEARCH_LIMIT = 50


def children_search(*, text: str, date_of_birth: date | None) -> list[Child]:
    """Children matching a case reference, or every word of a name (start of first or last
    name), and the date of birth when given. Two queries: children, their cases."""
    children = Child.objects.all()
    if text:
        reference = text.upper()
        by_name = Q()
        for word in text.split()[:4]:
            by_name &= Q(first_name__istartswith=word) | Q(last_name__istartswith=word)
        children = children.filter(Q(cases__reference=reference) | by_name)
    if date_of_birth is not None:
        children = children.filter(date_of_birth=date_of_birth)
    ids = list(children.values_list("pk", flat=True).distinct()[:SEARCH_LIMIT])
    return list(
        Child.objects.filter(pk__in=ids)
        .order_by("last_name", "first_name", "pk")
        .prefetch_related(Prefetch("cases", queryset=Case.objects.order_by("received_on")))
    )


def bundles_recent(limit: int = 20) -> QuerySet[SubjectAccessBundle]:
    return SubjectAccessBundle.objects.select_related("child", "requested_by")[:limit]


def holds_active() -> QuerySet[LegalHold]:
    return (
        LegalHold.objects.filter(released_at__isnull=True)
        .select_related("child", "case", "set_by")
        .order_by("-set_at")
    )


def erasures_recent(limit: int = 50) -> QuerySet[ErasureRecord]:
    return ErasureRecord.objects.select_related("run_by")[:limit]


def member_enquiries_naming(child: Child) -> QuerySet[MemberEnquiry]:
    """A councillor's enquiries that name the child (name and date of birth) but were never
    matched to a case: matched ones are found through the case."""
    return MemberEnquiry.objects.filter(
        case__isnull=True,
        child_name__iexact=child.full_name,
        child_date_of_birth=child.date_of_birth,
    ).order_by("pk")
