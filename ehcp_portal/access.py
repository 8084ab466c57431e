"""The access policy: one place that answers "may this user see/do this to this object".

Every view and API endpoint asks here. Rules are expressed as queryset filters per action and
role, so a list page ("which cases may I see?") and a detail page ("may I see this case?") give
the same answer from the same rule and the check costs one query, whatever the data size.

Anything a user may not see does not exist for them: `case_or_404` raises Http404 (never 403),
so a reference typed into a URL reveals nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.http import Http404

from ehcp_portal.accounts.models import Role

if TYPE_CHECKING:
    from cases.models import Case
    from ehcp_portal.accounts.models import User

# Actions on a case.
CASE_VIEW = "case.view"  # the staff case page: everything on the case
CASE_WORK = "case.work"  # record events, move the stage, message the family
CASE_REASSIGN = "case.reassign"  # change the caseworker (managers)
CASE_TRACK = "case.track"  # the family-facing tracker: family parts only

NOTHING = Q(pk__in=[])


def _own_caseload_or_team(user: User) -> Q:
    q = Q(caseworker_id=user.pk)
    if user.team_id:
        q |= Q(team_id=user.team_id)
    return q


def _managers_area(user: User) -> Q:
    area_id = _area_id(user)
    return Q(area_id=area_id) if area_id else NOTHING


def _family(user: User) -> Q:
    return Q(child__memberships__user_id=user.pk)


def _area_id(user: User) -> int | None:
    if not user.team_id:
        return None
    cached = getattr(user, "_area_id_cache", None)
    if cached is None:
        from cases.models import Team

        cached = Team.objects.filter(pk=user.team_id).values_list("area_id", flat=True).first()
        user._area_id_cache = cached  # type: ignore[attr-defined]
    return cached


CaseRule = Callable[["User"], Q]

# action → role → filter. A role absent from an action's table may not do it at all.
CASE_RULES: dict[str, dict[str, CaseRule]] = {
    CASE_VIEW: {
        Role.CASEWORKER: _own_caseload_or_team,
        Role.TEAM_MANAGER: _managers_area,
    },
    CASE_WORK: {
        Role.CASEWORKER: _own_caseload_or_team,
        Role.TEAM_MANAGER: _managers_area,
    },
    CASE_REASSIGN: {
        Role.TEAM_MANAGER: _managers_area,
    },
    CASE_TRACK: {
        Role.PARENT: _family,
        Role.YOUNG_PERSON: _family,
    },
}


def register_case_rule(action: str, role: str, rule: CaseRule) -> None:
    """Let an app add who may see cases through it (e.g. panel members for their meetings)."""
    CASE_RULES.setdefault(action, {})[role] = rule


def case_filter(user: User, action: str) -> Q:
    if not user.is_authenticated or not user.is_active:
        return NOTHING
    rule = CASE_RULES.get(action, {}).get(user.role)
    return rule(user) if rule else NOTHING


def cases_for(user: User, action: str = CASE_VIEW) -> QuerySet[Case]:
    from cases.models import Case

    return Case.objects.filter(case_filter(user, action))


def may(user: User, action: str, case: Case) -> bool:
    if not user.is_authenticated:
        return False
    return cases_for(user, action).filter(pk=case.pk).exists()


def case_or_404(
    user: User, reference: str, action: str = CASE_VIEW, queryset: QuerySet[Case] | None = None
) -> Case:
    """The case with this reference if the user may do `action` to it; otherwise 404."""
    from cases.models import Case

    qs = queryset if queryset is not None else Case.objects.all()
    case = qs.filter(case_filter(user, action), reference=reference).first()
    if case is None:
        raise Http404("No such case")
    return case


def role_required(user: User, *roles: str) -> None:
    """Pages that belong to other roles do not exist for this user."""
    if not user.is_authenticated or user.role not in roles:
        raise Http404("Not found")


# -- Notifications (issue 6) ---------------------------------------------------------------------


def failed_notifications_filter(user: User) -> Q:
    """Who may see (and retry) failed deliveries: administrators all; a team manager those
    about their area's cases or to people in their area's teams."""
    if not user.is_authenticated or not user.is_active:
        return NOTHING
    if user.role == Role.ADMIN:
        return Q()
    if user.role == Role.TEAM_MANAGER:
        area_id = _area_id(user)
        if not area_id:
            return NOTHING
        return Q(case__area_id=area_id) | Q(recipient__team__area_id=area_id)
    return NOTHING


# -- Advice requests (issue 6) -------------------------------------------------------------------

ADVICE_VIEW = "advice.view"  # read the request (and the advice once given)
ADVICE_RESPOND = "advice.respond"  # submit or decline: only whoever it is addressed to


def advice_request_filter(user: User, action: str = ADVICE_VIEW) -> Q:
    """Advice givers (and parents or settings asked for advice) see only the requests addressed
    to them or to a team inbox they belong to; caseworkers and managers see the requests on
    the cases they may view. Everyone else sees none."""
    if not user.is_authenticated or not user.is_active:
        return NOTHING
    from cases.advice.models import AdviceTeam

    addressed = Q(addressee_id=user.pk) | Q(
        team_id__in=AdviceTeam.objects.filter(members=user).values("pk")
    )
    if action == ADVICE_RESPOND:
        return addressed
    if user.role in (Role.CASEWORKER, Role.TEAM_MANAGER):
        return Q(case__in=cases_for(user, CASE_VIEW).values("pk"))
    if user.role == Role.ADMIN:
        return NOTHING
    return addressed


def advice_request_or_404(user: User, public_id: object, action: str = ADVICE_VIEW):  # noqa: ANN201
    from cases.advice.models import AdviceRequest

    request = (
        AdviceRequest.objects.filter(advice_request_filter(user, action), public_id=public_id)
        .select_related("case", "case__child", "case__caseworker", "addressee", "team")
        .first()
    )
    if request is None:
        raise Http404("No such advice request")
    return request
