"""Mediation and tribunal appeals, recorded against the decision they dispute."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from cases.casework.models import Dispute
from cases.models import CaseEvent, Stage
from ehcp_portal.accounts.models import Role
from tests.factories import family_for


@pytest.fixture
def refused(case):
    case.stage = Stage.NOT_ASSESSING
    case.is_open = False
    case.received_on = date(2025, 9, 1)
    case.assessment_decision_on = date(2025, 10, 31)
    case.save()
    return CaseEvent.objects.create(
        case=case,
        kind="refuse_to_assess",
        summary="We decided not to carry out an EHC needs assessment",
        data={"on": "2025-10-31", "reasons": "Needs met at SEN support"},
    )


def _date(prefix: str, d: date) -> dict[str, str]:
    return {f"{prefix}_0": str(d.day), f"{prefix}_1": str(d.month), f"{prefix}_2": str(d.year)}


def test_appeal_deadline_runs_over_christmas_then_from_the_certificate(
    client, case, caseworker, refused
):
    client.force_login(caseworker)
    url = reverse("casework:dispute_add", args=[case.reference])
    assert "Decision not to assess, 31 October 2025" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "decision_event": refused.pk,
            "outcome": "pending",
            **_date("mediation_contacted_on", date(2025, 12, 1)),
        },
    )
    assert response.status_code == 302
    dispute = Dispute.objects.get()
    assert dispute.decision_on == date(2025, 10, 31)
    # 31 Oct + 2 months = 31 Dec; 25 Dec-31 Dec and 1 Jan are not counted: 8 Jan 2026 (HESC r.12)
    assert dispute.mediation_contact_by == date(2025, 12, 31)
    assert dispute.appeal_deadline == date(2026, 1, 8)
    page = client.get(reverse("casework:case_detail", args=[case.reference])).content.decode()
    assert "8 January 2026" in page and "31 December 2025" in page

    # A certificate on 3 Feb 2026: one month later (3 Mar) is later, so it wins.
    edit = reverse("casework:dispute_edit", args=[case.reference, dispute.pk])
    response = client.post(
        edit,
        {
            **_date("mediation_contacted_on", date(2025, 12, 1)),
            **_date("mediation_certificate_on", date(2026, 2, 3)),
            **_date("appeal_registered_on", date(2026, 2, 20)),
            **_date("hearing_on", date(2026, 6, 10)),
            "outcome": "allowed",
            **_date("outcome_on", date(2026, 6, 24)),
        },
    )
    assert response.status_code == 302
    dispute.refresh_from_db()
    assert dispute.appeal_deadline == date(2026, 3, 3)
    assert dispute.outcome == "allowed" and dispute.hearing_on == date(2026, 6, 10)
    assert list(case.events.filter(kind__startswith="dispute").values_list("kind", flat=True)) == [
        "dispute_updated",
        "dispute_recorded",
    ]


def test_an_outcome_needs_its_date_and_dates_cannot_be_in_the_future(
    client, case, caseworker, refused
):
    client.force_login(caseworker)
    url = reverse("casework:dispute_add", args=[case.reference])
    response = client.post(
        url,
        {
            "decision_event": refused.pk,
            "outcome": "dismissed",
            **_date("appeal_registered_on", date(2099, 1, 1)),
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Enter the date of the outcome" in body
    assert "must be today or in the past" in body
    assert not Dispute.objects.exists()


def test_only_disputable_decisions_of_this_case_can_be_chosen(client, case, caseworker, refused):
    other = CaseEvent.objects.create(case=case, kind="agree_to_assess", summary="x")
    client.force_login(caseworker)
    url = reverse("casework:dispute_add", args=[case.reference])
    response = client.post(url, {"decision_event": other.pk, "outcome": "pending"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Dispute.objects.exists()


def test_a_date_before_the_decision_is_refused(client, case, caseworker, refused):
    client.force_login(caseworker)
    response = client.post(
        reverse("casework:dispute_add", args=[case.reference]),
        {
            "decision_event": refused.pk,
            "outcome": "pending",
            **_date("mediation_certificate_on", date(2025, 10, 1)),
        },
    )
    assert "before the decision" in response.content.decode()


@pytest.mark.parametrize("role", [r for r in Role if r not in (Role.CASEWORKER, Role.TEAM_MANAGER)])
def test_dispute_pages_are_404_for_other_roles(client, case, refused, user_of_role, role):
    dispute = Dispute.objects.create(
        case=case, decision_event=refused, decision_on=date(2025, 10, 31)
    )
    family_for(case)
    client.force_login(user_of_role(role))
    for url in (
        reverse("casework:dispute_add", args=[case.reference]),
        reverse("casework:dispute_edit", args=[case.reference, dispute.pk]),
    ):
        assert client.get(url).status_code == 404
        assert (
            client.post(url, {"decision_event": refused.pk, "outcome": "pending"}).status_code
            == 404
        )


def test_dispute_pages_are_404_for_staff_of_another_area(client, case, refused, user_of_role):
    dispute = Dispute.objects.create(
        case=case, decision_event=refused, decision_on=date(2025, 10, 31)
    )
    for role in (Role.CASEWORKER, Role.TEAM_MANAGER):
        client.force_login(user_of_role(role))
        assert client.get(reverse("casework:dispute_add", args=[case.reference])).status_code == 404
        edit = reverse("casework:dispute_edit", args=[case.reference, dispute.pk])
        assert client.get(edit).status_code == 404


def test_manager_of_the_area_may_record_a_dispute(client, case, manager, refused):
    client.force_login(manager)
    response = client.post(
        reverse("casework:dispute_add", args=[case.reference]),
        {"decision_event": refused.pk, "outcome": "pending"},
    )
    assert response.status_code == 302
