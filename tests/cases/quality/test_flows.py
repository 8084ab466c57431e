"""What a user of each quality feature notices: a sample is drawn once, an audit is graded and
moderated by a second officer and shows on the dashboard; a complaint runs to its outcome with
reminders; a call is logged once however often the form is sent; a survey answer names nobody;
the council's QA sign-off holds a draft back."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import CaseEvent, Stage
from cases.plans.drafting import plan_create
from cases.quality.models import (
    AuditScore,
    CallType,
    Complaint,
    Contact,
    Criterion,
    PlanAudit,
    QualitySettings,
    SurveyInvitation,
    SurveyResponse,
)
from cases.quality.reminders import complaint_reminders_send
from cases.quality.services import (
    QualityError,
    audit_grade,
    audits_sample,
    complaint_record,
)
from cases.quality.signoff import REFUSAL, case_draft_signoff_refusal
from cases.quality.surveys import surveys_invite
from cases.reporting.figures import figures_compute
from cases.reporting.periods import period_containing
from cases.reporting.tables import dashboard_tables
from cases.workflow import _extra_guards
from ehcp_portal.accounts.models import Role
from notifications.models import Notification
from tests.cases.quality.conftest import issued_plan
from tests.factories import CaseFactory, UserFactory, family_for

MONTH = date(2026, 3, 1)


def _grades(criteria, grade="good"):
    data = {"grade": grade, "comments": "Clear plan", "action_for_caseworker": "Quantify F2"}
    for c in criteria:
        data[f"c{c.pk}"] = grade
        data[f"c{c.pk}_comment"] = ""
    return data


# --- sampling -----------------------------------------------------------------------------------


def test_ten_percent_of_a_months_plans_are_sampled_once(team, caseworker):
    for i in range(20):
        issued_plan(team, caseworker, MONTH + timedelta(days=i))
    issued_plan(team, caseworker, MONTH - timedelta(days=3))  # the month before
    assert audits_sample(month=MONTH) == 2
    assert audits_sample(month=MONTH) == 0  # the daily run repeats: nothing new
    assert PlanAudit.objects.filter(month=MONTH).count() == 2


def test_every_plan_of_a_chosen_caseworker_is_sampled(team, caseworker):
    chosen = UserFactory(role=Role.CASEWORKER, team=team)
    for i in range(5):
        issued_plan(team, chosen, MONTH + timedelta(days=i))
    for i in range(10):
        issued_plan(team, caseworker, MONTH + timedelta(days=i))
    QualitySettings.objects.filter(pk=1).update(sample_percent=0, sample_caseworker=chosen)
    assert audits_sample(month=MONTH) == 5
    assert set(PlanAudit.objects.values_list("caseworker_id", flat=True)) == {chosen.pk}


# --- auditing, moderation, the dashboard --------------------------------------------------------


def test_qa_officer_grades_a_second_moderates_and_the_dashboard_counts_it(
    client, qa, qa2, audit, caseworker
):
    criteria = list(Criterion.objects.filter(active=True))
    assert criteria, "the default framework is seeded"
    url = reverse("quality:audit", args=[audit.public_id])
    client.force_login(qa)
    # Bad input: the page says what is missing and keeps what was typed.
    data = _grades(criteria)
    data.pop("grade")
    data["comments"] = "Kept comment"
    response = client.post(url, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose an overall grade" in page and "Kept comment" in page
    response = client.post(url, _grades(criteria, "requires_improvement"))
    assert response.status_code == 302
    audit.refresh_from_db()
    assert audit.status == PlanAudit.Status.AUDITED
    assert AuditScore.objects.filter(audit=audit).count() == len(criteria)
    # The caseworker is sent the actions.
    told = Notification.objects.get(
        recipient=caseworker, purpose="plan_audit_action", channel=Notification.Channel.IN_APP
    )
    assert "Quantify F2" in told.body
    # The same officer cannot moderate their own audit.
    assert client.post(url, {"moderated_grade": "good"}).status_code == 404
    client.force_login(qa2)
    assert client.post(url, {"moderated_grade": "good"}).status_code == 302
    audit.refresh_from_db()
    assert audit.final_grade == "good"
    period = period_containing("month", timezone.localdate())
    figures = figures_compute(area_id=None, period=period, today=timezone.localdate())
    assert figures["quality"]["audits"]["by_grade"]["good"] == 1
    assert figures["quality"]["audits"]["by_team"][0]["team"] == audit.team.name
    tables = {t.key: t for t in dashboard_tables(figures, staff=True)}
    grades = {row[0].value: row[1].value for row in tables["audit_grades"].rows}
    assert grades["Good"] == 1 and grades["Requires improvement"] == 0
    criteria_rows = tables["audit_criteria"].rows
    assert len(criteria_rows) == len(criteria)


def test_the_caseworker_records_the_audits_actions_done_once(client, qa, audit, caseworker):
    criteria = list(Criterion.objects.filter(active=True))
    url = reverse("quality:audit", args=[audit.public_id])
    client.force_login(qa)
    assert client.post(url, _grades(criteria, "requires_improvement")).status_code == 302
    # Another caseworker cannot see the audit, let alone mark it done.
    client.force_login(UserFactory(role=Role.CASEWORKER, team=audit.team))
    assert client.post(url, {"actions_done": "1"}).status_code == 404
    # A QA officer grades; only the case's staff say the actions are done.
    client.force_login(qa)
    assert client.post(url, {"actions_done": "1"}).status_code == 404
    client.force_login(caseworker)
    page = client.get(url).content.decode()
    assert "I have done these actions" in page
    assert client.post(url, {"actions_done": "1"}).status_code == 302
    assert client.post(url, {"actions_done": "1"}).status_code == 404  # done once
    audit.refresh_from_db()
    assert audit.action_done_at is not None
    page = client.get(url).content.decode()
    assert "Actions done" in page and "I have done these actions" not in page
    assert CaseEvent.objects.filter(case=audit.case, kind="plan_audit_action_done").count() == 1


def test_two_officers_grading_at_once_one_is_told(qa, qa2, audit):
    audit_grade(
        audit=audit, auditor=qa, grade="good", comments="", action_for_caseworker="", scores=[]
    )
    with pytest.raises(QualityError, match="already been audited"):
        audit_grade(
            audit=audit,
            auditor=qa2,
            grade="inadequate",
            comments="",
            action_for_caseworker="",
            scores=[],
        )


def test_the_dashboard_page_shows_the_quality_tables(client, audit, qa):
    audit_grade(
        audit=audit,
        auditor=qa,
        grade="outstanding",
        comments="",
        action_for_caseworker="",
        scores=[],
    )
    client.force_login(UserFactory(role=Role.HEAD_OF_SERVICE))
    page = client.get(reverse("reporting:dashboard")).content.decode()
    assert "Plan quality audits by grade" in page
    assert "Contacts with families and schools by type" in page


# --- QA sign-off --------------------------------------------------------------------------------


def test_the_councils_sign_off_holds_the_draft_until_a_qa_officer_passes_it(
    client, team, caseworker, qa
):
    case = CaseFactory(
        team=team,
        caseworker=caseworker,
        stage=Stage.DRAFTING,
        received_on=timezone.localdate() - timedelta(days=90),
        assessment_decision_on=timezone.localdate() - timedelta(days=70),
        issue_decision_on=timezone.localdate() - timedelta(days=30),
    )
    plan_create(case=case, actor=caseworker)
    today = timezone.localdate()
    assert case_draft_signoff_refusal(case, today) is None  # the council does not require it
    QualitySettings.objects.filter(pk=1).update(qa_signoff_required=True)
    assert case_draft_signoff_refusal(case, today) == REFUSAL
    # The workflow itself refuses the draft with the same words (the guard is registered).
    refusals = [g(case, today) for g in _extra_guards["issue_draft"]]
    assert REFUSAL in refusals
    client.force_login(caseworker)
    assert client.post(reverse("quality:signoff_request", args=[case.reference])).status_code == 302
    audit = PlanAudit.objects.get(case=case)
    audit_grade(
        audit=audit, auditor=qa, grade="good", comments="", action_for_caseworker="", scores=[]
    )
    assert case_draft_signoff_refusal(case, today) is None


# --- complaints ---------------------------------------------------------------------------------


def test_a_complaint_runs_to_its_outcome_with_reminders(client, case, caseworker, manager):
    received = date(2026, 3, 2)  # a Monday
    complaint = complaint_record(
        case=case,
        kind=Complaint.Kind.COMPLAINT,
        received_on=received,
        summary="Slow",
        actor=caseworker,
    )
    # Stage 1: 10 working days (the council's default).
    assert complaint.response_due_on == date(2026, 3, 16)
    assert complaint_reminders_send(today=date(2026, 3, 9)) == 0  # too early
    assert complaint_reminders_send(today=date(2026, 3, 11)) == 2  # 3 working days before
    assert complaint_reminders_send(today=date(2026, 3, 12)) == 0  # once
    assert complaint_reminders_send(today=date(2026, 3, 17)) == 4  # overdue: handler and manager
    assert complaint_reminders_send(today=date(2026, 3, 18)) == 0
    assert Notification.objects.filter(recipient=manager, purpose="complaint_overdue").exists()
    client.force_login(caseworker)
    url = reverse("quality:complaint", args=[complaint.public_id])
    response = client.post(
        url,
        {
            "step": "escalate",
            "version": 1,
            "started_on_0": "20",
            "started_on_1": "3",
            "started_on_2": "2026",
        },
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.stage == Complaint.Stage.STAGE2
    # A handler with the page open from before is told, not overwritten.
    stale = client.post(
        url,
        {
            "step": "close",
            "version": 1,
            "closed_on_0": "1",
            "closed_on_1": "4",
            "closed_on_2": "2026",
            "outcome": "upheld",
            "remedy": "Apology",
        },
    )
    assert stale.status_code == 409
    assert "Someone else changed this complaint" in stale.content.decode()
    assert "Apology" in stale.content.decode()  # what they typed is kept
    done = client.post(
        url,
        {
            "step": "close",
            "version": 2,
            "closed_on_0": "1",
            "closed_on_1": "4",
            "closed_on_2": "2026",
            "outcome": "partly_upheld",
            "remedy": "Apology and £200",
        },
    )
    assert done.status_code == 302
    complaint.refresh_from_db()
    assert complaint.stage == Complaint.Stage.CLOSED and complaint.remedy == "Apology and £200"
    parent = family_for(case)
    client.force_login(parent)
    page = client.get(reverse("quality:family_complaints", args=[case.reference])).content.decode()
    assert "Partly upheld" in page and "Apology and £200" in page
    kinds = set(
        CaseEvent.objects.filter(case=case, family_visible=True).values_list("kind", flat=True)
    )
    assert {"complaint_received", "complaint_escalated", "complaint_closed"} <= kinds


def test_a_bad_date_on_a_complaint_is_an_error_message_not_a_500(client, case, caseworker):
    client.force_login(caseworker)
    response = client.post(
        reverse("quality:complaint_new", args=[case.reference]),
        {
            "kind": "complaint",
            "received_on_0": "31",
            "received_on_1": "2",
            "received_on_2": "2026",
            "summary": "Typed words kept",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "must be a real date" in page and "Typed words kept" in page


# --- the contact log ----------------------------------------------------------------------------


def test_a_call_is_logged_once_and_shown_on_the_staff_timeline(client, case, caseworker):
    call_type = CallType.objects.filter(active=True).first()
    key = str(uuid.uuid4())
    client.force_login(caseworker)
    url = reverse("quality:contact_new", args=[case.reference])
    form = client.get(url).content.decode()
    assert 'name="idempotency_key"' in form
    data = {
        "idempotency_key": key,
        "call_type": call_type.pk,
        "channel": "phone",
        "contact_with": "family",
        "inbound": "yes",
        "happened_on_0": "2",
        "happened_on_1": "3",
        "happened_on_2": "2026",
        "note": "Asked about progress",
    }
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # a double click
    assert Contact.objects.filter(case=case).count() == 1
    event = CaseEvent.objects.get(case=case, kind="contact")
    assert call_type.name in event.summary and not event.family_visible
    timeline = client.get(reverse("casework:case_timeline", args=[case.reference])).content.decode()
    assert call_type.name in timeline
    # Counted by type on the dashboard.
    figures = figures_compute(
        area_id=case.area_id,
        period=period_containing("month", date(2026, 3, 2)),
        today=date(2026, 3, 31),
    )
    assert figures["quality"]["contacts"] == [{"call_type": call_type.name, "n": 1}]


def test_a_contact_with_no_type_keeps_what_was_typed(client, case, caseworker):
    client.force_login(caseworker)
    response = client.post(
        reverse("quality:contact_new", args=[case.reference]),
        {
            "idempotency_key": str(uuid.uuid4()),
            "call_type": "",
            "channel": "phone",
            "contact_with": "family",
            "inbound": "yes",
            "happened_on_0": "2",
            "happened_on_1": "3",
            "happened_on_2": "2026",
            "note": "Kept note",
        },
    )
    assert response.status_code == 400
    assert "Choose the type of contact" in response.content.decode()
    assert "Kept note" in response.content.decode()


# --- surveys ------------------------------------------------------------------------------------


def test_a_family_answers_a_survey_and_nothing_links_the_answer_to_them(
    client, case, caseworker, manager
):
    parent = family_for(case)
    other_parent = family_for(CaseFactory(team=case.team))
    (invitation,) = surveys_invite(case=case, decision_point="decision_to_assess")
    assert surveys_invite(case=case, decision_point="decision_to_assess") == []  # once
    SurveyResponse.objects.create(
        area=case.area,
        decision_point="decision_to_assess",
        respondent_kind="family",
        month=MONTH,
        satisfaction=1,
        comment="Another family's words",
    )
    client.force_login(parent)
    url = reverse("quality:survey", args=[invitation.token])
    page = client.get(url).content.decode()
    assert "Another family's words" not in page
    empty = client.post(url, {"satisfaction": "", "comment": " "})
    assert empty.status_code == 400 and "Answer at least one question" in empty.content.decode()
    response = client.post(
        url, {"satisfaction": "5", "listened_to": "4", "clear": "", "comment": "Kind and quick"}
    )
    assert response.status_code == 302
    done = client.get(url).content.decode()
    assert "Thank you" in done and "Another family's words" not in done
    client.post(url, {"satisfaction": "1", "comment": "again"})  # a second go adds nothing
    answer = SurveyResponse.objects.get(comment="Kind and quick")
    assert SurveyResponse.objects.count() == 2
    # The answer holds nothing that points back at the case, the family or the invitation.
    fields = {f.name for f in SurveyResponse._meta.get_fields()}
    assert not fields & {"case", "respondent", "invitation", "user", "created_at", "token"}
    assert answer.month.day == 1
    # Managers read the words, with no reference or name beside them.
    client.force_login(manager)
    page = client.get(reverse("quality:survey_comments")).content.decode()
    assert "Kind and quick" in page
    assert case.reference not in page and parent.full_name not in page
    # A caseworker cannot read them at all.
    client.force_login(caseworker)
    assert client.get(reverse("quality:survey_comments")).status_code == 404
    assert other_parent  # another family was never asked
    assert not SurveyInvitation.objects.filter(respondent=other_parent).exists()
