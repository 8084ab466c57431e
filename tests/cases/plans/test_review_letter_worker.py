"""An annual review's cease letter is made by a real worker process through Redis: the page
answers at once and says the letter is being prepared, the same decision posted twice orders one
letter, and the review links the letter once the worker has made it."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases.correspondence.models import LetterJob
from cases.models import Document, Stage
from cases.plans.models import Review
from cases.plans.reviews import review_schedule, review_set_meeting
from ehcp_portal.celery import app as celery_app
from notifications.models import Notification
from tests.cases.plans.test_reviews import _final_plan
from tests.factories import family_for
from tests.worker import celery_worker, wait_until

QUEUE = "celery"
REASONS = "Amara is starting an apprenticeship without further education."


@pytest.mark.worker
def test_a_review_cease_letter_is_made_once_by_the_worker(transactional_db, team, caseworker):
    celery_app.control.purge()
    plan = _final_plan(team, caseworker, year_group="Year 11")
    case = plan.case
    parent = family_for(case)
    today = timezone.localdate()
    review = review_schedule(plan=plan, actor=caseworker)
    review_set_meeting(
        review=review,
        meeting_on=today - timedelta(days=3),
        invitations_sent_on=today - timedelta(days=30),
        actor=caseworker,
    )
    client = Client()
    client.force_login(caseworker)
    url = reverse("plans:review_detail", args=[case.reference, review.pk])
    posted = {
        "form": "decision",
        "decision-decision": Review.Decision.CEASE,
        "decision-reasons": REASONS,
        "decision-cease_reason": "4",
    }

    started = time.monotonic()
    response = client.post(url, posted)
    assert response.status_code == 302 and time.monotonic() - started < 1.0
    again = client.post(url, posted)  # the double click: the same decision, nothing twice
    assert again.status_code == 302
    page = client.get(url).content.decode()
    assert "The letter is being prepared" in page
    assert LetterJob.objects.filter(case=case).count() == 1
    case.refresh_from_db()
    assert case.stage == Stage.CEASED

    with celery_worker(queue=QUEUE) as worker:
        made = wait_until(
            lambda: Review.objects.filter(pk=review.pk, letter__isnull=False).exists(),
            timeout=60,
        )
        assert made, worker.log.read_text()[-3000:]

    review.refresh_from_db()
    assert review.letter.kind == Document.Kind.LETTER and review.letter.family_visible
    assert Document.objects.filter(case=case, kind=Document.Kind.LETTER).count() == 1
    assert Notification.objects.filter(recipient=parent, channel="email").count() == 1
    page = client.get(url).content.decode()
    assert "letter (PDF)" in page and "being prepared" not in page
