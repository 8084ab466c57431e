"""Reading the access log: for one child (the family's page, the subject access bundle) and the
data protection officer's search.

The log names children by id only. Finding a child by name, and showing a child's name, belong
to the families app, which sits above this one: it registers how in its `AppConfig.ready`
(`child_lookup_register`), as the apps register their access rules with the portal's engine.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from ehcp_portal.accounts.models import COUNCIL_STAFF_ROLES, FAMILY_ROLES, Role, User
from ehcp_portal.audit.models import AccessRecord

# text → a queryset of the ids (`values("pk")`) of the children whose name matches it
ChildFinder = Callable[[str], QuerySet[Any]]
# child ids → their names
ChildNamer = Callable[[Collection[int]], dict[int, str]]

_child_finder: ChildFinder | None = None
_child_namer: ChildNamer | None = None


def child_lookup_register(*, find: ChildFinder, names: ChildNamer) -> None:
    global _child_finder, _child_namer
    _child_finder, _child_namer = find, names


def child_names(ids: Collection[int]) -> dict[int, str]:
    """One query for the names of the children on a page of the log."""
    if not ids or _child_namer is None:
        return {}
    return _child_namer(ids)


def access_records_for_child(child_id: int) -> QuerySet[AccessRecord]:
    """Every read of the child's record, by anyone, newest first (the subject access bundle)."""
    return AccessRecord.objects.filter(child_id=child_id).order_by("-at", "-id")


def access_records_seen_by_others(child_id: int) -> QuerySet[AccessRecord]:
    """What the family's "Who has seen your information" lists: reads by anyone but a family
    member (the family's own reads are theirs to know already)."""
    return access_records_for_child(child_id).exclude(role__in=FAMILY_ROLES)


# What the family is told about a reader who is not council staff, by role, when the record
# names no organisation.
_SOMEONE_FROM: dict[str, str] = {
    Role.SCHOOL: "Your child's school or setting",
    Role.ADVICE_GIVER: "A professional asked for advice",
    Role.PANEL_MEMBER: "A member of the council's SEN panel",
    Role.ELECTED_MEMBER: "A councillor",
}
_ROLE_LABELS: dict[str, str] = dict(Role.choices)


def reader_described(record: AccessRecord) -> tuple[str, str]:
    """(who, from where) as the family reads it: council staff by name and role (they act for
    the council); anyone else by the organisation they read for, never their own name."""
    role_label = _ROLE_LABELS.get(record.role, "")
    if record.role in COUNCIL_STAFF_ROLES:
        return (f"{record.user_name}, {role_label.lower()}", record.organisation or "The council")
    return (record.organisation or _SOMEONE_FROM.get(record.role, "Someone"), role_label)


@dataclass(frozen=True)
class AccessLogSearch:
    """The data protection officer's search: any combination, all optional."""

    child: str = ""  # a case reference, or words of the child's name
    reader: str = ""  # words of the reader's name or email address
    on_or_after: date | None = None
    on_or_before: date | None = None


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def access_records_search(search: AccessLogSearch) -> QuerySet[AccessRecord]:
    """The records matching the search, newest first. Each criterion is matched through an
    index: the case reference or the children found by name (child, at), the readers found by
    name or email (user, at), the period (at)."""
    records = AccessRecord.objects.all()
    if text := search.child.strip():
        by_child = Q(case_reference=text.upper())
        if _child_finder is not None:
            by_child |= Q(child_id__in=_child_finder(text))
        records = records.filter(by_child)
    if text := search.reader.strip():
        readers = Q()
        for word in text.split()[:4]:
            readers &= Q(full_name__icontains=word) | Q(email__icontains=word)
        records = records.filter(user_id__in=User.objects.filter(readers).values("pk"))
    if search.on_or_after:
        records = records.filter(at__gte=_start_of(search.on_or_after))
    if search.on_or_before:
        records = records.filter(at__lt=_start_of(search.on_or_before + timedelta(days=1)))
    return records.order_by("-at", "-id")
