"""The schools app's daily run, with time travel: reviews due and not started in time,
provision confirmations due and provision gaps are each raised exactly once (a task for the
caseworker where work is needed, messages through the outbox), however often the run goes.
Dates hand-worked: the plan was made on 10 Mar 2026, so its review must be decided by 10 Mar
2027 (s.44(1)); the invitations must go by 27 Jan 2027 (6 weeks before: 4 weeks to decide after
the meeting, reg 20(10), and 2 weeks' notice, reg 20(3)); the school is told 6 weeks before
that, on 16 Dec 2026."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from cases.casework.models import CaseTask
from cases.plans.models import Review
from cases.reporting.figures import Figure, cases_behind
from cases.reporting.periods import Period
from cases.schools.alerts import schools_daily
from cases.schools.models import Delivery, ProvisionConfirmation, SchoolAlert
from cases.schools.selectors import school_alert_figures
from cases.schools.terms import term_of
from notifications.models import Notification
from tests.schools.conftest import final_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def year4_plan(team, caseworker, school):
    return final_plan(team, caseworker, school, year_group="Year 4")


def _run(day: date):
    with time_machine.travel(day):
        return schools_daily(day)


def test_a_review_due_is_scheduled_and_the_school_told_once(year4_plan, senco, caseworker):
    assert _run(date(2026, 12, 15)).reviews_scheduled == 0
    assert not Review.objects.exists()
    first = _run(date(2026, 12, 16))
    assert (first.reviews_scheduled, first.review_due) == (1, 1)
    assert Review.objects.get().complete_by == date(2027, 3, 10)
    again = _run(date(2026, 12, 16))
    later = _run(date(2026, 12, 20))
    assert (again.review_due, later.review_due, later.reviews_scheduled) == (0, 0, 0)
    told = Notification.objects.filter(purpose="school_review_due")
    assert told.filter(recipient=senco).count() == 2  # in the portal and by email, once
    assert told.filter(recipient=caseworker).count() == 2
    assert "by 27 January 2027" in told.filter(recipient=senco).first().body


def test_a_phase_transfer_review_is_due_earlier(plan, senco):
    # Year 6: reviewed and amended by 15 Feb 2027 (reg 18(1)); invitations by 4 Jan 2027, so
    # the school is told on 23 Nov 2026.
    assert _run(date(2026, 11, 22)).reviews_scheduled == 0
    assert _run(date(2026, 11, 23)).review_due == 1
    assert Review.objects.get().complete_by == date(2027, 2, 15)


def test_a_review_not_started_in_time_raises_one_task(client, year4_plan, senco, caseworker):
    _run(date(2026, 12, 16))
    assert _run(date(2027, 1, 27)).review_late == 0  # the last day for invitations
    assert _run(date(2027, 1, 28)).review_late == 1
    assert _run(date(2027, 1, 28)).review_late == 0
    assert _run(date(2027, 2, 10)).review_late == 0
    task = CaseTask.objects.get(title__startswith="Annual review not started in time")
    assert task.assignee == caseworker and task.due_on == date(2027, 3, 10)
    assert Notification.objects.filter(recipient=senco, purpose="school_review_late").count() == 2
    # The dashboard counts it while the task is open, and lists the case behind the figure.
    figures = {
        f["kind"]: f for f in school_alert_figures(None, date(2027, 1, 1), date(2027, 1, 31))
    }
    assert figures["review_late"] == {**figures["review_late"], "raised": 1, "open": 1}
    period = Period("month", date(2027, 1, 1), date(2027, 1, 31))
    behind = cases_behind(
        Figure("schools", "open", "review_late"),
        area_id=None,
        period=period,
        today=date(2027, 2, 1),
    )
    assert list(behind) == [year4_plan.case]
    task.done_at = task.created_at
    task.save()
    figures = {
        f["kind"]: f for f in school_alert_figures(None, date(2027, 1, 1), date(2027, 1, 31))
    }
    assert figures["review_late"]["open"] == 0


def test_an_arranged_review_is_not_late(client, year4_plan, senco):
    _run(date(2026, 12, 16))
    with time_machine.travel(date(2027, 1, 5)):
        client.force_login(senco)
        client.post(
            reverse("schools:review", args=[year4_plan.case.reference]),
            {
                "meeting_on_0": "2",
                "meeting_on_1": "2",
                "meeting_on_2": "2027",
                "invitees": ["family"],
            },
        )
    assert Review.objects.get().meeting_on == date(2027, 2, 2)
    assert _run(date(2027, 1, 28)).review_late == 0


def test_the_school_is_asked_to_confirm_once_a_term(plan, senco):
    # Autumn 2026 ends on 31 Dec; the school is asked from 10 Dec (3 weeks before).
    assert _run(date(2026, 12, 9)).confirm_due == 0
    assert _run(date(2026, 12, 10)).confirm_due == 1
    assert _run(date(2026, 12, 11)).confirm_due == 0
    asked = Notification.objects.filter(recipient=senco, purpose="school_provision_confirm")
    assert asked.count() == 2
    assert "autumn term 2026" in asked.first().body
    # Spring 2027: asked again, once.
    assert _run(date(2027, 3, 10)).confirm_due == 1
    assert _run(date(2027, 3, 11)).confirm_due == 0


def test_a_school_that_confirmed_is_not_asked(plan, senco):
    term = term_of(date(2026, 12, 1))
    ProvisionConfirmation.objects.create(
        case=plan.case,
        plan=plan,
        item_id="F1",
        item_text="",
        term=term.key,
        party="school",
        status=Delivery.DELIVERED,
    )
    assert _run(date(2026, 12, 10)).confirm_due == 0


def _confirm(plan, day: date, party: str, status: str) -> None:
    ProvisionConfirmation.objects.create(
        case=plan.case,
        plan=plan,
        item_id="F1",
        item_text="Speech and language therapy",
        term=term_of(day).key,
        party=party,
        status=status,
    )


def test_a_term_the_school_was_never_asked_about_is_no_gap(plan):
    # On 5 Nov 2026 the last term ended is summer 2026, before the portal asked the school.
    assert _run(date(2026, 11, 5)).provision_gap == 0


def test_provision_not_delivered_is_a_gap_once(plan, caseworker):
    _confirm(plan, date(2026, 7, 1), "school", Delivery.DELIVERED)
    _confirm(plan, date(2026, 11, 5), "school", Delivery.NOT_DELIVERED)
    assert _run(date(2026, 11, 5)).provision_gap == 1  # during the term
    assert _run(date(2026, 11, 6)).provision_gap == 0
    assert _run(date(2027, 1, 2)).provision_gap == 0  # the term ended: the same gap, not again
    task = CaseTask.objects.get(title__startswith="Provision gap")
    assert "F1" in task.title and "not delivered" in task.title
    assert task.assignee == caseworker


def test_school_and_family_disagreeing_is_a_gap_once(plan):
    _confirm(plan, date(2026, 7, 1), "school", Delivery.DELIVERED)
    _confirm(plan, date(2026, 11, 5), "school", Delivery.DELIVERED)
    assert _run(date(2026, 11, 5)).provision_gap == 0
    _confirm(plan, date(2026, 11, 20), "family", Delivery.PARTLY)
    assert _run(date(2026, 11, 20)).provision_gap == 1
    assert _run(date(2027, 1, 2)).provision_gap == 0
    assert (
        "the family says partly delivered" in SchoolAlert.objects.get(kind="provision_gap").detail
    )


def test_no_confirmation_by_the_end_of_term_is_a_gap_once(plan):
    assert _run(date(2026, 12, 10)).confirm_due == 1  # the school is asked
    assert _run(date(2026, 12, 31)).provision_gap == 0  # the term's last day
    assert _run(date(2027, 1, 1)).provision_gap == 1
    assert _run(date(2027, 1, 2)).provision_gap == 0
    assert SchoolAlert.objects.get(kind="provision_gap").key.endswith(":2026-autumn:F1")
    assert CaseTask.objects.filter(title__startswith="Provision gap").count() == 1


def test_the_beat_runs_the_daily_task(settings):
    assert settings.CELERY_BEAT_SCHEDULE["schools-daily"]["task"] == (
        "cases.schools.tasks.schools_daily_run"
    )
