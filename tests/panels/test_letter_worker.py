"""A panel's decision letter is made by a real worker process through Redis: the chair's page
answers at once and says the letter is being prepared, a double click orders one letter, and the
decision points at the letter (and the family is told) once the worker has made it."""

from __future__ import annotations

import time

import pytest
from django.test import Client
from django.urls import reverse

from cases.correspondence.models import LetterJob
from cases.models import Document, Stage
from ehcp_portal.celery import app as celery_app
from notifications.models import Notification
from panels.models import Decision, Meeting
from tests.factories import CaseFactory, family_for
from tests.panels.conftest import hold
from tests.worker import celery_worker, wait_until

QUEUE = "celery"  # the letter tasks go to the default queue after commit
REASONS = "Leo is making good progress with the support his school already gives him."


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_panel_decision_letter_is_made_once_by_the_worker(
    panel_types, team, caseworker, make_meeting, on_agenda
):
    celery_app.control.purge()
    case = CaseFactory(team=team, caseworker=caseworker, stage=Stage.DECIDING_ASSESS)
    parent = family_for(case)
    meeting = make_meeting(status=Meeting.Status.PUBLISHED)
    on_agenda(meeting, case)
    hold(meeting)
    client = Client()
    client.force_login(meeting.chair)
    url = reverse("panels:decision", args=[meeting.pk])
    posted = {"case": case.reference, "outcome": "refuse", "reasons": REASONS}

    started = time.monotonic()
    response = client.post(url, posted)
    assert response.status_code == 302 and time.monotonic() - started < 1.0
    assert client.post(url, posted).status_code == 302  # the double click
    page = client.get(response["Location"]).content.decode()
    assert "The letter is being prepared" in page and "(letter being prepared)" in page
    assert LetterJob.objects.filter(case=case).count() == 1
    assert not Document.objects.filter(case=case, kind=Document.Kind.LETTER).exists()

    with celery_worker(queue=QUEUE) as worker:
        made = wait_until(
            lambda: Decision.objects.filter(letter__isnull=False).exists(), timeout=60
        )
        assert made, worker.log.read_text()[-3000:]

    decision = Decision.objects.get()
    assert decision.letter.case_id == case.pk and decision.letter_sent_on is not None
    assert Document.objects.filter(case=case, kind=Document.Kind.LETTER).count() == 1
    told = Notification.objects.filter(recipient=parent, purpose="decision_letter")
    assert told.filter(channel="email").count() == 1
    page = client.get(reverse("panels:meeting", args=[meeting.pk])).content.decode()
    assert "letter sent" in page and "letter being prepared" not in page


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_closing_a_meeting_answers_at_once_and_a_worker_makes_the_minutes(
    panel_types, team, caseworker, make_meeting, on_agenda
):
    celery_app.control.purge()
    case = CaseFactory(team=team, caseworker=caseworker, stage=Stage.DECIDING_ASSESS)
    meeting = make_meeting(status=Meeting.Status.PUBLISHED)
    on_agenda(meeting, case)
    hold(meeting)
    client = Client()
    client.force_login(meeting.chair)
    posted = {"case": case.reference, "outcome": "agree", "reasons": REASONS}
    assert client.post(reverse("panels:decision", args=[meeting.pk]), posted).status_code == 302

    started = time.monotonic()
    response = client.post(reverse("panels:close", args=[meeting.pk]))
    assert response.status_code == 302 and time.monotonic() - started < 1.0
    page = client.get(response["Location"]).content.decode()
    assert "The minutes are being prepared" in page and "Download the minutes" not in page
    assert not Document.objects.filter(kind=Document.Kind.MINUTES).exists()

    with celery_worker(queue=QUEUE) as worker:
        made = wait_until(
            lambda: Meeting.objects.filter(pk=meeting.pk, minutes__isnull=False).exists(),
            timeout=60,
        )
        assert made, worker.log.read_text()[-3000:]

    assert Document.objects.filter(kind=Document.Kind.MINUTES).count() == 1
    page = client.get(reverse("panels:meeting", args=[meeting.pk])).content.decode()
    assert "Download the minutes" in page and "Being prepared" not in page
