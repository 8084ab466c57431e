"""Confirming each term that the provision in section F was delivered: by the school and by the
family; what was typed is kept when something is wrong; two people confirming at once never
overwrite each other; the family sees the record."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from cases.schools.models import ProvisionConfirmation

pytestmark = pytest.mark.django_db

AUTUMN = date(2026, 11, 10)


def test_the_school_confirms_the_terms_provision(client, plan, senco):
    url = reverse("schools:provision", args=[plan.case.reference])
    with time_machine.travel(AUTUMN):
        client.force_login(senco)
        page = client.get(url).content.decode()
        assert "Provision delivered in the autumn term 2026" in page
        assert "F1: Speech and language therapy" in page
        response = client.post(url, {"status_F1": "delivered", "note_F1": "", "version_F1": "0"})
        assert response.status_code == 302
        # Changing the answer later in the term updates the same record.
        client.post(url, {"status_F1": "partly", "note_F1": "Therapist ill", "version_F1": "1"})
    confirmation = ProvisionConfirmation.objects.get()
    assert (confirmation.term, confirmation.party, confirmation.status) == (
        "2026-autumn",
        "school",
        "partly",
    )
    assert confirmation.version == 2


def test_a_missing_answer_keeps_what_was_typed(client, plan, senco):
    url = reverse("schools:provision", args=[plan.case.reference])
    client.force_login(senco)
    response = client.post(url, {"note_F1": "Half the sessions", "version_F1": "0"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in body and "Say whether this was delivered" in body
    assert "Half the sessions" in body
    assert not ProvisionConfirmation.objects.exists()


def test_a_confirmation_changed_since_the_page_opened_is_not_overwritten(
    client, plan, senco, school
):
    url = reverse("schools:provision", args=[plan.case.reference])
    from tests.factories import UserFactory

    colleague = UserFactory(role="school", setting=school)
    with time_machine.travel(AUTUMN):
        client.force_login(colleague)
        client.post(
            url, {"status_F1": "not_delivered", "note_F1": "No therapist", "version_F1": "0"}
        )
        client.force_login(senco)
        # The SENCO's page was opened before the colleague's answer (version 0).
        response = client.post(url, {"status_F1": "delivered", "note_F1": "", "version_F1": "0"})
    body = response.content.decode()
    assert "Someone else confirmed provision F1" in body
    assert ProvisionConfirmation.objects.get().status == "not_delivered"


def test_the_family_gives_their_view_and_sees_the_record(client, plan, senco, family):
    with time_machine.travel(AUTUMN):
        client.force_login(senco)
        client.post(
            reverse("schools:provision", args=[plan.case.reference]),
            {"status_F1": "delivered", "note_F1": "", "version_F1": "0"},
        )
        client.force_login(family)
        url = reverse("schools:family_provision", args=[plan.case.reference])
        assert "Did your child get this support" in client.get(url).content.decode()
        client.post(url, {"status_F1": "partly", "note_F1": "Only some weeks", "version_F1": "0"})
        page = client.get(reverse("schools:family", args=[plan.case.reference])).content.decode()
    assert "Only some weeks" in page
    assert "Disagree" in page
    assert set(ProvisionConfirmation.objects.values_list("party", "status")) == {
        ("school", "delivered"),
        ("family", "partly"),
    }
