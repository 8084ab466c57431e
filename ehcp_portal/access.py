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
from uuid import UUID

from django.db.models import Q, QuerySet
from django.http import Http404

from ehcp_portal.accounts.models import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from cases.advice.models import AdviceRequest
    from cases.models import Case, Document
    from cases.plans.models import Plan
    from ehcp_portal.accounts.models import User
    from families.models import RequestDraft
    from panels.models import Meeting

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


def case_filter(user: User | AnonymousUser, action: str) -> Q:
    if not user.is_authenticated or not user.is_active:
        return NOTHING
    rule = CASE_RULES.get(action, {}).get(user.role)
    return rule(user) if rule else NOTHING


def cases_for(user: User | AnonymousUser, action: str = CASE_VIEW) -> QuerySet[Case]:
    from cases.models import Case

    return Case.objects.filter(case_filter(user, action))


def may(user: User, action: str, case: Case) -> bool:
    if not user.is_authenticated:
        return False
    return cases_for(user, action).filter(pk=case.pk).exists()


def case_or_404(
    user: User | AnonymousUser,
    reference: str,
    action: str = CASE_VIEW,
    queryset: QuerySet[Case] | None = None,
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


# --- Panels -----------------------------------------------------------------------------------
# Panel members see a meeting only if they sit on it (or chair it), and its papers only once the
# agenda is published. Team managers oversee the meetings of their area (agenda, decisions,
# minutes, ratification) but read papers only if they sit on the meeting. Families, schools,
# advice givers, elected members and caseworkers see no meeting at all.
MEETING_VIEW = "meeting.view"  # the meeting page: date, members, agenda, decisions
MEETING_PAPERS = "meeting.papers"  # the panel papers and their evidence
MEETING_CHAIR = "meeting.chair"  # build and publish the agenda, mark attendance, close
MEETING_MINUTES = "meeting.minutes"  # download the minutes
MEETING_RATIFY = "meeting.ratify"  # ratify decisions of a meeting that was not quorate

PANEL_ROLES = frozenset({Role.PANEL_MEMBER, Role.TEAM_MANAGER})


def _sits_on(user: User) -> Q:
    from panels.models import MeetingMember

    return Q(chair_id=user.pk) | Q(
        pk__in=MeetingMember.objects.filter(user_id=user.pk).values("meeting_id")
    )


def meeting_filter(user: User, action: str) -> Q:
    from panels.models import Meeting

    if not user.is_authenticated or not user.is_active or user.role not in PANEL_ROLES:
        return NOTHING
    if action == MEETING_CHAIR:
        return Q(chair_id=user.pk)
    if action == MEETING_PAPERS:
        return _sits_on(user) & ~Q(status=Meeting.Status.DRAFT)
    oversees = NOTHING
    if user.role == Role.TEAM_MANAGER:
        area_id = _area_id(user)
        oversees = Q(area_id=area_id) if area_id else NOTHING
    if action in (MEETING_VIEW, MEETING_MINUTES):
        return _sits_on(user) | oversees
    if action == MEETING_RATIFY:
        # Team managers of the area; chairs of later quorate meetings are checked per decision.
        return oversees
    return NOTHING


def meetings_for(user: User, action: str = MEETING_VIEW) -> QuerySet:
    from panels.models import Meeting

    return Meeting.objects.filter(meeting_filter(user, action))


def meeting_or_404(
    user: User, pk: int, action: str = MEETING_VIEW, queryset: QuerySet[Meeting] | None = None
) -> Meeting:
    from panels.models import Meeting

    qs = queryset if queryset is not None else Meeting.objects.all()
    meeting = qs.filter(meeting_filter(user, action), pk=pk).first()
    if meeting is None:
        raise Http404("No such meeting")
    return meeting


def panel_conflict(user: User, item_id: int) -> bool:
    """A member who declared an interest in an agenda item may not record its decision."""
    from panels.models import Declaration

    return Declaration.objects.filter(item_id=item_id, member_id=user.pk).exists()


# --- Elected members' queries (issue 9) -------------------------------------------------------

# A member sees a case's stage and next statutory date only while the family consents to that
# member's involvement (Scrutiny Board recommendation 5) and the case is one their query was
# matched to. Withdrawing consent takes effect on the next page load: nothing is copied.
CASE_MEMBER = "case.member"


def _member_with_consent(user: User) -> Q:
    from django.db.models import Exists, OuterRef

    from cases.members.models import MemberEnquiry
    from families.models import Consent

    consented = Consent.objects.filter(
        child_id=OuterRef("child_id"),
        party=Consent.Party.ELECTED_MEMBER,
        member_id=user.pk,
        revoked_at__isnull=True,
    )
    linked = MemberEnquiry.objects.filter(case_id=OuterRef("pk"), member_id=user.pk)
    return Q(Exists(consented)) & Q(Exists(linked))


register_case_rule(CASE_MEMBER, Role.ELECTED_MEMBER, _member_with_consent)

# Actions on a member enquiry.
ENQUIRY_OWN = "member_enquiry.own"  # the member who raised it: status, officer, reply
ENQUIRY_HANDLE = "member_enquiry.handle"  # council side: read, reply, close
ENQUIRY_TRIAGE = "member_enquiry.triage"  # council side: match to a case, route, assign

if TYPE_CHECKING:
    from cases.members.models import MemberEnquiry


def _own_enquiries(user: User) -> Q:
    return Q(member_id=user.pk)


def _area_or_unrouted_enquiries(user: User) -> Q:
    # One inbox for all member queries: a query not yet routed to an area is every manager's.
    area_id = _area_id(user)
    q = Q(area__isnull=True)
    return q | Q(area_id=area_id) if area_id else q


def _assigned_enquiries(user: User) -> Q:
    return Q(assigned_officer_id=user.pk)


ENQUIRY_RULES: dict[str, dict[str, CaseRule]] = {
    ENQUIRY_OWN: {Role.ELECTED_MEMBER: _own_enquiries},
    ENQUIRY_HANDLE: {
        Role.TEAM_MANAGER: _area_or_unrouted_enquiries,
        Role.CASEWORKER: _assigned_enquiries,
    },
    ENQUIRY_TRIAGE: {Role.TEAM_MANAGER: _area_or_unrouted_enquiries},
}


def member_enquiry_filter(user: User, action: str) -> Q:
    if not user.is_authenticated or not user.is_active:
        return NOTHING
    rule = ENQUIRY_RULES.get(action, {}).get(user.role)
    return rule(user) if rule else NOTHING


def member_enquiries_for(user: User, action: str) -> QuerySet[MemberEnquiry]:
    from cases.members.models import MemberEnquiry

    return MemberEnquiry.objects.filter(member_enquiry_filter(user, action))


def member_enquiry_or_404(
    user: User, public_id: UUID | str, action: str, queryset: QuerySet[MemberEnquiry] | None = None
) -> MemberEnquiry:
    """The enquiry with this public id if the user may do `action` to it; otherwise 404."""
    from cases.members.models import MemberEnquiry

    qs = queryset if queryset is not None else MemberEnquiry.objects.all()
    enquiry = qs.filter(member_enquiry_filter(user, action), public_id=public_id).first()
    if enquiry is None:
        raise Http404("No such query")
    return enquiry


def managed_area_id_or_404(user: User) -> int:
    """Area-wide pages (unassigned queue, rebalancing, cohort import) belong to team managers,
    for the area of their own team; for anyone else they do not exist."""
    role_required(user, Role.TEAM_MANAGER)
    area_id = _area_id(user)
    if not area_id:
        raise Http404("Not found")
    return area_id


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
    q |= _own_advice_attachments(user)
    return Document.objects.filter(q).distinct()


def _own_advice_attachments(user: User) -> Q:
    """Whoever gave a piece of advice (reg 6) may read back the files they sent with it: the
    person who submitted it, or anyone the request is addressed to (named or team inbox).
    Staff already see them through CASE_VIEW; families through family_visible only."""
    if user.role in (Role.CASEWORKER, Role.TEAM_MANAGER, Role.ADMIN):
        return NOTHING
    from cases.advice.models import AdviceRequest

    answered = AdviceRequest.objects.filter(
        advice_request_filter(user, ADVICE_RESPOND) | Q(responded_by_id=user.pk)
    )
    return Q(
        pk__in=AdviceRequest.attachments.through.objects.filter(
            advicerequest__in=answered.values("pk")
        ).values("document_id")
    )


def document_or_404(user: User, public_id: UUID | str) -> Document:
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


def drafts_for(user: User) -> QuerySet[RequestDraft]:
    from families.models import RequestDraft

    if not user.is_authenticated or not user.is_active:
        return RequestDraft.objects.none()
    return RequestDraft.objects.filter(_draft_filter(user)).distinct()


def draft_or_404(user: User, public_id: UUID | str) -> RequestDraft:
    draft = (
        drafts_for(user)
        .select_related("child", "case", "setting")
        .filter(public_id=public_id)
        .first()
    )
    if draft is None:
        raise Http404("No such request")
    return draft


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


def advice_request_or_404(
    user: User, public_id: UUID | str, action: str = ADVICE_VIEW
) -> AdviceRequest:
    from cases.advice.models import AdviceRequest

    request = (
        AdviceRequest.objects.filter(advice_request_filter(user, action), public_id=public_id)
        .select_related("case", "case__child", "case__caseworker", "addressee", "team")
        .first()
    )
    if request is None:
        raise Http404("No such advice request")
    return request


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
