"""The family tracker says where the case is from the case's own facts, and lets the family
message, download, revoke consent and withdraw."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from cases.models import CaseEvent, Message, Stage
from cases.workflow import case_transition
from ehcp_portal.accounts.models import Role
from families.models import Consent
from families.tracker import tracker_summary
from notifications.models import Notification
from tests.factories import CaseFactory, TeamFactory, UserFactory, family_for
from tests.families.helpers import EXE_BYTES, PDF_BYTES


def track_url(case) -> str:
    return reverse("families:track", args=[case.reference])


@time_machine.travel(date(2027, 2, 3))
def test_received_case_says_when_the_decision_to_assess_is_due(db):
    case = CaseFactory(received_on=date(2027, 2, 2), stage=Stage.RECEIVED)
    summary = tracker_summary(case)
    assert (
        summary.must_act_by
        == "We must tell you whether we will carry out an assessment by 16 March 2027."
    )
    assert [s.status for s in summary.steps][:2] == ["current", "to do"]


@time_machine.travel(date(2027, 3, 17))
def test_a_late_council_says_so_plainly(db):
    # Received Tue 2 Feb 2027: the decision was due Tue 16 Mar 2027; today is the 17th.
    case = CaseFactory(received_on=date(2027, 2, 2), stage=Stage.DECIDING_ASSESS)
    summary = tracker_summary(case)
    assert summary.must_act_by.startswith(
        "We must tell you whether we will carry out an assessment by 16 March 2027."
    )
    assert "That date has passed and we are late. We are sorry." in summary.must_act_by


def test_steps_follow_the_workflow(db, caseworker):
    case = CaseFactory(
        received_on=timezone.localdate() - timedelta(days=30),
        stage=Stage.RECEIVED,
        caseworker=caseworker,
        team=caseworker.team,
    )
    case_transition(case=case, action="agree_to_assess", actor=caseworker)
    case.refresh_from_db()
    summary = tracker_summary(case)
    assert [s.status for s in summary.steps] == [
        "done",
        "done",
        "current",
        "to do",
        "to do",
        "to do",
        "to do",
    ]
    final = case.received_on + timedelta(weeks=20)
    assert f"the final plan must be issued by {final:%-d %B %Y}" in summary.must_act_by


def test_refused_assessment_shows_where_it_stopped(db, caseworker):
    case = CaseFactory(stage=Stage.DECIDING_ASSESS, caseworker=caseworker, team=caseworker.team)
    case_transition(case=case, action="refuse_to_assess", actor=caseworker, reasons="Needs met")
    case.refresh_from_db()
    summary = tracker_summary(case)
    assert summary.steps[1].status == "stopped"
    assert summary.must_act_by == ""
    assert "mediation" in summary.next_steps


def test_tracker_page_shows_status_caseworker_and_date(client, case, parent, caseworker):
    client.force_login(parent)
    body = client.get(track_url(case)).content.decode()
    decision = case.received_on + timedelta(weeks=6)
    assert (
        f"We must tell you whether we will carry out an assessment by {decision:%-d %B %Y}" in body
    )
    assert escape(caseworker.get_full_name()) in body
    assert case.reference in body


def test_family_sends_a_message_with_an_attachment(client, case, parent, caseworker):
    client.force_login(parent)
    response = client.post(
        reverse("families:track_message_send", args=[case.reference]),
        {
            "body": "Here is the speech therapy report.",
            "attachment": SimpleUploadedFile("report.pdf", PDF_BYTES),
        },
    )
    assert response.status_code == 302
    message = Message.objects.get(case=case)
    assert message.from_family and message.sender == parent
    assert message.attachment.family_visible
    assert Notification.objects.filter(recipient=caseworker, purpose="family_message").exists()
    body = client.get(track_url(case)).content.decode()
    assert "Here is the speech therapy report." in body
    assert reverse("cases:document_download", args=[message.attachment.public_id]) in body
    # The caseworker's reply shows in the thread.
    Message.objects.create(case=case, sender=caseworker, body="Thank you, received.")
    assert "Thank you, received." in client.get(track_url(case)).content.decode()


def test_bad_attachment_is_refused_and_the_message_kept(client, case, parent):
    client.force_login(parent)
    response = client.post(
        reverse("families:track_message_send", args=[case.reference]),
        {"body": "See attached", "attachment": SimpleUploadedFile("x.pdf", EXE_BYTES)},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert "The selected file must be a PDF" in body
    assert "See attached" in body
    assert not Message.objects.exists()


def test_empty_message_shows_error(client, case, parent):
    client.force_login(parent)
    response = client.post(reverse("families:track_message_send", args=[case.reference]), {})
    assert "Enter your message" in response.content.decode()


def test_family_revokes_a_consent(client, case, parent):
    consent = Consent.objects.create(child=case.child, party="health", given_by=parent)
    client.force_login(parent)
    body = client.get(track_url(case)).content.decode()
    assert "Health services (NHS)" in body and "Withdraw consent" in body
    response = client.post(
        reverse("families:track_consent_revoke", args=[case.reference]), {"consent": consent.pk}
    )
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.revoked_at is not None and consent.revoked_by == parent
    assert CaseEvent.objects.filter(case=case, kind="consent_revoked").exists()
    assert "Withdrawn on" in client.get(track_url(case)).content.decode()


def test_cannot_revoke_another_childs_consent(client, case, parent):
    other_case = CaseFactory(team=TeamFactory())
    other_parent = family_for(other_case)
    consent = Consent.objects.create(child=other_case.child, party="health", given_by=other_parent)
    client.force_login(parent)
    for value in (consent.pk, "x", ""):
        response = client.post(
            reverse("families:track_consent_revoke", args=[case.reference]), {"consent": value}
        )
        assert response.status_code == 404
    consent.refresh_from_db()
    assert consent.revoked_at is None


def test_family_withdraws_the_request(client, case, parent):
    client.force_login(parent)
    url = reverse("families:track_withdraw", args=[case.reference])
    response = client.post(url, {"reasons": ""})
    assert "Tell us why you want to withdraw the request" in response.content.decode()
    response = client.post(url, {"reasons": "We moved to Scotland", "confirm": "on"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.stage == Stage.WITHDRAWN and not case.is_open
    assert (
        "We moved to Scotland"
        in Notification.objects.get(
            recipient=case.caseworker, purpose="family_withdrew", channel="in_app"
        ).body
    )
    body = client.get(track_url(case)).content.decode()
    assert "This request was withdrawn." in body
    assert url not in body  # no withdraw link any more
    response = client.post(url, {"reasons": "again", "confirm": "on"})
    assert response.status_code == 200
    assert "is not possible while the case is at the stage" in response.content.decode()


@pytest.mark.parametrize("count", [1, 6])
def test_tracker_runs_a_fixed_number_of_queries(
    client, case, parent, django_assert_num_queries, count
):
    for n in range(count):
        Message.objects.create(case=case, sender=parent, from_family=True, body=f"m{n}")
        Consent.objects.create(child=case.child, party="health", given_by=parent)
    client.force_login(parent)
    client.get(track_url(case))  # warm the session
    # session, user, case (with its plan), its recorded exceptions (prefetched for the clock's
    # one reader), family-visible events, documents, messages, consents + the unread
    # notifications count in the header + the access log's INSERT (the family's own read)
    with django_assert_num_queries(10):
        assert client.get(track_url(case)).status_code == 200


@pytest.mark.parametrize("children", [1, 4])
def test_family_home_runs_a_fixed_number_of_queries(
    client, db, django_assert_num_queries, children
):
    parent = UserFactory(role=Role.PARENT)
    for _ in range(children):
        family_for(CaseFactory(), parent)
    client.force_login(parent)
    # session, user, children, their cases (prefetch), open drafts
    # + the unread notifications count in the header
    with django_assert_num_queries(6):
        assert client.get(reverse("families:home")).status_code == 200
