"""Issue 13: plan edits are never lost. Two caseworkers saving the same section at once, in two
real PostgreSQL sessions (threads), get no 500: one edit is saved, the other person is told what
changed (with the other text) and keeps what they typed. A repeated submission saves once."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases.models import Stage
from cases.plans.drafting import plan_create
from cases.plans.models import PlanVersion
from ehcp_portal.accounts.models import Role
from tests.factories import CaseFactory, TeamFactory, UserFactory


@pytest.fixture
def two_caseworkers_and_a_plan(transactional_db):
    team = TeamFactory()
    ann = UserFactory(role=Role.CASEWORKER, team=team, full_name="Ann Able")
    bob = UserFactory(role=Role.CASEWORKER, team=team, full_name="Bob Baker")
    today = timezone.localdate()
    case = CaseFactory(
        team=team,
        caseworker=ann,
        stage=Stage.DRAFTING,
        received_on=today - timedelta(days=100),
        issue_decision_on=today - timedelta(days=40),
    )
    plan = plan_create(case=case, actor=ann)
    return ann, bob, plan


def _section_url(plan) -> str:
    return reverse("plans:section", args=[plan.case.reference, "A"])


def _post_at_once(posts: list[tuple[object, dict]], url: str) -> list:
    """Each (user, data) posts from its own thread and database connection, released together."""
    barrier = threading.Barrier(len(posts))
    responses: list = [None] * len(posts)
    errors: list[BaseException] = []

    def run(i: int, user, data: dict) -> None:
        try:
            client = Client(raise_request_exception=False)
            client.force_login(user)
            barrier.wait()
            responses[i] = client.post(url, data)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, u, d)) for i, (u, d) in enumerate(posts)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    return responses


@pytest.mark.django_db(transaction=True)
def test_two_caseworkers_saving_one_section_at_once_lose_nothing(two_caseworkers_and_a_plan):
    ann, bob, plan = two_caseworkers_and_a_plan
    base = plan.versions.get().number
    texts = {ann.pk: "Ann's account of the child's views", bob.pk: "Bob's account of the views"}
    responses = _post_at_once(
        [(u, {"form": "text", "text": texts[u.pk], "based_on": base}) for u in (ann, bob)],
        _section_url(plan),
    )
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200, 302]  # no 500: one saved, one told
    saved = PlanVersion.objects.filter(plan=plan).order_by("-number").first()
    assert saved.number == base + 1
    winner = saved.created_by
    loser = bob if winner == ann else ann
    told = next(r for r in responses if r.status_code == 200).content.decode()
    assert f"{winner.get_full_name()} changed section A" in told
    assert texts[winner.pk].replace("'", "&#x27;") in told  # what the other person wrote
    assert texts[loser.pk].replace("'", "&#x27;") in told  # what this person typed, kept
    assert "govuk-error-summary" in told
    # Saving again is a deliberate choice over the other text, and it is kept in the history.
    client = Client()
    client.force_login(loser)
    again = client.post(
        _section_url(plan), {"form": "text", "text": texts[loser.pk], "based_on": saved.number}
    )
    assert again.status_code == 302
    versions = list(PlanVersion.objects.filter(plan=plan).order_by("number"))
    assert [v.sections["A"]["text"] for v in versions[-2:]] == [
        texts[winner.pk],
        texts[loser.pk],
    ]


@pytest.mark.django_db(transaction=True)
def test_a_double_click_saves_the_section_once(two_caseworkers_and_a_plan):
    ann, _bob, plan = two_caseworkers_and_a_plan
    base = plan.versions.get().number
    data = {"form": "text", "text": "The child's own words", "based_on": base}
    responses = _post_at_once([(ann, data), (ann, data)], _section_url(plan))
    assert [r.status_code for r in responses] == [302, 302]
    assert PlanVersion.objects.filter(plan=plan).count() == 2  # the start and one save


@pytest.mark.django_db(transaction=True)
def test_a_change_to_another_section_meanwhile_is_kept(two_caseworkers_and_a_plan):
    ann, bob, plan = two_caseworkers_and_a_plan
    base = plan.versions.get().number
    url_j = reverse("plans:section", args=[plan.case.reference, "J"])
    client = Client()
    client.force_login(bob)
    client.post(url_j, {"form": "text", "text": "No personal budget requested", "based_on": base})
    client.force_login(ann)
    response = client.post(
        _section_url(plan), {"form": "text", "text": "Ann's words", "based_on": base}
    )
    assert response.status_code == 302
    latest = PlanVersion.objects.filter(plan=plan).order_by("-number").first()
    assert latest.sections["A"]["text"] == "Ann's words"
    assert latest.sections["J"]["text"] == "No personal budget requested"


@pytest.mark.django_db(transaction=True)
def test_two_items_added_at_once_are_both_kept(two_caseworkers_and_a_plan):
    ann, bob, plan = two_caseworkers_and_a_plan
    url = reverse("plans:section", args=[plan.case.reference, "B"])
    responses = _post_at_once(
        [
            (ann, {"form": "item", "item_text": "Needs help with reading"}),
            (bob, {"form": "item", "item_text": "Needs help with writing"}),
        ],
        url,
    )
    assert [r.status_code for r in responses] == [302, 302]
    items = PlanVersion.objects.filter(plan=plan).order_by("-number").first().sections["B"]
    texts = {i["text"] for i in items["items"]}
    assert {"Needs help with reading", "Needs help with writing"} <= texts
