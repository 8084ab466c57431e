"""Section A from the family's own words, the caseworker's reason on each version, and the
family comparing versions and agreeing or disagreeing (on the timeline)."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from cases.models import CaseEvent, Stage
from cases.plans.drafting import plan_create, plan_section_update
from cases.plans.models import Plan, VersionResponse
from ehcp_portal.accounts.models import Role
from families.models import RequestDraft
from tests.factories import CaseFactory, TeamFactory, UserFactory, family_for

CHILD_WORDS = "I like trains and drawing. Loud rooms are hard for me."
PARENT_WORDS = "We hope she will go to the local secondary with her friends."


@pytest.fixture
def drafting(team, caseworker):
    case = CaseFactory(team=team, caseworker=caseworker, stage=Stage.DRAFTING)
    parent = family_for(case)
    RequestDraft.objects.create(
        created_by=parent,
        child=case.child,
        case=case,
        answers={
            "child-views": {"child_views": CHILD_WORDS},
            "parent-views": {"parent_views": PARENT_WORDS},
        },
    )
    plan = plan_create(case=case, actor=caseworker)
    return case, parent, plan


def test_section_a_starts_in_the_familys_words_and_the_family_can_change_it(
    client, drafting, caseworker
):
    case, parent, plan = drafting
    text = plan.versions.get(number=1).sections["A"]["text"]
    assert CHILD_WORDS in text and PARENT_WORDS in text and "All about me" in text
    client.force_login(parent)
    url = reverse("plans:family_section_a", args=[case.reference])
    page = client.get(url)
    assert page.status_code == 200 and CHILD_WORDS in page.content.decode()
    response = client.post(url, {"text": text + "\nShe loves swimming.", "based_on": 1})
    assert response.status_code == 302
    latest = plan.versions.order_by("-number").first()
    assert "She loves swimming." in latest.sections["A"]["text"]
    assert latest.created_by == parent and "family" in latest.reason
    # Empty: an error message, not a save.
    assert client.post(url, {"text": "", "based_on": latest.number}).status_code == 400
    # Other families, staff on this page, and anyone once the draft is sent: 404.
    for user in (family_for(CaseFactory()), caseworker, UserFactory(role=Role.QA_OFFICER)):
        client.force_login(user)
        assert client.get(url).status_code == 404
    plan.status = Plan.Status.DRAFT_ISSUED
    plan.save()
    client.force_login(parent)
    assert client.get(url).status_code == 404


def test_the_family_compares_versions_with_reasons_and_says_what_they_disagree_with(
    client, drafting, caseworker
):
    case, parent, plan = drafting
    plan.status = Plan.Status.DRAFT_ISSUED
    plan.draft_version = 1
    plan.save()
    plan_section_update(
        plan=plan,
        key="I",
        text="A mainstream secondary school",
        actor=caseworker,
        reason="You asked for a mainstream school at the meeting",
    )
    client.force_login(parent)
    url = reverse("plans:family_versions", args=[case.reference])
    page = client.get(url + "?from=1&to=2").content.decode()
    assert "You asked for a mainstream school at the meeting" in page
    assert "Added: </span>A mainstream secondary school" in page
    key = str(uuid.uuid4())
    missing = client.post(url, {"idempotency_key": key, "version": "2", "agrees": "no"})
    assert missing.status_code == 400
    assert "Say what you disagree with" in missing.content.decode()
    data = {
        "idempotency_key": key,
        "version": "2",
        "agrees": "no",
        "disagreement": "Section F should say 3 hours of speech therapy",
    }
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # a double click
    assert VersionResponse.objects.filter(plan=plan).count() == 1
    event = CaseEvent.objects.get(case=case, kind="plan_version_disagreed")
    assert event.family_visible and "3 hours of speech therapy" in event.summary
    # A version the family was never sent cannot be agreed.
    client.post(url, {"idempotency_key": str(uuid.uuid4()), "version": "9", "agrees": "yes"})
    assert VersionResponse.objects.filter(plan=plan).count() == 1
    # Other families and staff: 404.
    for user in (
        family_for(CaseFactory()),
        caseworker,
        UserFactory(role=Role.CASEWORKER, team=TeamFactory()),
    ):
        client.force_login(user)
        assert client.get(url).status_code == 404


def test_the_caseworkers_reason_is_saved_from_the_section_form(client, drafting, caseworker):
    case, _, plan = drafting
    client.force_login(caseworker)
    url = reverse("plans:section", args=[case.reference, "J"])
    response = client.post(
        url,
        {
            "form": "text",
            "text": "No personal budget requested",
            "based_on": 1,
            "reason": "The family told us they do not want one",
        },
    )
    assert response.status_code == 302
    latest = plan.versions.order_by("-number").first()
    assert latest.reason == "The family told us they do not want one"
    versions = client.get(reverse("plans:versions", args=[case.reference])).content.decode()
    assert "The family told us they do not want one" in versions


def test_hostile_input_to_the_familys_plan_pages_is_an_error_message(client, drafting):
    from django.test import Client

    case, parent, plan = drafting
    client = Client(raise_request_exception=False)
    client.force_login(parent)
    section_a = reverse("plans:family_section_a", args=[case.reference])
    for data in (
        {"text": "a\x00b", "based_on": "1"},
        {"text": "x" * 100_000, "based_on": "1"},
        {"text": "fine", "based_on": "9" * 40},  # a version never saved: told, not saved
        {"text": ["a", "b"], "based_on": "wrong"},
    ):
        assert client.post(section_a, data).status_code in (400, 409)
    assert plan.versions.count() == 1
    plan.status = Plan.Status.DRAFT_ISSUED
    plan.draft_version = 1
    plan.save()
    versions = reverse("plans:family_versions", args=[case.reference])
    assert client.get(versions, {"from": "9" * 40, "to": "a\x00b"}).status_code == 200
    for data in (
        {"idempotency_key": "not-a-uuid", "version": "1", "agrees": "yes"},
        {"idempotency_key": str(uuid.uuid4()), "version": "9" * 40, "agrees": "yes"},
        {
            "idempotency_key": str(uuid.uuid4()),
            "version": "1",
            "agrees": "no",
            "disagreement": "a\x00b",
        },
    ):
        assert client.post(versions, data).status_code == 400
    assert not VersionResponse.objects.exists()
