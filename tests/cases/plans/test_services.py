"""Drafting, co-production, consultation and the final plan, through the services."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.models import Document, Stage
from cases.plans.consultations import consultation_respond, consultation_send
from cases.plans.drafting import plan_create, plan_item_add, plan_item_remove, plan_section_update
from cases.plans.family_responses import plan_comment_add, plan_family_respond
from cases.plans.issuing import plan_issue_draft, plan_issue_final
from cases.plans.models import Plan
from cases.plans.sections import validate_sections
from cases.plans.selectors import settings_ranked_for, version_diff
from cases.plans.versions import PlanError, plan_latest_version
from notifications.models import Notification
from tests.cases.plans.conftest import days_ago
from tests.factories import SettingFactory

pytestmark = pytest.mark.django_db


def test_plan_is_prefilled_from_the_request_and_advice_documents(drafting_case, caseworker):
    drafting_case.child.year_group = "Year 4"
    drafting_case.child.save()
    Document.objects.create(
        case=drafting_case,
        kind=Document.Kind.ADVICE,
        title="Educational psychology advice",
        file="documents/x.pdf",
        content_type="application/pdf",
    )
    plan = plan_create(case=drafting_case, actor=caseworker)
    sections = plan_latest_version(plan).sections
    assert drafting_case.child.full_name in sections["A"]["text"]
    assert "Year 4" in sections["A"]["text"]
    assert [i["code"] for i in sections["B"]["items"]] == ["ASD", "SLCN"]
    # Section B in words a family reads, not SEN2 codes.
    assert [i["text"] for i in sections["B"]["items"][:2]] == [
        "Autistic spectrum disorder",
        "Speech, language and communication needs",
    ]
    assert "Educational psychology advice, received" in sections["K"]["text"]
    # Starting twice does not make a second plan or version.
    assert plan_create(case=drafting_case, actor=caseworker).versions.count() == 1


def test_advice_becomes_linked_needs_outcomes_and_provision(plan):
    sections = plan_latest_version(plan).sections
    assert validate_sections(sections) == []
    ep_need = sections["B"]["items"][2]
    assert ep_need["text"].startswith("Finds it hard")
    provision = sections["F"]["items"][0]
    assert provision["need"] == ep_need["id"]
    assert provision["outcome"] == "E1"
    # Health advice goes to sections C and G.
    assert sections["C"]["items"][0]["text"] == "Sleep disturbance affecting attention"
    assert sections["G"]["items"][0]["need"] == "C1"
    assert "Advice from Educational psychologist" in sections["K"]["text"]


def test_provision_must_serve_an_existing_need_and_outcome(plan, caseworker):
    with pytest.raises(PlanError, match="must name a need"):
        plan_item_add(
            plan=plan, key="F", text="1:1 support", need="B99", outcome="E1", actor=caseworker
        )
    with pytest.raises(PlanError, match="must name an outcome"):
        plan_item_add(
            plan=plan, key="F", text="1:1 support", need="B1", outcome="E42", actor=caseworker
        )
    version = plan_item_add(
        plan=plan, key="F", text="1:1 support", need="B1", outcome="E1", actor=caseworker
    )
    assert version.sections["F"]["items"][-1] == {
        "id": "F2",
        "text": "1:1 support",
        "need": "B1",
        "outcome": "E1",
    }
    # A need that provision depends on cannot be removed from under it.
    with pytest.raises(PlanError, match="linked"):
        plan_item_remove(plan=plan, key="B", item_id="B1", actor=caseworker)


def test_draft_section_i_cannot_name_a_school(plan, caseworker, setting):
    with pytest.raises(PlanError, match="must not name a school"):
        plan_section_update(
            plan=plan, key="I", text="A place at oakfield primary school", actor=caseworker
        )
    version = plan_section_update(
        plan=plan, key="I", text="A mainstream primary school with SALT", actor=caseworker
    )
    assert version.sections["I"]["text"] == "A mainstream primary school with SALT"


def test_every_change_is_a_version_with_who_and_when_and_a_diff(plan, caseworker):
    before = plan_latest_version(plan)
    after = plan_section_update(plan=plan, key="A", text="Sam loves trains.\x00", actor=caseworker)
    assert after.number == before.number + 1
    assert after.created_by == caseworker
    assert after.sections["A"]["text"] == "Sam loves trains."
    changes = version_diff(before, after)
    assert [c["key"] for c in changes] == ["A"]
    assert {"kind": "added", "text": "Sam loves trains."} in changes[0]["lines"]
    assert before.sections["A"]["text"] in [
        line["text"] for line in changes[0]["lines"] if line["kind"] == "removed"
    ]


def test_issuing_the_draft_opens_the_family_window(plan, caseworker):
    on = days_ago(3)
    plan = plan_issue_draft(plan=plan, actor=caseworker, on=on)
    assert plan.status == Plan.Status.DRAFT_ISSUED
    assert plan.case.stage == Stage.DRAFT_WITH_FAMILY
    assert plan.case.draft_issued_on == on
    assert plan.case.next_deadline_key == "draft_comments"
    assert plan.case.next_deadline_on == on + timedelta(days=14)


def test_an_empty_plan_cannot_be_issued_as_a_draft(drafting_case, caseworker):
    drafting_case.needs = []
    drafting_case.save()
    plan = plan_create(case=drafting_case, actor=caseworker)
    with pytest.raises(PlanError, match="at least one need"):
        plan_issue_draft(plan=plan, actor=caseworker)


def test_final_plan_is_refused_inside_the_family_window(plan, caseworker, setting):
    plan = plan_issue_draft(plan=plan, actor=caseworker, on=days_ago(14))
    last_day = days_ago(0)
    with pytest.raises(PlanError) as refused:
        plan_issue_final(plan=plan, actor=caseworker, named_setting=setting)
    assert f"until {last_day:%-d %B %Y}" in refused.value.message
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DRAFT_ISSUED
    assert not plan.case.documents.filter(kind=Document.Kind.PLAN).exists()


def test_final_plan_before_any_draft_is_refused(plan, caseworker, setting):
    with pytest.raises(PlanError, match="not been issued"):
        plan_issue_final(plan=plan, actor=caseworker, named_setting=setting)


def test_final_plan_after_the_family_responds(plan, caseworker, family, setting):
    plan = plan_issue_draft(plan=plan, actor=caseworker, on=days_ago(5))
    plan_comment_add(plan=plan, section="F", body="More SALT please", author=family)
    plan_family_respond(
        plan=plan, actor=family, preferred_setting=setting, wants_meeting=True, on=days_ago(2)
    )
    plan.case.refresh_from_db()
    assert plan.case.family_responded_on == days_ago(2)
    # s.39(2): the setting the family asked for is consulted before it is named.
    with pytest.raises(PlanError, match="Consult Oakfield Primary School before naming it"):
        plan_issue_final(plan=plan, actor=caseworker, named_setting=setting)
    plan.case.refresh_from_db()
    assert plan.case.stage == Stage.DRAFT_WITH_FAMILY and plan.case.final_issued_on is None
    consultation_send(plan=plan, settings=[setting], actor=caseworker, on=days_ago(2))
    plan = plan_issue_final(plan=plan, actor=caseworker, named_setting=setting)
    case = plan.case
    assert case.stage == Stage.FINAL_ISSUED
    assert case.final_issued_on == timezone.localdate()
    assert plan.issued_on == timezone.localdate()
    # Received 100 days ago: the 20-week date (140 days) is met.
    assert plan.twenty_week_due == case.received_on + timedelta(weeks=20)
    assert plan.twenty_week_met is True
    doc = plan.final_document
    assert doc.kind == Document.Kind.PLAN and doc.family_visible
    assert doc.file.read().startswith(b"%PDF")
    assert case.events.filter(kind="plan_twenty_weeks", data__met=True).exists()


def test_final_plan_after_the_window_closes_records_a_missed_20_weeks(team, caseworker, setting):
    from tests.factories import CaseFactory

    case = CaseFactory(
        team=team,
        caseworker=caseworker,
        stage=Stage.DRAFTING,
        received_on=days_ago(160),
        issue_decision_on=days_ago(60),
        needs=["ASD"],
    )
    from cases.plans.prefill import plan_prefill_from_advice
    from tests.cases.plans.conftest import ADVICE

    plan = plan_create(case=case, actor=caseworker)
    plan_prefill_from_advice(plan=plan, advice=ADVICE[:1], actor=caseworker)
    plan = plan_issue_draft(plan=plan, actor=caseworker, on=days_ago(15))
    plan = plan_issue_final(plan=plan, actor=caseworker, named_setting=None)
    assert plan.twenty_week_met is False
    event = case.events.get(kind="plan_twenty_weeks")
    assert event.summary.endswith("missed") and "exception" not in event.summary


def test_consultation_goes_to_the_setting_with_a_15_day_answer(plan, caseworker, setting, senco):
    plan = plan_issue_draft(plan=plan, actor=caseworker, on=days_ago(4))
    [consultation] = consultation_send(
        plan=plan, settings=[setting], actor=caseworker, on=days_ago(3)
    )
    assert consultation.response_due == days_ago(3) + timedelta(days=15)
    plan.case.refresh_from_db()
    assert plan.case.stage == Stage.CONSULTING
    assert plan.case.consultation_sent_on == days_ago(3)
    assert Notification.objects.filter(recipient=senco, purpose="consultation").exists()
    # Consulting the same setting again does not duplicate the open consultation.
    assert consultation_send(plan=plan, settings=[setting], actor=caseworker) == []
    answered = consultation_respond(
        consultation=consultation,
        actor=senco,
        can_meet_needs=False,
        reasons="No space in the resourced base",
        annual_cost=None,
    )
    assert answered.can_meet_needs is False and answered.responded_on == timezone.localdate()
    with pytest.raises(PlanError, match="reasons"):
        consultation_respond(
            consultation=consultation,
            actor=senco,
            can_meet_needs=True,
            reasons=" ",
            annual_cost=None,
        )


def test_consultation_is_refused_before_the_draft_is_issued(plan, caseworker, setting):
    with pytest.raises(PlanError, match="once the draft"):
        consultation_send(plan=plan, settings=[setting], actor=caseworker)


def test_settings_are_ranked_by_needs_covered_not_spaces(db):
    full_fit = SettingFactory(name="Zed Special", needs_met=["ASD", "SLCN", "SEMH"], capacity=5)
    full_fit.places_taken = 5
    full_fit.save()
    half_fit = SettingFactory(name="Alpha Primary", needs_met=["ASD"], capacity=400)
    no_fit = SettingFactory(name="Beta Primary", needs_met=["HI"], capacity=400)
    ranked = list(settings_ranked_for(["ASD", "SLCN"]))
    assert ranked[:3] == [full_fit, half_fit, no_fit]
    assert ranked[0].needs_covered == 2 and ranked[0].spaces == 0
    assert list(settings_ranked_for(["ASD", "SLCN"], cover_all=True)) == [full_fit]
    assert list(settings_ranked_for(["ASD"], setting_type="special")) == []


def test_the_family_cannot_comment_once_the_final_plan_is_issued(plan, caseworker, family):
    plan = plan_issue_draft(plan=plan, actor=caseworker, on=days_ago(20))
    plan = plan_issue_final(plan=plan, actor=caseworker, named_setting=None)
    with pytest.raises(PlanError, match="not open"):
        plan_comment_add(plan=plan, section="A", body="Too late", author=family)
    with pytest.raises(PlanError, match="review"):
        plan_section_update(plan=plan, key="A", text="changed", actor=caseworker)


def test_family_is_told_of_the_draft_with_its_last_day_and_of_the_final(plan, caseworker, family):
    plan = plan_issue_draft(plan=plan, actor=caseworker, on=days_ago(20))
    draft_note = Notification.objects.get(recipient=family, purpose="draft_plan", channel="email")
    assert f"until {days_ago(6):%-d %B %Y}" in draft_note.body
    assert draft_note.statutory
    plan_issue_final(plan=plan, actor=caseworker, named_setting=None)
    assert Notification.objects.filter(recipient=family, purpose="final_plan").exists()


def test_sharing_with_the_named_school_is_the_familys_choice(
    plan, caseworker, family, setting, senco
):
    from cases.plans.access import plan_visible_to_setting
    from families.models import Consent

    plan = plan_issue_draft(plan=plan, actor=caseworker, on=days_ago(3))
    plan_family_respond(plan=plan, actor=family, preferred_setting=setting)
    assert not Consent.objects.exists()
    assert not plan_visible_to_setting(senco, plan)
    plan_family_respond(plan=plan, actor=family, preferred_setting=setting, share_with_setting=True)
    consent = Consent.objects.get()
    assert (consent.party, consent.setting, consent.given_by) == ("setting", setting, family)
    assert plan_visible_to_setting(senco, plan)
