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
    user: User,
    *,
    kind: AccessKind | str,
    case: Any = None,
    child_id: int | None = None,
    object_ref: str = "",
    request: HttpRequest | None = None,
    channel: Channel | str = Channel.WEB,
) -> AccessRecord:
    route = ""
    path = ""
    if request is not None:
        match = getattr(request, "resolver_match", None)
        route = match.view_name if match is not None else ""
        path = request.path[:500]
    return AccessRecord.objects.create(
        user=user,
        user_name=user.get_full_name()[:150],
        role=user.role,
        organisation=organisation_of(user)[:200],
        child_id=child_id if child_id is not None else getattr(case, "child_id", None),
        case_id=getattr(case, "pk", None),
        case_reference=str(getattr(case, "reference", ""))[:40],
        kind=kind,
        object_ref=object_ref[:200],
        route=route[:120],
        path=path,
        channel=channel,
    )
