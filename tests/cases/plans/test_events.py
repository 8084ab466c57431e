"""The plan's steps in the event feed: the draft and the final plan issued, and the placement the
final plan records."""

from __future__ import annotations

from cases.events.models import Event, EventType
from cases.plans.consultations import consultation_send
from cases.plans.issuing import plan_issue_draft, plan_issue_final
from cases.plans.models import Placement
from tests.cases.plans.conftest import days_ago


def test_draft_final_and_placement_are_events(plan, caseworker, setting):
    plan = plan_issue_draft(plan=plan, actor=caseworker, on=days_ago(20))
    consultation_send(plan=plan, settings=[setting], actor=caseworker)
    plan = plan_issue_final(plan=plan, actor=caseworker, named_setting=setting)
    events = list(Event.objects.filter(case_id=plan.case_id).order_by("id"))
    types = [e.type for e in events]
    assert types.index(EventType.PLAN_DRAFT_ISSUED) < types.index(EventType.PLAN_FINAL_ISSUED)
    assert types.index(EventType.PLAN_FINAL_ISSUED) < types.index(EventType.PLACEMENT_RECORDED)
    draft = next(e for e in events if e.type == EventType.PLAN_DRAFT_ISSUED)
    assert draft.data == {"on": days_ago(20).isoformat()}
    placement = Placement.objects.get(case_id=plan.case_id)
    recorded = next(e for e in events if e.type == EventType.PLACEMENT_RECORDED)
    assert recorded.data == {
        "placement": placement.pk,
        "setting": setting.pk,
        "entry_date": placement.entry_date.isoformat(),
    }
