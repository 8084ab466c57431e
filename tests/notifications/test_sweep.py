"""The daily sweep: deadline alerts at the offsets, breaches once then weekly, advice reminders
with escalation, family reminders, morning digests. Idempotent and batched."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.advice.models import AdviceRequest
from cases.casework.sweep import statutory_sweep, statutory_sweep_run
from cases.models import Case, CaseEvent, Stage
from cases.services import case_refresh_deadline
from ehcp_portal.accounts.models import Role
from notifications.models import Notification
from tests.factories import (
    AdviceRequestFactory,
    AdviceTeamFactory,
    CaseFactory,
    SettingFactory,
    UserFactory,
    family_for,
)

MONDAY = date(2026, 11, 16)


def _case(**facts) -> Case:
    case = CaseFactory(**facts)
    case_refresh_deadline(case=case, today=MONDAY)
    case.save()
    return case


def _emails(**filters) -> list[Notification]:
    return list(Notification.objects.filter(channel="email", **filters).order_by("id"))


def _decision_due_in(days: int, **facts) -> Case:
    # reg 4(1), 5(1): decision whether to assess 6 weeks after the request was received.
    return _case(
        stage=Stage.DECIDING_ASSESS,
        received_on=MONDAY + timedelta(days=days) - timedelta(weeks=6),
        **facts,
    )


def test_caseworker_is_alerted_7_and_2_days_before_a_deadline(caseworker, team):
    case = _decision_due_in(7, team=team, caseworker=caseworker)
    assert statutory_sweep_run(today=MONDAY) > 0
    alert = _emails(purpose="deadline_alert")
    assert [n.subject for n in alert] == [
        f"{case.reference}: Decision whether to assess due in 7 days"
    ]
    assert alert[0].recipient == caseworker and alert[0].link == f"/cases/{case.reference}/"
    # Days 6 to 3 are still in the 7-day bucket: nothing new.
    for day in range(1, 5):
        statutory_sweep_run(today=MONDAY + timedelta(days=day))
    assert len(_emails(purpose="deadline_alert")) == 1
    statutory_sweep_run(today=MONDAY + timedelta(days=5))
    assert _emails(purpose="deadline_alert")[-1].subject.endswith("due in 2 days")


def test_a_missed_sweep_catches_up_with_the_offset_it_owes(caseworker, team):
    _decision_due_in(5, team=team, caseworker=caseworker)
    statutory_sweep_run(today=MONDAY)
    assert [n.subject.rsplit(" due ", 1)[1] for n in _emails(purpose="deadline_alert")] == [
        "in 5 days"
    ]


def test_no_alert_beyond_ten_days_or_on_closed_cases(caseworker, team):
    _decision_due_in(11, team=team, caseworker=caseworker)
    closed = _decision_due_in(2, team=team, caseworker=caseworker)
    Case.objects.filter(pk=closed.pk).update(is_open=False, stage=Stage.WITHDRAWN)
    statutory_sweep_run(today=MONDAY)
    assert _emails(purpose="deadline_alert") == []


def test_breach_alerts_the_manager_once_then_weekly_in_a_digest(caseworker, manager, team):
    case = _decision_due_in(-1, team=team, caseworker=caseworker)
    statutory_sweep_run(today=MONDAY)
    breach = _emails(purpose="deadline_breach")
    assert [n.recipient for n in breach] == [manager]
    assert "missed" in breach[0].subject and case.reference in breach[0].subject
    for day in range(1, 7):
        statutory_sweep_run(today=MONDAY + timedelta(days=day))
    assert len(_emails(purpose="deadline_breach")) == 1
    assert _emails(purpose="breach_digest") == []  # the individual alert covered this week
    statutory_sweep_run(today=MONDAY + timedelta(days=7))
    statutory_sweep_run(today=MONDAY + timedelta(days=8))
    digests = _emails(purpose="breach_digest")
    assert len(digests) == 1 and case.reference in digests[0].body
    assert len(_emails(purpose="deadline_breach")) == 1
    statutory_sweep_run(today=MONDAY + timedelta(days=14))
    assert len(_emails(purpose="breach_digest")) == 2


def test_a_weekly_digest_missed_on_its_day_goes_later_that_week_and_only_once(
    caseworker, manager, team
):
    """The digest is owed from its weekday until a day's run has queued it: beat down on
    Monday, Wednesday's run sends it (with the breach), and Thursday's does not read it again."""
    case = _decision_due_in(-10, team=team, caseworker=caseworker)
    statutory_sweep_run(today=MONDAY + timedelta(days=2))  # Wednesday: Monday was missed
    digests = _emails(purpose="breach_digest")
    assert len(digests) == 1 and case.reference in digests[0].body
    later = _decision_due_in(-9, team=team, caseworker=caseworker)
    statutory_sweep_run(today=MONDAY + timedelta(days=3))
    assert len(_emails(purpose="breach_digest")) == 1
    assert later.reference in _emails(purpose="deadline_breach")[-1].subject  # still alerted
    statutory_sweep_run(today=MONDAY + timedelta(days=7))  # the next Monday: both listed
    digests = _emails(purpose="breach_digest")
    assert len(digests) == 2
    assert case.reference in digests[-1].body and later.reference in digests[-1].body


def test_advice_reminders_before_on_and_after_the_due_date_with_escalation(caseworker, team):
    giver = UserFactory(role=Role.ADVICE_GIVER)
    lead = UserFactory(role=Role.ADVICE_GIVER)
    AdviceTeamFactory(name="EP service", members=[giver], lead=lead)
    case = _case(team=team, caseworker=caseworker, assessing=True)
    request = AdviceRequestFactory(
        case=case, addressee=giver, requested_on=MONDAY - timedelta(weeks=4)
    )  # due in 14 days
    statutory_sweep_run(today=MONDAY)
    request.refresh_from_db()
    assert request.state == "reminded" and request.last_reminded_on == MONDAY
    event = CaseEvent.objects.get(case=case, kind="advice_reminded")
    assert event.summary == "Reminder sent: educational psychology advice due in 14 days"
    assert [n.subject.split(" is due ")[1] for n in _emails(purpose="advice_reminder")] == [
        "in 14 days"
    ]
    for day in range(1, 23):
        statutory_sweep_run(today=MONDAY + timedelta(days=day))
    reminders = [n.subject.split(" is due ")[1] for n in _emails(purpose="advice_reminder")]
    assert reminders == ["in 14 days", "in 7 days", "in 2 days", "today"]
    # Overdue on day 15 (1 day late) and day 22 (8 days late): weekly.
    overdue = _emails(purpose="advice_overdue")
    assert [n.recipient for n in overdue] == [giver, giver]
    escalated = _emails(purpose="advice_escalation")
    assert {n.recipient for n in escalated} == {lead, caseworker}
    assert len(escalated) == 4
    assert all("EP service" not in n.body and str(giver) in n.body for n in escalated)


def test_reminders_stop_once_advice_is_received(caseworker, team):
    case = _case(team=team, caseworker=caseworker, assessing=True)
    request = AdviceRequestFactory(case=case, requested_on=MONDAY - timedelta(weeks=6))
    AdviceRequest.objects.filter(pk=request.pk).update(state="received")
    for day in range(0, 15):
        statutory_sweep_run(today=MONDAY + timedelta(days=day))
    assert Notification.objects.filter(purpose__startswith="advice").count() == 0


def test_team_inbox_requests_remind_every_member(caseworker, team):
    a, b = UserFactory(role=Role.ADVICE_GIVER), UserFactory(role=Role.ADVICE_GIVER)
    inbox = AdviceTeamFactory(members=[a, b])
    AdviceRequestFactory(
        case=_case(team=team, caseworker=caseworker, assessing=True),
        addressee=None,
        team=inbox,
        requested_on=MONDAY - timedelta(weeks=5),
    )
    statutory_sweep_run(today=MONDAY)
    assert {n.recipient for n in _emails(purpose="advice_reminder")} == {a, b}


def test_requests_to_a_school_remind_its_active_staff(caseworker, team):
    school = SettingFactory()
    senco, deputy = (UserFactory(role=Role.SCHOOL, setting=school) for _ in range(2))
    UserFactory(role=Role.SCHOOL, setting=school, is_active=False)
    UserFactory(role=Role.SCHOOL, setting=SettingFactory())
    AdviceRequestFactory(
        case=_case(team=team, caseworker=caseworker, assessing=True),
        source="setting",
        addressee=None,
        setting=school,
        requested_on=MONDAY - timedelta(weeks=5),
    )
    statutory_sweep_run(today=MONDAY)
    assert {n.recipient for n in _emails(purpose="advice_reminder")} == {senco, deputy}
    # Once overdue, the staff are chased and the caseworker is told which school is late.
    statutory_sweep_run(today=MONDAY + timedelta(weeks=1, days=1))
    assert {n.recipient for n in _emails(purpose="advice_overdue")} == {senco, deputy}
    (escalation,) = _emails(purpose="advice_escalation")
    assert escalation.recipient == caseworker and school.name in escalation.body


def test_family_reminders_for_the_draft_and_the_annual_review(caseworker, team):
    draft = _case(
        team=team,
        caseworker=caseworker,
        stage=Stage.DRAFT_WITH_FAMILY,
        received_on=MONDAY - timedelta(weeks=15),
        assessment_decision_on=MONDAY - timedelta(weeks=10),
        issue_decision_on=MONDAY - timedelta(weeks=2),
        draft_issued_on=MONDAY - timedelta(days=9),  # last day to comment: in 5 days
    )
    parent = family_for(draft)
    review = _case(
        team=team,
        caseworker=caseworker,
        stage=Stage.MAINTAINED,
        received_on=date(2025, 6, 1),
        assessment_decision_on=date(2025, 7, 1),
        issue_decision_on=date(2025, 9, 1),
        final_issued_on=date(2025, 12, 14),  # annual review due 14 December 2026
    )
    carer = family_for(review)
    statutory_sweep_run(today=MONDAY)
    closing = _emails(purpose="draft_comments_closing")
    assert [n.recipient for n in closing] == [parent]
    assert "21 November 2026" in closing[0].subject
    assert closing[0].link == f"/track/{draft.reference}/"
    coming = _emails(purpose="annual_review_coming")
    assert [n.recipient for n in coming] == [carer] and "14 December 2026" in coming[0].subject


def test_morning_digest_lists_what_is_due_today_and_this_week(caseworker, team):
    today_case = _decision_due_in(0, team=team, caseworker=caseworker)
    week_case = _decision_due_in(4, team=team, caseworker=caseworker)
    later = _decision_due_in(9, team=team, caseworker=caseworker)
    statutory_sweep_run(today=MONDAY)
    digest = _emails(purpose="morning_digest")
    assert len(digest) == 1 and digest[0].subject == "Due today: 1; due this week: 1"
    assert today_case.reference in digest[0].body and week_case.reference in digest[0].body
    assert later.reference not in digest[0].body
    statutory_sweep_run(today=MONDAY)
    assert len(_emails(purpose="morning_digest")) == 1
    statutory_sweep_run(today=MONDAY + timedelta(days=1))
    assert len(_emails(purpose="morning_digest")) == 2


def test_opted_out_users_get_in_app_only_for_non_statutory_alerts(team):
    quiet = UserFactory(role=Role.CASEWORKER, team=team, email_opt_in=False)
    _decision_due_in(2, team=team, caseworker=quiet)
    statutory_sweep_run(today=MONDAY)
    statuses = {
        (n.channel, n.status)
        for n in Notification.objects.filter(recipient=quiet, purpose="deadline_alert")
    }
    assert statuses == {("in_app", "sent"), ("email", "skipped")}


def _world(n: int, team, caseworker, manager) -> None:
    giver = UserFactory(role=Role.ADVICE_GIVER)
    AdviceTeamFactory(members=[giver], lead=UserFactory(role=Role.ADVICE_GIVER))
    for i in range(n):
        _decision_due_in(i % 12 - 2, team=team, caseworker=caseworker)
        case = _case(team=team, caseworker=caseworker, assessing=True)
        family_for(case)
        AdviceRequestFactory(
            case=case, addressee=giver, requested_on=MONDAY - timedelta(days=30 + i % 20)
        )


def _snapshot() -> tuple:
    return (
        sorted(Notification.objects.values_list("idempotency_key", "status")),
        sorted(AdviceRequest.objects.values_list("pk", "state", "last_reminded_on")),
        CaseEvent.objects.count(),
    )


def test_running_twice_in_a_day_changes_nothing(team, caseworker, manager):
    _world(12, team, caseworker, manager)
    first = statutory_sweep(today=MONDAY)
    assert first.queued > 0 and first.advice_reminded > 0
    before = _snapshot()
    second = statutory_sweep(today=MONDAY)
    assert (second.queued, second.advice_reminded) == (0, 0)
    assert _snapshot() == before


def test_query_count_does_not_grow_with_the_number_of_cases(
    team, caseworker, manager, django_assert_max_num_queries
):
    counts = []
    for size, day in ((4, 0), (40, 1)):
        _world(size, team, caseworker, manager)
        # The day's run record (a savepoint pair and its get-or-create), templates, whether the
        # week's breach digest is owed, then for the one batch of cases: the cases, family
        # members, the keys already queued, the recipients' contact choices, the cases'
        # addresses, the INSERT, the progress UPDATE, the commit setting and the savepoint
        # pair; the
        # digests (the same, less the cases and family members); advice teams, staff of
        # schools asked for advice, then the batch of advice requests (read, channels,
        # INSERT, "reminded" UPDATE, timeline events, progress); the reads that end each
        # keyset loop and "finished". The same for 4 cases as for 44.
        with django_assert_max_num_queries(46), CaptureQueriesContext(connection) as queries:
            result = statutory_sweep(today=MONDAY + timedelta(days=day), batch_size=1000)
        assert result.queued > size  # every new case produced messages
        assert result.batches == 3  # cases, digests, advice
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_queries_grow_by_a_fixed_number_per_batch(team, caseworker, manager):
    """Batches of 10 cases: each batch of cases costs the same number of queries, so the
    sweep over 1,000,000 cases is 200 batches of 5,000, each a handful of queries."""
    _world(30, team, caseworker, manager)  # 60 due cases, 30 advice requests
    counts = {}
    for day, size in ((0, 1000), (1, 20), (2, 10)):
        with CaptureQueriesContext(connection) as queries:
            result = statutory_sweep(today=MONDAY + timedelta(days=day), batch_size=size)
        counts[size] = (len(queries), result.batches)
    (q_1000, b_1000), (q_20, b_20), (q_10, b_10) = counts[1000], counts[20], counts[10]
    assert b_1000 < b_20 < b_10
    # At most 10 a batch: its rows, family members, the keys already in the outbox, and for
    # the new messages their recipients, addresses and the INSERT, the progress UPDATE, the
    # commit setting and the savepoint pair (a batch whose messages are all known already
    # skips the three).
    for queries, batches in ((q_20, b_20), (q_10, b_10)):
        assert queries <= q_1000 + 10 * (batches - b_1000)


def test_missed_deadline_with_a_recorded_exception_is_not_a_breach(caseworker, manager, team):
    from cases.models import DeadlineException, ExceptionReason

    excepted = _decision_due_in(-1, team=team, caseworker=caseworker)
    DeadlineException.objects.create(
        case=excepted,
        deadline_key="decision_to_assess",
        reason=ExceptionReason.SCHOOL_CLOSURE,
        starts_on=MONDAY - timedelta(days=30),
        evidence="School closed for the summer",
        family_told_on=MONDAY - timedelta(days=20),
    )
    breached = _decision_due_in(-1, team=team, caseworker=caseworker)
    statutory_sweep_run(today=MONDAY)
    # reg 10(4): the council need not comply where an exception applies: no breach alert.
    assert [n.case_id for n in _emails(purpose="deadline_breach")] == [breached.pk]
    statutory_sweep_run(today=MONDAY + timedelta(days=8))
    assert [n.case_id for n in _emails(purpose="deadline_breach")] == [breached.pk]
    (digest,) = _emails(purpose="breach_digest")
    assert digest.subject.startswith("1 statutory deadline")
    missed_part, excepted_part = digest.body.split("with a recorded exception")
    assert breached.reference in missed_part and excepted.reference not in missed_part
    assert f"{excepted.reference}: Decision whether to assess" in excepted_part
    assert "(excepted)" in excepted_part
