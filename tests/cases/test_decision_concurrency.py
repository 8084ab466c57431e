"""Two caseworkers (or one double click) recording the same case-page decision at once, as two
real database sessions: one decision, one letter, one email, no error page."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases.models import Document, Stage
from ehcp_portal.accounts.models import Role
from notifications.models import Notification
from tests.factories import CaseFactory, UserFactory, family_for
from tests.letters import letters_made_by_worker
from tests.panels.test_concurrency import race

REASONS = "Amira is making good progress with the support her school already gives."


@pytest.mark.django_db(transaction=True)
def test_two_sessions_refusing_to_assess_at_once_record_one_decision(team, caseworker):
    colleague = UserFactory(role=Role.CASEWORKER, team=team)
    case = CaseFactory(team=team, caseworker=caseworker, stage=Stage.DECIDING_ASSESS)
    parent = family_for(case)
    today = timezone.localdate()
    data = {
        "action": "refuse_to_assess",
        "on_0": str(today.day),
        "on_1": str(today.month),
        "on_2": str(today.year),
        "reasons": REASONS,
    }
    posts = []
    for user in (caseworker, colleague):
        client = Client()
        client.force_login(user)
        posts.append((client, reverse("casework:case_action", args=[case.reference]), data))

    statuses = race(posts)

    assert all(status in (200, 302) for status in statuses), statuses  # never a 500
    case.refresh_from_db()
    assert case.stage == Stage.NOT_ASSESSING
    assert case.events.filter(kind="refuse_to_assess").count() == 1
    letters_made_by_worker()
    assert Document.objects.filter(case=case, kind=Document.Kind.LETTER).count() == 1
    assert (
        Notification.objects.filter(
            recipient=parent, channel="email", purpose="decision_letter"
        ).count()
        == 1
    )
