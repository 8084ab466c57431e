"""A double click on a panel decision, as two real database sessions racing: one decision, one
letter, one email to the family, and no error page for either click."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from cases.correspondence.models import LetterJob
from cases.models import Document, Stage
from notifications.models import Notification
from panels.models import Decision, Meeting
from tests.factories import CaseFactory, family_for
from tests.letters import letters_made_by_worker
from tests.panels.conftest import hold

REASONS = "Leo is making good progress with the support his school already gives him."


def race(posts: list[tuple[Client, str, dict[str, str]]]) -> list[int]:
    """POST from each client at the same moment, each thread with its own connection."""
    barrier = threading.Barrier(len(posts))
    statuses: list[int] = []
    errors: list[BaseException] = []

    def post(client: Client, url: str, data: dict[str, str]) -> None:
        try:
            barrier.wait()
            statuses.append(client.post(url, data).status_code)
        except BaseException as exc:  # surfaced in the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=p) for p in posts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    return statuses


@pytest.mark.django_db(transaction=True)
def test_a_double_click_on_a_panel_decision_records_it_once(
    panel_types, team, caseworker, make_meeting, on_agenda
):
    case = CaseFactory(team=team, caseworker=caseworker, stage=Stage.DECIDING_ASSESS)
    parent = family_for(case)
    meeting = make_meeting(status=Meeting.Status.PUBLISHED)
    on_agenda(meeting, case)
    hold(meeting)
    clicks = []
    for _ in range(2):
        client = Client()
        client.force_login(meeting.chair)
        clicks.append(
            (
                client,
                reverse("panels:decision", args=[meeting.pk]),
                {"case": case.reference, "outcome": "refuse", "reasons": REASONS},
            )
        )

    statuses = race(clicks)

    assert sorted(statuses) == [302, 302]  # both clicks land on the same outcome
    assert Decision.objects.count() == 1
    case.refresh_from_db()
    assert case.stage == Stage.NOT_ASSESSING
    assert case.events.filter(kind="refuse_to_assess").count() == 1
    assert LetterJob.objects.filter(case=case).count() == 1
    assert letters_made_by_worker() == 1
    assert Document.objects.filter(case=case, kind=Document.Kind.LETTER).count() == 1
    told = Notification.objects.filter(recipient=parent, purpose="decision_letter")
    assert told.filter(channel="email").count() == 1
    assert told.filter(channel="in_app").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_changed_panel_decision_still_makes_a_new_version_and_letter(
    panel_types, team, caseworker, make_meeting, on_agenda
):
    from panels.services import decision_record

    case = CaseFactory(team=team, caseworker=caseworker, stage=Stage.DECIDING_ASSESS)
    parent = family_for(case)
    meeting = make_meeting(status=Meeting.Status.PUBLISHED)
    on_agenda(meeting, case)
    hold(meeting)
    for reasons in (REASONS, REASONS, REASONS + " Reviewed again."):
        decision_record(
            meeting=meeting, case=case, actor=meeting.chair, outcome="refuse", reasons=reasons
        )

    assert Decision.objects.count() == 2
    assert letters_made_by_worker() == 2
    assert Document.objects.filter(case=case, kind=Document.Kind.LETTER).count() == 2
    told = Notification.objects.filter(recipient=parent, purpose="decision_letter")
    assert told.filter(channel="email").count() == 2
