"""The family's side of the draft: comments on the draft or on proposed amendments, their
response (preferred setting, meeting), and the meeting they asked for."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from cases.models import Setting
from cases.plans.models import FamilyResponse, Plan, PlanComment
from cases.plans.sections import SECTION_KEYS
from cases.plans.versions import PlanError, clean_text
from cases.services import case_event_record
from cases.statutory import amendment_comments_last_day
from cases.workflow import TransitionRefused, case_transition

if TYPE_CHECKING:
    from ehcp_portal.accounts.models import User


def amendment_comments_open(plan: Plan, on: date | None = None) -> Any:
    """The review whose proposed amendments the family may comment on today, if any."""
    on = on or timezone.localdate()
    review = (
        plan.reviews.filter(decision="amend", amended_issued_on__isnull=True)
        .exclude(amendments_sent_on__isnull=True)
        .first()
    )
    # reg 22(2): at least 15 days beginning with the day the amendments were sent.
    if (
        review
        and review.amendments_sent_on
        and on <= amendment_comments_last_day(review.amendments_sent_on)
    ):
        return review
    return None


def _require_draft_open(plan: Plan) -> None:
    if plan.status != Plan.Status.DRAFT_ISSUED:
        raise PlanError("The draft plan is not open for comments.")


@transaction.atomic
def plan_comment_add(*, plan: Plan, section: str, body: str, author: User) -> PlanComment:
    amending = amendment_comments_open(plan) if plan.status == Plan.Status.FINAL else None
    if amending is None:
        _require_draft_open(plan)
    body = clean_text(body)
    if section not in SECTION_KEYS:
        raise PlanError("Choose the section your comment is about.")
    if not body:
        raise PlanError("Enter your comment.")
    version = amending.proposed_version if amending else plan.draft_version
    comment = PlanComment.objects.create(
        plan=plan, version=version or 0, section=section, body=body, author=author
    )
    case_event_record(
        case=plan.case,
        kind="plan_comment",
        summary=(
            f"You commented on section {section} of the "
            + ("proposed amendments" if amending else "draft plan")
        ),
        actor=author,
        family_visible=True,
    )
    return comment


@transaction.atomic
def plan_family_respond(
    *,
    plan: Plan,
    actor: User,
    preferred_setting: Setting | None,
    preference_reasons: str = "",
    wants_meeting: bool = False,
    share_with_setting: bool = False,
    on: date | None = None,
) -> FamilyResponse:
    """The family's response to the draft: ends their window early (reg 13(1), s.38(2)).

    `share_with_setting` records the family's consent to share the plan with the setting they
    asked for; without it, that setting sees the plan only if it is consulted (s.39(2)/s.40(2);
    docs/requirements.md R4).
    """
    from families.models import Consent

    _require_draft_open(plan)
    on = on or timezone.localdate()
    if share_with_setting and preferred_setting is not None:
        already = Consent.objects.filter(
            child_id=plan.case.child_id,
            party=Consent.Party.SETTING,
            setting=preferred_setting,
            revoked_at__isnull=True,
        ).exists()
        if not already:
            Consent.objects.create(
                child_id=plan.case.child_id,
                party=Consent.Party.SETTING,
                setting=preferred_setting,
                detail="The EHC plan, given with the response to the draft plan",
                given_by=actor,
            )
    response = FamilyResponse.objects.create(
        plan=plan,
        version=plan.draft_version or 0,
        preferred_setting=preferred_setting,
        preference_reasons=clean_text(preference_reasons),
        wants_meeting=wants_meeting,
        submitted_by=actor,
        submitted_on=on,
    )
    try:
        case_transition(
            case=plan.case,
            action="record_family_response",
            actor=actor,
            on=on,
            data={
                "preferred_setting": preferred_setting.name if preferred_setting else "",
                "wants_meeting": wants_meeting,
            },
        )
    except TransitionRefused as refused:
        raise PlanError(refused.reason) from refused
    return response


@transaction.atomic
def plan_draft_meeting_record(
    *, plan: Plan, met_on: date, with_whom: str, notes: str, actor: User
) -> Any:
    """The meeting the family asked for about the draft (CoP 9.77), on the case timeline."""
    if plan.status == Plan.Status.DRAFTING:
        raise PlanError("The draft plan has not been sent to the family yet.")
    if plan.case.draft_issued_on and met_on < plan.case.draft_issued_on:
        raise PlanError(
            f"The meeting cannot be before the draft was sent on "
            f"{plan.case.draft_issued_on:%-d %B %Y}."
        )
    with_whom = clean_text(with_whom)[:200]
    if not with_whom:
        raise PlanError("Enter who was at the meeting.")
    return case_event_record(
        case=plan.case,
        kind="draft_meeting",
        summary=f"Meeting about the draft plan on {met_on:%-d %B %Y} with {with_whom}"[:300],
        actor=actor,
        family_visible=True,
        data={"met_on": met_on.isoformat(), "with_whom": with_whom, "notes": clean_text(notes)},
    )
