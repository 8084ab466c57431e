"""Recording a read of a child's record. Every view, API endpoint and export that shows a child's
record calls `access_record` once per read."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest

from ehcp_portal.audit.models import AccessKind, AccessRecord, Channel

if TYPE_CHECKING:
    from ehcp_portal.accounts.models import User


def organisation_of(user: User) -> str:
    """What the family is told the reader belongs to: the council team, the school, the advice
    service, the panel, the councillor's ward."""
    if user.organisation:
        return user.organisation
    if user.setting_id:
        return str(user.setting)
    if user.team_id:
        return str(user.team)
    if user.ward:
        return f"Councillor, {user.ward}"
    return ""


def access_record(
    user: User | None,
    *,
    kind: AccessKind | str,
    case: Any = None,
    child_id: int | None = None,
    object_ref: str = "",
    request: HttpRequest | None = None,
    channel: Channel | str = Channel.WEB,
    system: str = "",
    system_organisation: str = "",
) -> AccessRecord:
    """`user` is the person who read; a council system reading through the API has no person,
    so it passes user=None and its own name (`system`) and organisation instead."""
    route = ""
    path = ""
    if request is not None:
        match = getattr(request, "resolver_match", None)
        route = match.view_name if match is not None else ""
        path = request.path[:500]
    return AccessRecord.objects.create(
        user=user,
        user_name=(user.get_full_name() if user is not None else system)[:150],
        role=user.role if user is not None else "system",
        organisation=(organisation_of(user) if user is not None else system_organisation)[:200],
        child_id=child_id if child_id is not None else getattr(case, "child_id", None),
        case_id=getattr(case, "pk", None),
        case_reference=str(getattr(case, "reference", ""))[:40],
        kind=kind,
        object_ref=object_ref[:200],
        route=route[:120],
        path=path,
        channel=channel,
    )


def access_records_many(
    user: User | None,
    *,
    cases: list[Any],
    kind: AccessKind | str,
    request: HttpRequest | None = None,
    channel: Channel | str = Channel.WEB,
    system: str = "",
    system_organisation: str = "",
) -> None:
    """One line per case for a page that lists children's records (an API page of cases), in one
    insert."""
    if not cases:
        return
    match = getattr(request, "resolver_match", None) if request is not None else None
    route = (match.view_name if match is not None else "")[:120]
    path = request.path[:500] if request is not None else ""
    name = (user.get_full_name() if user is not None else system)[:150]
    role = user.role if user is not None else "system"
    organisation = (organisation_of(user) if user is not None else system_organisation)[:200]
    AccessRecord.objects.bulk_create(
        AccessRecord(
            user=user,
            user_name=name,
            role=role,
            organisation=organisation,
            child_id=case.child_id,
            case_id=case.pk,
            case_reference=str(case.reference)[:40],
            kind=kind,
            route=route,
            path=path,
            channel=channel,
        )
        for case in cases
    )
