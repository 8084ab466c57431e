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


# Documents. Staff who may view a case see all its documents; the family (CASE_TRACK) sees only
# those marked family_visible; a file not yet on a case (evidence in a draft request) is seen by
# whoever may work on that draft. Anyone else gets 404, as for cases.
def documents_for(user: User) -> QuerySet:
    from cases.models import Document

    if not user.is_authenticated or not user.is_active:
        return Document.objects.none()
    q = Q(case__in=cases_for(user, CASE_VIEW).values("pk")) | Q(
        family_visible=True, case__in=cases_for(user, CASE_TRACK).values("pk")
    )
    drafts = drafts_for(user)
    if user.role in (Role.PARENT, Role.YOUNG_PERSON):
        # A parent invited to a school's request sees the school's files only if marked for them.
        q |= Q(case__isnull=True, request_drafts__in=drafts.exclude(route="school").values("pk"))
        q |= Q(case__isnull=True, uploaded_by_id=user.pk, request_drafts__in=drafts.values("pk"))
        q |= Q(
            case__isnull=True,
            family_visible=True,
            request_drafts__in=drafts.filter(route="school").values("pk"),
        )
    else:
        q |= Q(case__isnull=True, request_drafts__in=drafts.values("pk"))
    return Document.objects.filter(q).distinct()


def document_or_404(user: User, public_id: object) -> object:
    document = documents_for(user).filter(public_id=public_id).first()
    if document is None:
        raise Http404("No such document")
    return document


# Request drafts (the front door): the person who started one; for a school's request, the
# setting's staff and (for their own pages) the invited family; for a family's own request, every
# family member of the child. Submitted drafts stay visible so the confirmation page works.
def _draft_filter(user: User) -> Q:
    q = Q(created_by_id=user.pk)
    if user.role in (Role.PARENT, Role.YOUNG_PERSON):
        q |= Q(child__memberships__user_id=user.pk)
    elif user.role == Role.SCHOOL and user.setting_id:
        q |= Q(route="school", setting_id=user.setting_id)
    return q


def drafts_for(user: User) -> QuerySet:
    from families.models import RequestDraft

    if not user.is_authenticated or not user.is_active:
        return RequestDraft.objects.none()
    return RequestDraft.objects.filter(_draft_filter(user)).distinct()


def draft_or_404(user: User, public_id: object) -> object:
    draft = (
        drafts_for(user)
        .select_related("child", "case", "setting")
        .filter(public_id=public_id)
        .first()
    )
    if draft is None:
        raise Http404("No such request")
    return draft
