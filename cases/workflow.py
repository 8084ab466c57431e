"""The EHC workflow: guarded transitions between stages, and the letters decisions produce.

Each action is a service: it checks its guards, records the milestone the statutory clock
reads, moves the stage, appends a timeline event and recomputes the next deadline, all in one
transaction. A refused action raises `TransitionRefused` with a reason a person can read.
Views show only the actions `allowed_actions` returns.

The workflow owns every decision letter: whatever records a decision (the case page, a panel,
an annual review), an action with a `letter` produces that letter through `case_letter_send`,
which then calls the after-letter hooks (the notifications app tells the family, once per
decision event). A decision is made once: repeating one that was just recorded (a double
click, a retried request) returns the recorded decision and sends nothing again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from cases.letters import LETTERS, LetterDetails, decision_letter_create
from cases.models import CLOSED_STAGES, Case, CaseEvent, Document, Stage
from cases.services import case_event_record, case_refresh_deadline
from cases.statutory import ANNUAL_REVIEW_MONTHS, DRAFT_COMMENT_DAYS, timeline

if TYPE_CHECKING:
    from ehcp_portal.accounts.models import User


class TransitionRefused(Exception):
    """The action is not allowed now; `reason` says why in plain English."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    sources: frozenset[str]
    target: str | None  # None: the stage does not change
    needs_reasons: bool = False
    family_visible: bool = True
    summary: str = ""
    milestone: str | None = None  # Case field set to the action's date
    guard: Callable[[Case, date], str | None] | None = None
    # The letter (a key of `cases.letters.LETTERS`) this decision sends the family.
    letter: str | None = None


def _final_guard(case: Case, on: date) -> str | None:
    # reg 13(1): never finalise without the family having had the draft and their full 15 days,
    # unless they have already responded. See also docs/requirements.md R4.
    if case.draft_issued_on is None:
        return "The draft plan has not been issued to the family yet."
    if case.family_responded_on is not None:
        return None
    last_day = timeline(case.received_on, draft_issued=case.draft_issued_on)["draft_comments"]
    if on <= last_day:
        return (
            f"The family can comment on the draft until {last_day:%-d %B %Y}. The final plan can "
            f"be issued from the day after, or sooner once they have responded."
        )
    return None


def _draft_guard(case: Case, on: date) -> str | None:
    if case.issue_decision_on is None:
        return "There is no recorded decision to issue a plan."
    return None


OPEN = frozenset(set(Stage) - CLOSED_STAGES)

ACTIONS: dict[str, Action] = {
    a.name: a
    for a in [
        Action(
            "start_deciding",
            "Start deciding whether to assess",
            frozenset({Stage.RECEIVED}),
            Stage.DECIDING_ASSESS,
            summary="We started considering whether to carry out an assessment",
        ),
        Action(
            "agree_to_assess",
            "Agree to assess",
            frozenset({Stage.RECEIVED, Stage.DECIDING_ASSESS}),
            Stage.ASSESSING,
            needs_reasons=False,
            summary="We decided to carry out an EHC needs assessment",
            milestone="assessment_decision_on",
            letter="agree_to_assess",
        ),
        Action(
            "refuse_to_assess",
            "Decide not to assess",
            frozenset({Stage.RECEIVED, Stage.DECIDING_ASSESS}),
            Stage.NOT_ASSESSING,
            needs_reasons=True,
            summary="We decided not to carry out an EHC needs assessment",
            milestone="assessment_decision_on",
            letter="refuse_to_assess",
        ),
        Action(
            "finish_assessment",
            "Assessment complete: decide whether to issue",
            frozenset({Stage.ASSESSING}),
            Stage.DECIDING_ISSUE,
            summary="The assessment is complete; we are deciding whether to issue a plan",
            milestone="advice_completed_on",
        ),
        Action(
            "agree_to_issue",
            "Agree to issue a plan",
            frozenset({Stage.DECIDING_ISSUE}),
            Stage.DRAFTING,
            summary="We decided to issue an EHC plan and are drafting it",
            milestone="issue_decision_on",
            letter="agree_to_issue",
        ),
        Action(
            "refuse_to_issue",
            "Decide not to issue a plan",
            frozenset({Stage.DECIDING_ISSUE}),
            Stage.NOT_ISSUING,
            needs_reasons=True,
            summary="We decided not to issue an EHC plan",
            milestone="issue_decision_on",
            letter="refuse_to_issue",
        ),
        Action(
            "issue_draft",
            "Send the draft plan to the family",
            frozenset({Stage.DRAFTING}),
            Stage.DRAFT_WITH_FAMILY,
            guard=_draft_guard,
            summary=f"We sent you the draft plan: you have {DRAFT_COMMENT_DAYS} days to comment",
            milestone="draft_issued_on",
        ),
        Action(
            "record_family_response",
            "Record the family's response to the draft",
            frozenset({Stage.DRAFT_WITH_FAMILY, Stage.CONSULTING}),
            None,
            summary="Your comments on the draft plan were received",
            milestone="family_responded_on",
        ),
        Action(
            "start_consultation",
            "Consult settings",
            frozenset({Stage.DRAFT_WITH_FAMILY}),
            Stage.CONSULTING,
            summary="We are consulting schools or settings about naming them in the plan",
            milestone="consultation_sent_on",
        ),
        Action(
            "issue_final",
            "Issue the final plan",
            frozenset({Stage.DRAFT_WITH_FAMILY, Stage.CONSULTING}),
            Stage.FINAL_ISSUED,
            guard=_final_guard,
            summary="The final EHC plan was issued",
            milestone="final_issued_on",
        ),
        Action(
            "maintain",
            "Plan now maintained (reviews)",
            frozenset({Stage.FINAL_ISSUED}),
            Stage.MAINTAINED,
            family_visible=False,
            summary=(
                "The plan is now maintained and reviewed at least every "
                f"{ANNUAL_REVIEW_MONTHS} months"
            ),
        ),
        Action(
            "cease",
            "Cease the plan",
            frozenset({Stage.FINAL_ISSUED, Stage.MAINTAINED}),
            Stage.CEASED,
            needs_reasons=True,
            summary="We decided to cease the EHC plan",
            letter="cease",
        ),
        Action(
            "withdraw",
            "Withdraw the request",
            OPEN - {Stage.FINAL_ISSUED, Stage.MAINTAINED},
            Stage.WITHDRAWN,
            needs_reasons=True,
            summary="The request was withdrawn",
        ),
        Action(
            "transfer_out",
            "Transferred to another council",
            frozenset({Stage.FINAL_ISSUED, Stage.MAINTAINED}),
            Stage.TRANSFERRED_OUT,
            needs_reasons=True,
            summary="The plan was transferred to another council",
        ),
    ]
}

# Hooks other parts of the portal register (letters, notifications, assignment) so the
# workflow does not import them: called inside the transaction with (case, action, actor, data).
_after_hooks: list[Callable[[Case, Action, Any, dict[str, Any]], None]] = []


def register_after_transition(hook: Callable[[Case, Action, Any, dict[str, Any]], None]) -> None:
    if hook not in _after_hooks:
        _after_hooks.append(hook)


# Guards other apps add to an action (the plans app: a draft is sent only when the plan is
# ready), so `allowed_actions` offers, and `case_transition` allows, only what can succeed.
_extra_guards: dict[str, list[Callable[[Case, date], str | None]]] = {}


def register_guard(action: str, guard: Callable[[Case, date], str | None]) -> None:
    guards = _extra_guards.setdefault(action, [])
    if guard not in guards:
        guards.append(guard)


@dataclass(frozen=True)
class LetterSent:
    """A decision letter stored on the case; `event_key` names the decision event, so whatever
    follows from it (the family's notification) happens once however often it is retried."""

    case: Case
    letter: str
    document: Document
    event_key: str
    template_id: int | None = None  # the council's wording (its version) the letter used
    # The decision's timeline event: what recorded it (its `data` names a panel decision or an
    # annual review), so the app that recorded it can find its own record when the worker has
    # made the letter.
    event: CaseEvent | None = None


# Called inside the decision's transaction with each letter sent (notifications registers one).
_letter_hooks: list[Callable[[LetterSent], None]] = []


def register_after_letter(hook: Callable[[LetterSent], None]) -> None:
    if hook not in _letter_hooks:
        _letter_hooks.append(hook)


@dataclass(frozen=True)
class LetterOrder:
    """A decision letter still to be made: everything the worker needs, by id."""

    case_id: int
    letter: str
    event_id: int
    on: date
    reasons: str
    actor_id: int | None
    details: LetterDetails | None


# Where a letter is made later (the correspondence app's outbox: a row in this transaction, the
# PDF in the worker). Without one, letters are made in the request.
_letter_deferrer: Callable[[LetterOrder], None] | None = None


def register_letter_deferrer(deferrer: Callable[[LetterOrder], None] | None) -> None:
    global _letter_deferrer
    _letter_deferrer = deferrer


def case_letter_send(
    *,
    case: Case,
    letter: str,
    event: CaseEvent,
    on: date,
    reasons: str,
    actor: User | None,
    details: LetterDetails | None = None,
    later: bool = False,
) -> Document | None:
    """The one path from a recorded decision to the family: the letter, then the hooks.

    `event` is the timeline event that recorded the decision; call inside its transaction.
    With `later`, the letter is ordered in the same transaction and made by the worker (a PDF
    takes seconds to render): nothing is returned, and the hooks run once it exists.
    """
    if letter not in LETTERS:
        raise TransitionRefused(f"There is no letter called '{letter}'.")
    if later and _letter_deferrer is not None:
        _letter_deferrer(
            LetterOrder(
                case_id=case.pk,
                letter=letter,
                event_id=event.pk,
                on=on,
                reasons=reasons,
                actor_id=actor.pk if actor is not None else None,
                details=details,
            )
        )
        return None
    return case_letter_make(
        case=case, letter=letter, event=event, on=on, reasons=reasons, actor=actor, details=details
    )


def case_letter_make(
    *,
    case: Case,
    letter: str,
    event: CaseEvent,
    on: date,
    reasons: str,
    actor: User | None,
    details: LetterDetails | None = None,
) -> Document:
    """Render the letter, store it on the case and call the after-letter hooks (the family's
    notification, keyed by the decision event). Inside a transaction."""
    issued = decision_letter_create(
        case=case,
        letter=letter,
        decision_on=on,
        reasons=reasons,
        actor=actor,
        details=details,
        name=f"{case.reference}-{letter}-{on:%Y%m%d}-{event.pk}",
    )
    sent = LetterSent(
        case=case,
        letter=letter,
        document=issued.document,
        event_key=f"case:{case.pk}:decision:{event.pk}",
        template_id=issued.template_id,
        event=event,
    )
    for hook in list(_letter_hooks):
        hook(sent)
    return issued.document


# Actions another app carries out on its own page, because they need more than a date and
# reasons (the plans app: the final plan needs its document and a decision on the setting it
# names). The case page links to that page instead of recording the action itself.
_action_pages: dict[str, str] = {}


def register_action_page(action: str, url_name: str) -> None:
    """`url_name` takes the case's reference as its only argument."""
    _action_pages[action] = url_name


def action_page(action: str) -> str | None:
    return _action_pages.get(action)


def refusal_reason(case: Case, action: Action, on: date) -> str | None:
    if case.stage not in action.sources:
        return (
            f"'{action.label}' is not possible while the case is at the stage "
            f"'{case.get_stage_display()}'."
        )
    for guard in ([action.guard] if action.guard else []) + _extra_guards.get(action.name, []):
        reason = guard(case, on)
        if reason:
            return reason
    return None


def allowed_actions(case: Case, *, on: date | None = None) -> list[Action]:
    on = on or timezone.localdate()
    return [a for a in ACTIONS.values() if refusal_reason(case, a, on) is None]


@dataclass(frozen=True)
class Transition:
    case: Case
    event: CaseEvent
    letter: Document | None  # the decision letter the action produced (None: made later)
    repeated: bool = False  # the same decision was already recorded: nothing was done again


def _repeated_decision(case: Case, spec: Action, on: date, reasons: str) -> CaseEvent | None:
    """The event of this very decision if it is the case's latest: a double click or a retry."""
    if spec.letter is None or spec.target is None or case.stage != spec.target:
        return None
    latest = case.events.order_by("-pk").filter(kind__in=list(ACTIONS)).first()
    if latest is None or latest.kind != spec.name:
        return None
    data = latest.data or {}
    if data.get("on") != on.isoformat() or data.get("reasons", "") != reasons:
        return None
    return latest


def _decision_check(case: Case, spec: Action, on: date, reasons: str) -> None:
    if spec.needs_reasons and not reasons:
        raise TransitionRefused("Give the reasons for this decision: the family will read them.")
    if on > timezone.localdate():
        raise TransitionRefused("The date of a decision cannot be in the future.")
    if on < case.received_on:
        raise TransitionRefused("The date cannot be before the request was received.")


def _milestone_write(case: Case, spec: Action, on: date, cease_reason: str = "") -> None:
    """The milestone the statutory clock reads, the stage, and the clock's next deadline."""
    # case_refresh_deadline below writes the deadline fields itself.
    fields = ["stage", "is_open", "updated_at"]
    if spec.name == "cease" and cease_reason:
        case.cease_reason = cease_reason  # SEN2 CeaseReason, asked with the decision
        fields.append("cease_reason")
    if spec.milestone:
        setattr(case, spec.milestone, on)
        fields.append(spec.milestone)
    if spec.target is not None:
        case.stage = spec.target
        case.is_open = spec.target not in CLOSED_STAGES
        if not case.is_open:
            case.closed_on = on
            fields.append("closed_on")
    case_refresh_deadline(case=case)
    case.save(update_fields=fields)


@transaction.atomic
def case_transition_record(
    *,
    case: Case,
    action: str,
    actor: User | None,
    on: date | None = None,
    reasons: str = "",
    data: dict[str, Any] | None = None,
    letter_details: LetterDetails | None = None,
    letter_later: bool = False,
) -> Transition:
    """Carry out `action` on `case`, or raise TransitionRefused saying why not.

    The case row is locked, so two people recording the same decision at once are served one
    after the other; the second finds it recorded and gets it back with `repeated=True`.
    """
    if action not in ACTIONS:
        raise TransitionRefused(f"There is no action called '{action}'.")
    spec = ACTIONS[action]
    on = on or timezone.localdate()
    case = Case.objects.select_for_update().get(pk=case.pk)
    reasons = reasons.replace("\x00", "").strip()
    reason = refusal_reason(case, spec, on)
    if reason:
        recorded = _repeated_decision(case, spec, on, reasons)
        if recorded is not None:
            return Transition(case=case, event=recorded, letter=None, repeated=True)
        raise TransitionRefused(reason)
    _decision_check(case, spec, on, reasons)
    _milestone_write(case, spec, on, (data or {}).get("cease_reason", ""))
    payload = {"action": action, "on": on.isoformat(), **(data or {})}
    if reasons:
        payload["reasons"] = reasons
    event = case_event_record(
        case=case,
        kind=action,
        summary=spec.summary,
        actor=actor,
        family_visible=spec.family_visible,
        data=payload,
    )
    for hook in list(_after_hooks):
        hook(case, spec, actor, payload)
    letter = None
    if spec.letter is not None:
        letter = case_letter_send(
            case=case,
            letter=spec.letter,
            event=event,
            on=on,
            reasons=reasons,
            actor=actor,
            details=letter_details,
            later=letter_later,
        )
    return Transition(case=case, event=event, letter=letter)


def case_transition(
    *,
    case: Case,
    action: str,
    actor: User | None,
    on: date | None = None,
    reasons: str = "",
    data: dict[str, Any] | None = None,
) -> Case:
    """Carry out `action` on `case`, or raise TransitionRefused saying why not."""
    return case_transition_record(
        case=case, action=action, actor=actor, on=on, reasons=reasons, data=data
    ).case
