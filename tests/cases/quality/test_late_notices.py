"""Rights when the council is late: the daily task tells the family once per missed deadline,
in plain words with their options and the council's contacts, and explains an excepted one
instead (time travel: the task runs on many days, the message is sent once)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from cases.models import CaseEvent, CouncilProfile, DeadlineException, Stage
from cases.quality.models import LateNotice
from cases.quality.tasks import quality_daily
from cases.services import case_refresh_deadline
from notifications.models import Notification
from tests.factories import CaseFactory, family_for

RECEIVED = date(2026, 1, 5)
# reg 4(2): the decision whether to assess within 6 weeks of the request.
DUE = RECEIVED + timedelta(weeks=6)


def _at(day: date) -> time_machine.travel:
    return time_machine.travel(datetime(day.year, day.month, day.day, 8, 0, tzinfo=UTC))


@pytest.fixture
def council(db):
    profile = CouncilProfile.current()
    profile.name = "Leeshire County Council"
    profile.phone = "0113 000 0000"
    profile.sendiass_name = "Leeshire SENDIASS"
    profile.sendiass_phone = "0113 111 1111"
    profile.save()
    return profile


@pytest.fixture
def late_case(team, caseworker, council):
    with _at(RECEIVED):
        case = CaseFactory(
            team=team, caseworker=caseworker, stage=Stage.DECIDING_ASSESS, received_on=RECEIVED
        )
        case_refresh_deadline(case=case)
    return case


def _in_app(parent, purpose: str):
    return Notification.objects.filter(
        recipient=parent, purpose=purpose, channel=Notification.Channel.IN_APP
    )


def test_the_family_is_told_once_when_the_decision_date_passes(late_case):
    parent = family_for(late_case)
    second_parent = family_for(late_case)
    with _at(DUE):  # due today: not late yet
        quality_daily()
    assert not _in_app(parent, "deadline_late_family").exists()
    for day in (DUE + timedelta(days=1), DUE + timedelta(days=2), DUE + timedelta(days=30)):
        with _at(day):
            quality_daily()
    messages = list(_in_app(parent, "deadline_late_family"))
    assert len(messages) == 1
    body = messages[0].body
    assert f"{DUE:%-d %B %Y}" in body
    assert "we are late" in body
    assert "Ombudsman" in body and "SENDIASS" in body and "judicial review" in body
    assert "0113 000 0000" in body and "Leeshire SENDIASS" in body and "0113 111 1111" in body
    assert "making the decision whether to assess now" in body
    assert _in_app(second_parent, "deadline_late_family").count() == 1
    assert LateNotice.objects.filter(case=late_case).count() == 1
    assert CaseEvent.objects.filter(case=late_case, kind="family_told_late").count() == 1


def test_an_excepted_deadline_is_explained_and_never_called_late(late_case, caseworker):
    parent = family_for(late_case)
    DeadlineException.objects.create(
        case=late_case,
        deadline_key="decision_to_assess",
        reason="personal_circumstances",
        starts_on=RECEIVED + timedelta(days=7),
        evidence="Family in hospital",
        family_told_on=RECEIVED + timedelta(days=8),
        recorded_by=caseworker,
    )
    with _at(RECEIVED):
        case_refresh_deadline(case=late_case)
    for day in (DUE + timedelta(days=1), DUE + timedelta(days=5)):
        with _at(day):
            quality_daily()
    assert not _in_app(parent, "deadline_late_family").exists()
    explained = list(_in_app(parent, "deadline_excepted_family"))
    assert len(explained) == 1
    assert "exceptional personal circumstances" in explained[0].body
    assert "late" not in explained[0].subject.lower()


def test_a_met_deadline_and_the_familys_own_dates_send_nothing(late_case):
    parent = family_for(late_case)
    late_case.assessment_decision_on = DUE - timedelta(days=1)
    late_case.stage = Stage.ASSESSING
    late_case.save()
    with _at(DUE - timedelta(days=1)):
        case_refresh_deadline(case=late_case)
    with _at(DUE + timedelta(days=3)):
        quality_daily()
    assert (
        not Notification.objects.filter(recipient=parent)
        .filter(purpose__in=["deadline_late_family", "deadline_excepted_family"])
        .exists()
    )
