"""Letters made by a real worker process through Redis: a decision letter appears once the worker
has made it, and a bulk send whose worker is killed mid-run (SIGKILL) and restarted sends every
letter exactly once."""

from __future__ import annotations

import os
import signal
import time

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases.correspondence import services
from cases.correspondence.models import BulkLetter, BulkSend, LetterJob
from cases.models import CaseEvent, Document, Stage
from ehcp_portal.celery import app as celery_app
from notifications.models import Notification
from tests.cases.correspondence.helpers import school_cohort
from tests.factories import CaseFactory, SettingFactory, family_for
from tests.worker import celery_worker, wait_until

# The tasks are sent, after commit, to the default queue: the worker listens there, emptied first.
QUEUE = "celery"


@pytest.mark.worker
def test_a_decision_letter_appears_when_the_worker_has_made_it(transactional_db, team, caseworker):
    celery_app.control.purge()
    case = CaseFactory(team=team, caseworker=caseworker, stage=Stage.DECIDING_ASSESS)
    parent = family_for(case)
    client = Client()
    client.force_login(caseworker)
    today = timezone.localdate()
    started = time.monotonic()
    response = client.post(
        reverse("casework:case_action", args=[case.reference]),
        {
            "action": "refuse_to_assess",
            "on_0": today.day,
            "on_1": today.month,
            "on_2": today.year,
            "reasons": "Needs are met through SEN support.",
        },
    )
    assert response.status_code == 302 and time.monotonic() - started < 1.0
    page = client.get(response["Location"]).content.decode()
    assert "The decision letter is being prepared" in page

    with celery_worker(queue=QUEUE) as worker:
        made = wait_until(
            lambda: LetterJob.objects.filter(case=case, status="made").exists(), timeout=60
        )
        assert made, worker.log.read_text()[-3000:]
    status = client.get(reverse("correspondence:case_letters_status", args=[case.reference]))
    assert status.json()["waiting"] == 0 and len(status.json()["made"]) == 1
    assert Document.objects.filter(case=case, kind=Document.Kind.LETTER).count() == 1
    assert Notification.objects.filter(recipient=parent, purpose="decision_letter").count() == 2


@pytest.mark.worker
def test_a_bulk_send_survives_a_killed_worker_and_sends_each_letter_once(
    transactional_db, team, manager
):
    celery_app.control.purge()
    school = SettingFactory(area=team.area)
    cases = school_cohort(team, school, 40)
    for case in cases:
        family_for(case)
    bulk = services.bulk_send_create(
        actor=manager,
        area_id=team.area_id,
        cohort="school",
        cohort_year=None,
        cohort_setting_id=school.pk,
        title="Open evening",
        body="Dear family of {child}, come to our open evening.",
    )

    def sent() -> int:
        return BulkSend.objects.get(pk=bulk.pk).sent

    with celery_worker(queue=QUEUE) as worker:
        assert wait_until(lambda: sent() >= 5, timeout=90), worker.log.read_text()[-3000:]
        os.killpg(worker.pid, signal.SIGKILL)  # mid-run, no chance to finish or clean up
        worker.wait()
    at_kill = sent()
    assert 5 <= at_kill < 40, at_kill
    assert BulkSend.objects.get(pk=bulk.pk).status == BulkSend.Status.SENDING

    with celery_worker(queue=QUEUE) as worker:
        services.bulk_sends_drain()  # the beat's drain finds the send unfinished
        done = wait_until(
            lambda: BulkSend.objects.get(pk=bulk.pk).status == BulkSend.Status.DONE, timeout=180
        )
        assert done, worker.log.read_text()[-3000:]

    bulk.refresh_from_db()
    assert (bulk.sent, bulk.failed, bulk.total) == (40, 0, 40)
    assert BulkLetter.objects.filter(bulk=bulk, status="sent").count() == 40
    for case in cases:
        assert Document.objects.filter(case=case, kind=Document.Kind.LETTER).count() == 1
        assert CaseEvent.objects.filter(case=case, kind="bulk_letter").count() == 1
    # One message per family member and channel: none twice.
    assert Notification.objects.filter(purpose="bulk_letter", channel="in_app").count() == 40
    assert Notification.objects.filter(purpose="bulk_letter", channel="email").count() == 40
