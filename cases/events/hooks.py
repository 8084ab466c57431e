"""The events the core's own hooks give (registered in EventsConfig.ready). Apps above this one
call `event_record` directly from their services."""

from __future__ import annotations

from typing import Any

from cases.events.models import EventType
from cases.events.services import event_record
from cases.models import Case
from cases.workflow import Action, LetterSent

# Actions whose milestone is a plan's issue: said as its own event beside the stage change, so
# a follower interested in plans need not know the workflow's stage names.
PLAN_ACTIONS = {
    "issue_draft": EventType.PLAN_DRAFT_ISSUED,
    "issue_final": EventType.PLAN_FINAL_ISSUED,
}


def event_after_open(case: Case, actor: Any) -> None:
    event_record(
        type=EventType.CASE_OPENED,
        case=case,
        data={
            "stage": case.stage,
            "route": case.route,
            "received_on": case.received_on.isoformat(),
        },
    )


def event_after_transition(case: Case, action: Action, actor: Any, data: dict[str, Any]) -> None:
    # The decision's reasons are the council's words about the child: never in an event.
    on = data.get("on")
    if action.target is not None:
        event_record(
            type=EventType.CASE_STAGE_CHANGED,
            case=case,
            data={
                "action": action.name,
                "stage": case.stage,
                "on": on,
                # The clock's next date after the decision (cases.deadlines, denormalised).
                "next_deadline": case.next_deadline_key,
                "next_deadline_on": case.next_deadline_on,
            },
        )
    if action.name in PLAN_ACTIONS:
        event_record(type=PLAN_ACTIONS[action.name], case=case, data={"on": on})


def event_after_letter(sent: LetterSent) -> None:
    event_record(
        type=EventType.DOCUMENT_ADDED,
        case=sent.case,
        data={"document": sent.document.pk, "kind": sent.document.kind, "letter": sent.letter},
    )
