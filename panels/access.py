"""Who may see a panel meeting, its papers and its decisions; registered with the access policy's
engine by `PanelsConfig.ready`.

Panel members see a meeting only if they sit on it (or chair it), and its papers only once the
agenda is published. Team managers oversee the meetings of their area (agenda, decisions,
minutes, ratification) but read papers only if they sit on the meeting. Families, schools,
advice givers, elected members and caseworkers see no meeting at all.

A decision of a meeting that was not quorate is ratified only from inside its own area: by a
team manager of the area, or by the chair of a later quorate meeting of the same panel type in
the same area; or by the head of service, who answers for every area (issue 14: a chair of
another area's panel could see and ratify it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet

from ehcp_portal import access
from ehcp_portal.accounts.models import Role
from panels.models import Decision, Declaration, Meeting, MeetingMember

if TYPE_CHECKING:
    from ehcp_portal.accounts.models import User

MEETING = "meeting"
MEETING_VIEW = "meeting.view"  # the meeting page: date, members, agenda, decisions
MEETING_PAPERS = "meeting.papers"  # the panel papers and their evidence
MEETING_CHAIR = "meeting.chair"  # build and publish the agenda, mark attendance, close
MEETING_MINUTES = "meeting.minutes"  # download the minutes

DECISION = "panel_decision"
DECISION_RATIFY = "panel_decision.ratify"  # ratify a decision of a meeting that was not quorate

PANEL_ROLES = (Role.PANEL_MEMBER, Role.TEAM_MANAGER)


def _sits_on(user: User) -> Q:
    return Q(chair_id=user.pk) | Q(
        pk__in=MeetingMember.objects.filter(user_id=user.pk).values("meeting_id")
    )


def _oversees(user: User) -> Q:
    area_id = access.user_area_id(user)
    return Q(area_id=area_id) if area_id else access.NOTHING


def _chairs(user: User) -> Q:
    return Q(chair_id=user.pk)


def _sits_on_published(user: User) -> Q:
    return _sits_on(user) & ~Q(status=Meeting.Status.DRAFT)


def _decision_in_managed_area(user: User) -> Q:
    area_id = access.user_area_id(user)
    return Q(item__meeting__area_id=area_id) if area_id else access.NOTHING


def _decision_before_a_quorate_meeting_chaired(user: User) -> Q:
    later_quorate_chaired = Meeting.objects.filter(
        chair_id=user.pk,
        quorate=True,
        status__in=[Meeting.Status.HELD, Meeting.Status.CLOSED],
        panel_type_id=OuterRef("item__meeting__panel_type_id"),
        area_id=OuterRef("item__meeting__area_id"),
        date__gt=OuterRef("item__meeting__date"),
    )
    return Q(Exists(later_quorate_chaired))


def _council_wide(user: User) -> Q:
    # The head of service answers for the whole council's service, every area.
    return Q()


def register() -> None:
    access.subject_register(MEETING, Meeting)
    for action in (MEETING_VIEW, MEETING_MINUTES):
        access.rule_register(MEETING, action, _sits_on, roles=PANEL_ROLES)
        access.rule_register(MEETING, action, _oversees, roles=[Role.TEAM_MANAGER])
    access.rule_register(MEETING, MEETING_CHAIR, _chairs, roles=PANEL_ROLES)
    access.rule_register(MEETING, MEETING_PAPERS, _sits_on_published, roles=PANEL_ROLES)
    access.subject_register(DECISION, Decision)
    access.rule_register(
        DECISION, DECISION_RATIFY, _decision_in_managed_area, roles=[Role.TEAM_MANAGER]
    )
    access.rule_register(
        DECISION, DECISION_RATIFY, _decision_before_a_quorate_meeting_chaired, roles=PANEL_ROLES
    )
    access.rule_register(DECISION, DECISION_RATIFY, _council_wide, roles=[Role.HEAD_OF_SERVICE])


def meetings_for(user: User, action: str = MEETING_VIEW) -> QuerySet[Meeting]:
    return access.objects_for(user, MEETING, action)


def decisions_ratifiable_by(user: User) -> QuerySet[Decision]:
    """Decisions this user may ratify, whether or not they still need it."""
    return access.objects_for(user, DECISION, DECISION_RATIFY)


def meeting_or_404(
    user: User, pk: int, action: str = MEETING_VIEW, queryset: QuerySet[Meeting] | None = None
) -> Meeting:
    meeting: Meeting = access.object_or_404(user, MEETING, action, queryset, pk=pk)
    return meeting


def panel_conflict(user: User, item_id: int) -> bool:
    """A member who declared an interest in an agenda item may not record its decision."""
    return Declaration.objects.filter(item_id=item_id, member_id=user.pk).exists()
