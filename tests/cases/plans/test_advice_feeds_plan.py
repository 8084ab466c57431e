"""Received advice feeds the draft plan: sections B-H2 get the adviser's needs,
outcomes and provision, linked, and section K lists the advice."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.advice.services import advice_submit
from cases.plans.drafting import plan_create
from cases.plans.sections import validate_sections
from cases.plans.versions import plan_latest_version
from ehcp_portal.accounts.models import Role
from tests.factories import AdviceRequestFactory, UserFactory
from tests.families.helpers import PDF_BYTES

pytestmark = pytest.mark.django_db


def _submit(case, source: str, giver, needs: str, outcomes: str, provision: str, files=()):
    request = AdviceRequestFactory(case=case, source=source, addressee=giver)
    advice_submit(
        advice_request=request,
        actor=giver,
        needs=needs,
        outcomes=outcomes,
        provision=provision,
        files=files,
    )
    return request


def test_plan_started_after_advice_has_its_needs_outcomes_and_provision(drafting_case, caseworker):
    ep = UserFactory(role=Role.ADVICE_GIVER, full_name="Ada Psych")
    nurse = UserFactory(role=Role.ADVICE_GIVER, full_name="Nia Nurse")
    _submit(
        drafting_case,
        "ep",
        ep,
        "- Struggles with working memory\n- Anxious in busy rooms",
        "Remembers a three-step routine by July",
        "Daily 20-minute memory games with a teaching assistant",
        files=[SimpleUploadedFile("ep-report.pdf", PDF_BYTES, content_type="application/pdf")],
    )
    _submit(
        drafting_case,
        "health",
        nurse,
        "Epilepsy needing a care plan",
        "Stays safe during seizures at school",
        "Staff trained in the seizure care plan",
    )

    plan = plan_create(case=drafting_case, actor=caseworker)
    sections = plan_latest_version(plan).sections

    assert validate_sections(sections) == []
    b_texts = [i["text"] for i in sections["B"]["items"]]
    assert "Struggles with working memory" in b_texts and "Anxious in busy rooms" in b_texts
    memory_need = next(i for i in sections["B"]["items"] if i["text"].startswith("Struggles"))
    outcome = next(i for i in sections["E"]["items"] if i["text"].startswith("Remembers"))
    assert outcome["need"] == memory_need["id"]
    provision = sections["F"]["items"][0]
    assert provision["text"].startswith("Daily 20-minute memory games")
    assert (provision["need"], provision["outcome"]) == (memory_need["id"], outcome["id"])
    # Health advice goes to sections C and G.
    assert sections["C"]["items"][0]["text"] == "Epilepsy needing a care plan"
    assert sections["G"]["items"][0]["need"] == sections["C"]["items"][0]["id"]
    k = sections["K"]["text"]
    assert "Advice from Educational psychologist (Ada Psych), received" in k
    assert "ep-report.pdf" in k
    assert "Advice from Health: medical advice (Nia Nurse)" in k
    # The attachment is listed once, with its advice, not again as a loose document.
    assert k.count("ep-report.pdf") == 1


def test_advice_received_later_is_offered_and_brought_in_once(client, drafting_case, caseworker):
    plan = plan_create(case=drafting_case, actor=caseworker)
    before = plan_latest_version(plan).number
    social = UserFactory(role=Role.ADVICE_GIVER, full_name="Sam Social")
    _submit(
        drafting_case,
        "social_care",
        social,
        "Needs help at home with personal care",
        "Dresses independently",
        "Short breaks one weekend a month",
    )
    client.force_login(caseworker)
    summary = reverse("plans:summary", args=[drafting_case.reference])
    page = client.get(summary).content.decode()
    assert "Advice received since the plan was started" in page and "Sam Social" in page
    # Nothing changes in the plan until the caseworker chooses to bring it in.
    assert plan_latest_version(plan).number == before

    url = reverse("plans:bring_in_advice", args=[drafting_case.reference])
    assert client.post(url).status_code == 302
    sections = plan_latest_version(plan).sections
    assert plan_latest_version(plan).number == before + 1
    assert sections["D"]["items"][-1]["text"] == "Needs help at home with personal care"
    assert sections["H2"]["items"][-1]["need"] == sections["D"]["items"][-1]["id"]
    assert "Advice from Social care (Sam Social)" in sections["K"]["text"]
    assert "Advice received since" not in client.get(summary).content.decode()
    # A second press adds nothing.
    client.post(url)
    assert plan_latest_version(plan).number == before + 1


def test_only_the_caseworker_may_bring_in_advice(client, drafting_case, caseworker):
    plan_create(case=drafting_case, actor=caseworker)
    url = reverse("plans:bring_in_advice", args=[drafting_case.reference])
    for role in (Role.PARENT, Role.ADVICE_GIVER, Role.SCHOOL):
        client.force_login(UserFactory(role=role))
        assert client.post(url).status_code == 404
    client.force_login(UserFactory(role=Role.CASEWORKER))  # another team
    assert client.post(url).status_code == 404
