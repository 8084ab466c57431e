"""A panel's decision in the event feed: after the case moved (the feed's lock is taken after
the case's row lock), with ids and the outcome's code, never the reasons."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from cases.events.models import Event, EventType
from cases.models import Stage
from panels.models import Meeting
from panels.services import decision_record
from tests.factories import CaseFactory, family_for
from tests.letters import letters_made_by_worker
from tests.panels.conftest import hold


def _events(case) -> list[Event]:
    return list(Event.objects.filter(case_id=case.pk).order_by("id"))


def test_a_panel_decision_is_an_event_after_the_case_moved(
    team, caseworker, make_meeting, on_agenda
):
    case = CaseFactory(team=team, caseworker=caseworker, stage=Stage.DECIDING_ASSESS)
    family_for(case)
    meeting = make_meeting(
        on=timezone.localdate() - timedelta(days=1), status=Meeting.Status.PUBLISHED
    )
    on_agenda(meeting, case)
    hold(meeting)
    decision = decision_record(
        meeting=meeting,
        case=case,
        actor=meeting.chair,
        outcome="agree",
        reasons="Her needs are complex and the school has tried everything it can.",
    )
    types = [e.type for e in _events(case)]
    assert types == [EventType.CASE_STAGE_CHANGED, EventType.PANEL_DECISION_RECORDED]
    recorded = _events(case)[-1]
    assert recorded.data == {
        "decision": decision.pk,
        "meeting": meeting.pk,
        "outcome": "agree",
        "version": 1,
        "needs_ratification": False,
    }
    # The letter is a document once the worker has made it.
    letters_made_by_worker()
    assert _events(case)[-1].type == EventType.DOCUMENT_ADDED
    assert "complex" not in str([e.data for e in _events(case)])
