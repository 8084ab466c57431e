"""Decision letters from the case page are made by the worker through an outbox: the job is
written with the decision, the family is told once the PDF exists, a job is made once however
often it is asked for, and a job the broker never heard of is picked up by the drain."""

from __future__ import annotations

import contextlib
import time
from datetime import timedelta
from unittest import mock

from django.urls import reverse
from django.utils import timezone

from cases.correspondence import services
from cases.correspondence.models import LetterJob
from cases.models import Document, Stage
from notifications.models import Notification
from tests.factories import CaseFactory, UserFactory, family_for
from tests.letters import letters_made_by_worker


def _refuse(client, case):
    today = timezone.localdate()
    return client.post(
        reverse("casework:case_action", args=[case.reference]),
        {
            "action": "refuse_to_assess",
            "on_0": today.day,
            "on_1": today.month,
            "on_2": today.year,
            "reasons": "Needs are met through SEN support.",
        },
    )


def test_the_decision_answers_at_once_and_the_page_says_the_letter_is_being_prepared(
    client, team, caseworker
):
    case = CaseFactory(team=team, caseworker=caseworker, stage=Stage.DECIDING_ASSESS)
    parent = family_for(case)
    client.force_login(caseworker)

    started = time.monotonic()
    response = _refuse(client, case)
    elapsed = time.monotonic() - started
    assert response.status_code == 302
    assert elapsed < 1.0, elapsed  # no PDF is made in the request

    job = LetterJob.objects.get(case=case)
    assert job.status == LetterJob.Status.WAITING
    assert not Document.objects.filter(case=case, kind=Document.Kind.LETTER).exists()
    # The family hears of the letter only once it exists.
    assert not Notification.objects.filter(recipient=parent, purpose="decision_letter").exists()
    page = client.get(response["Location"]).content.decode()
    assert "The decision letter is being prepared" in page
    assert 'src="/static/js/letters.js"' in page or "letters.js" in page

    assert letters_made_by_worker() == 1
    letter = Document.objects.get(case=case, kind=Document.Kind.LETTER)
    assert Notification.objects.filter(recipient=parent, purpose="decision_letter").count() == 2
    page = client.get(response["Location"]).content.decode()
    assert "The decision letter is ready" in page
    assert reverse("cases:document_download", args=[letter.public_id]) in page

    status = client.get(reverse("correspondence:case_letters_status", args=[case.reference]))
    assert status.json()["waiting"] == 0
    assert status.json()["made"][0]["url"].endswith(f"{letter.public_id}/")


def test_a_job_is_made_once_however_often_the_worker_is_asked(client, team, caseworker):
    case = CaseFactory(team=team, caseworker=caseworker, stage=Stage.DECIDING_ASSESS)
    family_for(case)
    client.force_login(caseworker)
    _refuse(client, case)
    job = LetterJob.objects.get(case=case)

    assert services.letter_job_make(job.pk) is True
    assert services.letter_job_make(job.pk) is False
    assert Document.objects.filter(case=case, kind=Document.Kind.LETTER).count() == 1
    job.refresh_from_db()
    assert job.status == LetterJob.Status.MADE and job.document is not None


def test_the_drain_asks_again_for_a_job_the_broker_lost(
    client, team, caseworker, django_capture_on_commit_callbacks
):
    case = CaseFactory(team=team, caseworker=caseworker, stage=Stage.DECIDING_ASSESS)
    client.force_login(caseworker)
    from cases.correspondence.tasks import letter_job_make_task

    # The broker is down when the decision is recorded: the decision still stands.
    down = mock.patch.object(letter_job_make_task, "delay", side_effect=ConnectionError("down"))
    with down, django_capture_on_commit_callbacks(execute=True):
        assert _refuse(client, case).status_code == 302
    job = LetterJob.objects.get(case=case)
    case.refresh_from_db()
    assert case.stage == Stage.NOT_ASSESSING and job.status == LetterJob.Status.WAITING

    asked = []
    with mock.patch.object(letter_job_make_task, "delay", side_effect=asked.append):
        assert services.letter_jobs_drain() == 0  # too recent: the first ask may still arrive
        later = timezone.now() + services.LETTER_JOB_RETRY_AFTER + timedelta(seconds=1)
        assert services.letter_jobs_drain(now=later) == 1
    assert asked == [job.pk]


def test_a_letter_that_fails_to_render_is_retried_then_marked_failed(client, team, caseworker):
    case = CaseFactory(team=team, caseworker=caseworker, stage=Stage.DECIDING_ASSESS)
    client.force_login(caseworker)
    _refuse(client, case)
    job = LetterJob.objects.get(case=case)
    with mock.patch(
        "cases.letters.decision_letter_pdf", side_effect=OSError("storage unavailable")
    ):
        for _ in range(services.LETTER_JOB_MAX_ATTEMPTS):
            with contextlib.suppress(OSError):
                services.letter_job_make(job.pk)
    job.refresh_from_db()
    assert job.status == LetterJob.Status.FAILED and "storage unavailable" in job.error
    page = client.get(reverse("casework:case_detail", args=[case.reference])).content.decode()
    assert "The decision letter could not be made" in page

    # Once the cause is fixed, the administrator tries again and the letter is made.
    assert services.letter_jobs_retry(job_ids=[job.pk]) == 1
    assert letters_made_by_worker() == 1
    assert Document.objects.filter(case=case, kind=Document.Kind.LETTER).count() == 1


def test_the_status_of_another_area_s_case_is_not_found(client, team, caseworker):
    case = CaseFactory(team=team, caseworker=caseworker)
    stranger = UserFactory(role="caseworker", team=CaseFactory().team)
    parent = UserFactory(role="parent")
    url = reverse("correspondence:case_letters_status", args=[case.reference])
    for user in (stranger, parent):
        client.force_login(user)
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to sign in


def test_two_workers_asked_for_the_same_letter_at_once_make_one(transactional_db):
    import threading

    from django.db import connection

    from cases.workflow import case_transition_record

    case = CaseFactory(stage=Stage.DECIDING_ASSESS)
    family_for(case)
    case_transition_record(
        case=case,
        action="refuse_to_assess",
        actor=None,
        reasons="Needs are met through SEN support.",
        letter_later=True,
    )
    job = LetterJob.objects.get(case=case)
    barrier = threading.Barrier(2)
    results: list[bool] = []

    def worker() -> None:
        try:
            barrier.wait()
            results.append(services.letter_job_make(job.pk))
        finally:
            connection.close()  # each thread is its own database session

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, True]
    assert Document.objects.filter(case=case, kind=Document.Kind.LETTER).count() == 1
    assert Notification.objects.filter(case=case, purpose="decision_letter").count() == 2
