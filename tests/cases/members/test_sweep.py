"""Reminders before the reply target and escalation after it, through the outbox, once each."""

from __future__ import annotations

from datetime import date

import pytest

from cases.members.models import EnquiryStatus
from cases.members.services import member_enquiries_sweep_run
from cases.members.tasks import member_enquiries_sweep
from ehcp_portal.accounts.models import Role
from notifications.models import Notification
from tests.cases.members.factories import MemberEnquiryFactory
from tests.factories import TeamFactory, UserFactory
from tests.worker import celery_worker, wait_until

RECEIVED = date(2026, 12, 21)  # target Thu 7 Jan 2027 (10 working days over Christmas)


@pytest.fixture
def christmas_enquiry(member, case, caseworker, manager):
    return MemberEnquiryFactory(
        member=member,
        case=case,
        area=case.area,
        assigned_officer=caseworker,
        status=EnquiryStatus.ASSIGNED,
        received_on=RECEIVED,
    )


def _sent(purpose: str) -> list[tuple[int, str]]:
    return sorted(
        Notification.objects.filter(purpose=purpose).values_list("recipient_id", "channel")
    )


def test_reminder_goes_to_the_officer_two_working_days_before_the_target(
    christmas_enquiry, caseworker
):
    assert christmas_enquiry.target_reply_on == date(2027, 1, 7)
    # Thu 31 Dec and Mon 4 Jan: the target is more than 2 working days away.
    for today in (date(2026, 12, 31), date(2027, 1, 4)):
        assert member_enquiries_sweep_run(today=today) == 0
    # Tue 5 Jan: Wed 6 and Thu 7 are the two working days left.
    assert member_enquiries_sweep_run(today=date(2027, 1, 5)) == 2  # in-app and email
    assert _sent("member_enquiry_reminder") == [
        (caseworker.pk, "email"),
        (caseworker.pk, "in_app"),
    ]
    # Running again (a retried task, a beat firing twice, the next day) sends nothing new.
    assert member_enquiries_sweep_run(today=date(2027, 1, 5)) == 0
    assert member_enquiries_sweep_run(today=date(2027, 1, 7)) == 0
    assert not Notification.objects.filter(purpose="member_enquiry_escalation").exists()


def test_escalation_goes_to_the_team_manager_the_day_after_the_target(christmas_enquiry, manager):
    member_enquiries_sweep_run(today=date(2027, 1, 7))  # due today: a reminder, no escalation
    assert not Notification.objects.filter(purpose="member_enquiry_escalation").exists()
    assert member_enquiries_sweep_run(today=date(2027, 1, 8)) == 2
    assert _sent("member_enquiry_escalation") == [(manager.pk, "email"), (manager.pk, "in_app")]
    escalation = Notification.objects.get(purpose="member_enquiry_escalation", channel="in_app")
    assert "7 January 2027" in escalation.subject
    assert member_enquiries_sweep_run(today=date(2027, 1, 11)) == 0  # once, not daily


def test_answered_and_closed_queries_are_left_alone(christmas_enquiry):
    christmas_enquiry.status = EnquiryStatus.ANSWERED
    christmas_enquiry.reply = "Done"
    christmas_enquiry.save()
    MemberEnquiryFactory(
        received_on=RECEIVED, status=EnquiryStatus.CLOSED, closed_reason="Duplicate"
    )
    assert member_enquiries_sweep_run(today=date(2027, 1, 20)) == 0


def test_unassigned_query_reminds_and_escalates_to_the_areas_managers(member, db):
    team = TeamFactory()
    manager = UserFactory(role=Role.TEAM_MANAGER, team=team)
    team.manager = manager
    team.save()
    elsewhere = TeamFactory()
    other_manager = UserFactory(role=Role.TEAM_MANAGER, team=elsewhere)
    elsewhere.manager = other_manager
    elsewhere.save()
    MemberEnquiryFactory(member=member, area=team.area, received_on=RECEIVED)
    member_enquiries_sweep_run(today=date(2027, 1, 6))
    member_enquiries_sweep_run(today=date(2027, 1, 8))
    assert {r for r, _ in _sent("member_enquiry_reminder")} == {manager.pk}
    assert {r for r, _ in _sent("member_enquiry_escalation")} == {manager.pk}


@pytest.mark.worker
def test_the_beat_task_runs_in_a_real_worker(transactional_db, settings):
    team = TeamFactory()
    manager = UserFactory(role=Role.TEAM_MANAGER, team=team)
    team.manager = manager
    team.save()
    enquiry = MemberEnquiryFactory(area=team.area, received_on=date(2020, 1, 6))
    assert "member-enquiries-sweep" in settings.CELERY_BEAT_SCHEDULE
    with celery_worker() as worker:
        member_enquiries_sweep.apply_async(queue=worker.queue)
        assert wait_until(
            lambda: Notification.objects.filter(
                purpose="member_enquiry_escalation", recipient=manager
            ).exists()
        ), worker.log.read_text()[-2000:]
    assert f"member_enquiry:{enquiry.pk}:escalation:2020-01-20" in (
        Notification.objects.filter(purpose="member_enquiry_escalation")
        .values_list("idempotency_key", flat=True)
        .first()
    )
