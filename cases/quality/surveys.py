"""Feedback at decision points: after each decision and at plan issue the family (and the school
that asked for the assessment) is invited to a short, optional survey.

Anonymous by construction: the invitation records who was asked and that they answered; the
answer (SurveyResponse) holds the area, the decision point and the month, and no link to the
invitation, the case or the person. So nobody who reads the answers, caseworker or manager, can
tell who wrote one, and a family sees only their own invitations.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from cases.quality.models import DecisionPoint, RespondentKind, SurveyInvitation, SurveyResponse
from cases.quality.selectors import month_start
from ehcp_portal.accounts.models import Role
from families.models import FamilyMembership
from notifications.services import notification_queue

if TYPE_CHECKING:
    from cases.models import Case
    from cases.workflow import Action, LetterSent

# The workflow's decisions after which the family is asked how it went.
DECISION_POINT_OF_ACTION: dict[str, str] = {
    "agree_to_assess": DecisionPoint.DECISION_TO_ASSESS,
    "refuse_to_assess": DecisionPoint.DECISION_TO_ASSESS,
    "agree_to_issue": DecisionPoint.DECISION_TO_ISSUE,
    "refuse_to_issue": DecisionPoint.DECISION_TO_ISSUE,
    "issue_final": DecisionPoint.PLAN_ISSUED,
}

SCALE = [
    (5, "Very good"),
    (4, "Good"),
    (3, "Neither good nor poor"),
    (2, "Poor"),
    (1, "Very poor"),
]


def survey_after_transition(case: Case, action: Action, actor: Any, data: dict[str, Any]) -> None:
    """A decision without a letter (the final plan, which goes with its own PDF) invites at
    once; a decision with a letter invites when the letter exists (`survey_after_letter`), so a
    family is never asked how a decision went before they can read it."""
    if action.letter:
        return
    point = DECISION_POINT_OF_ACTION.get(action.name)
    if point is not None:
        surveys_invite(case=case, decision_point=point)


def survey_after_letter(sent: LetterSent) -> None:
    """The decision's letter is on the case (made in the request or by the worker): invite."""
    point = DECISION_POINT_OF_ACTION.get(sent.letter)
    if point is not None:
        surveys_invite(case=sent.case, decision_point=point)


def surveys_invite(*, case: Case, decision_point: str) -> list[SurveyInvitation]:
    """Invite each family member (and the school that made the request) once per decision."""
    people: list[tuple[Any, str]] = [
        (m.user, RespondentKind.FAMILY)
        for m in FamilyMembership.objects.filter(child_id=case.child_id).select_related("user")
    ]
    requester = case.requested_by if case.requested_by_id else None
    if requester is not None and requester.role == Role.SCHOOL:
        people.append((requester, RespondentKind.SCHOOL))
    invited = []
    label = DecisionPoint(decision_point).label.lower()
    for person, kind in people:
        try:
            with transaction.atomic():
                invitation = SurveyInvitation.objects.create(
                    case=case,
                    respondent=person,
                    respondent_kind=kind,
                    decision_point=decision_point,
                )
        except IntegrityError:
            continue  # asked already for this decision
        invited.append(invitation)
        notification_queue(
            recipient=person,
            purpose="survey_invitation",
            event_key=f"survey:{invitation.pk}",
            subject="How did we do? A short survey (optional)",
            body=(
                f"We have made a {label} for {case.reference}. Tell us how it went in a short "
                "survey of 3 questions. It is optional and anonymous: the caseworker will not "
                "see who answered."
            ),
            link=reverse("quality:survey", args=[invitation.token]),
            case=case,
        )
    return invited


class SurveyAnswered(Exception):
    pass


def survey_answer(
    *,
    invitation: SurveyInvitation,
    satisfaction: int | None,
    listened_to: int | None,
    clear: int | None,
    comment: str,
) -> None:
    """Record one anonymous answer and mark the invitation answered, in one transaction, so a
    second submission (another tab, a double click) adds nothing."""
    with transaction.atomic():
        locked = (
            SurveyInvitation.objects.select_for_update()
            .select_related("case")
            .get(pk=invitation.pk)
        )
        if locked.answered:
            raise SurveyAnswered
        locked.answered = True
        locked.save(update_fields=["answered"])
        SurveyResponse.objects.create(
            area_id=locked.case.area_id,
            decision_point=locked.decision_point,
            respondent_kind=locked.respondent_kind,
            month=month_start(timezone.localdate()),
            satisfaction=satisfaction,
            listened_to=listened_to,
            clear=clear,
            comment=comment,
        )
