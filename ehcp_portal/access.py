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
    from cases.plans.models import Plan
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


# --- the EHC plan and settings ---


def plan_visible_to_setting(user: User, plan: Plan) -> bool:
    """May this school user read this plan? (seed 000 recommendation 5)

    Nothing from a plan reaches a setting before the draft is issued, and then only through:
    the statutory consultation route (an open Consultation of that setting, s.39(2)/s.40(2)),
    the family's recorded, unrevoked consent to share with that setting, or, once final, being
    the setting named in section I (which must admit the child, s.43).
    """
    if not user.is_authenticated or not user.is_active or user.role != Role.SCHOOL:
        return False
    if not user.setting_id or plan.status == "drafting":
        return False
    from cases.plans.models import Consultation
    from families.models import Consent

    if plan.status == "final" and plan.named_setting_id == user.setting_id:
        return True
    if Consultation.objects.filter(
        plan_id=plan.pk, setting_id=user.setting_id, closed_on__isnull=True
    ).exists():
        return True
    return Consent.objects.filter(
        child_id=plan.case.child_id,
        party=Consent.Party.SETTING,
        setting_id=user.setting_id,
        revoked_at__isnull=True,
    ).exists()


def plan_for_setting_or_404(user: User, reference: str) -> Plan:
    from cases.plans.models import Plan

    role_required(user, Role.SCHOOL)
    plan = (
        Plan.objects.select_related("case__child", "named_setting")
        .filter(case__reference=reference)
        .first()
    )
    if plan is None or not plan_visible_to_setting(user, plan):
        raise Http404("No such plan")
    return plan
