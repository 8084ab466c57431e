"""School-led annual reviews (regs 20, 21): the SENCO arranges the meeting and the portal sends
the invitations at least 2 weeks before; the family gives their views online; the papers go out
2 weeks before; the school's report goes to the council, whose caseworker then decides within 4
weeks through the existing review flow. Dates hand-worked from statutory-timescales.md."""

from __future__ import annotations

import threading
from datetime import date

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django.utils.html import escape

from cases.casework.models import CaseTask
from cases.plans.models import Review
from cases.plans.reviews import review_decide
from cases.schools.models import ReviewContribution, ReviewInvitation, SchoolReview
from cases.schools.services import (
    SchoolRefused,
    school_review_arrange,
    school_review_report_save,
)
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def _date(d: date, name: str = "meeting_on") -> dict[str, str]:
    return {f"{name}_0": str(d.day), f"{name}_1": str(d.month), f"{name}_2": str(d.year)}


def _arrange(client, plan, meeting: date, invitees=("family", "caseworker")):
    return client.post(
        reverse("schools:review", args=[plan.case.reference]),
        {**_date(meeting), "invitees": list(invitees)},
    )


def test_arranging_the_meeting_sends_the_invitations_once(client, plan, senco, family, caseworker):
    with time_machine.travel(date(2026, 12, 1)):
        client.force_login(senco)
        response = _arrange(client, plan, date(2027, 1, 20), ("family", "caseworker", "health"))
        assert response.status_code == 302
        _arrange(client, plan, date(2027, 1, 20), ("family", "caseworker", "health"))  # again
    review = Review.objects.get(plan=plan)
    assert review.meeting_on == date(2027, 1, 20)
    assert review.invitations_sent_on == date(2026, 12, 1)
    plan.case.refresh_from_db()
    assert plan.case.review_meeting_on == date(2027, 1, 20)  # the caseworker's clock sees it
    invited = {i.name: i.recipient_id for i in ReviewInvitation.objects.all()}
    assert invited[family.get_full_name()] == family.pk
    assert invited[caseworker.get_full_name()] == caseworker.pk
    # Nobody from health gave advice on this case: the school is told to invite them by letter.
    assert any("invite by letter" in name and not pk for name, pk in invited.items())
    for person in (family, caseworker):
        sent = Notification.objects.filter(recipient=person, purpose="school_review_invitation")
        assert sent.count() == 2  # in the portal and by email: once, despite the second post
        assert "20 January 2027" in sent.first().subject


def test_the_invitations_must_go_two_weeks_before_the_meeting(client, plan, senco):
    with time_machine.travel(date(2027, 1, 10)):
        client.force_login(senco)
        response = _arrange(client, plan, date(2027, 1, 20))
    body = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in body
    assert "2 weeks before the meeting" in body
    assert 'value="20"' in body and 'value="2027"' in body  # what was typed is kept
    assert not Review.objects.filter(plan=plan, meeting_on__isnull=False).exists()


def test_bad_dates_and_no_invitees_are_shown_not_a_500(client, plan, senco):
    client.force_login(senco)
    response = client.post(
        reverse("schools:review", args=[plan.case.reference]),
        {"meeting_on_0": "31", "meeting_on_1": "2", "meeting_on_2": "2027"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "must be a real date" in body
    assert "Choose who to invite" in body


def _arranged(client, plan, senco):
    with time_machine.travel(date(2026, 12, 1)):
        client.force_login(senco)
        assert _arrange(client, plan, date(2027, 1, 20)).status_code == 302
    return SchoolReview.objects.get(review__plan=plan)


def test_the_family_gives_views_and_the_papers_go_out_once(client, plan, senco, family):
    school_review = _arranged(client, plan, senco)
    family_url = reverse("schools:family", args=[plan.case.reference])
    with time_machine.travel(date(2026, 12, 10)):
        client.force_login(family)
        page = client.get(family_url).content.decode()
        assert "Your views for the annual review" in page
        client.post(family_url, {"body": "Maths is going well."})
        client.post(family_url, {"body": "Maths is going well. Lunchtimes are hard."})
    assert ReviewContribution.objects.get().body == "Maths is going well. Lunchtimes are hard."
    with time_machine.travel(date(2027, 1, 5)):
        client.force_login(senco)
        review_page = client.get(reverse("schools:review", args=[plan.case.reference]))
        assert "Lunchtimes are hard" in review_page.content.decode()
        circulate = reverse("schools:circulate", args=[plan.case.reference])
        client.post(circulate)
        client.post(circulate)  # a double click sends nothing more
    school_review.refresh_from_db()
    assert school_review.papers_circulated_on == date(2027, 1, 5)
    assert (
        Notification.objects.filter(recipient=family, purpose="school_review_papers").count() == 2
    )
    with time_machine.travel(date(2027, 1, 6)):
        client.force_login(family)
        page = client.get(family_url).content.decode()
        assert "Advice and views for the meeting" in page
        response = client.post(family_url, {"body": "Too late"})
        assert "have gone out" in response.content.decode()
    assert ReviewContribution.objects.get().body.endswith("Lunchtimes are hard.")


def test_the_report_goes_to_the_council_and_the_caseworker_decides(
    client, plan, senco, family, caseworker
):
    school_review = _arranged(client, plan, senco)
    report_url = reverse("schools:report", args=[plan.case.reference])
    with time_machine.travel(date(2027, 1, 15)):
        client.force_login(senco)
        # Before the meeting: saving is fine, sending is refused.
        response = client.post(report_url, {"action": "send", "version": "0"})
        assert response.status_code == 200
        assert "Describe the progress towards E1" in response.content.decode()
    answers = {
        "version": "0",
        "outcome_E1": "Follows two-step instructions most days",
        "outcome_E2": "Sleeping better",
        "status_F1": "partly",
        "note_F1": "Therapist off for 3 weeks",
        "recommended_changes": "Add a movement break",
    }
    with time_machine.travel(date(2027, 1, 27)):
        client.force_login(senco)
        form = client.get(report_url).content.decode()
        assert "Progress towards E1" in form
        response = client.post(report_url, {**answers, "action": "send"})
        assert response.status_code == 302, response.content.decode()
        # Sent once: a second post is refused with a message, not a second report.
        again = client.post(report_url, {**answers, "version": "1", "action": "send"})
        assert "You sent this report on 27 January 2027" in again.content.decode()
    review = Review.objects.get(plan=plan)
    assert review.report_received_on == date(2027, 1, 27)
    school_review.refresh_from_db()
    assert school_review.provision["F1"] == {
        "status": "partly",
        "note": "Therapist off for 3 weeks",
    }
    task = CaseTask.objects.get(case=plan.case, title__startswith="Decide the annual review")
    assert task.assignee == caseworker and task.due_on == date(2027, 2, 17)  # reg 20(10)
    assert Notification.objects.filter(
        recipient=caseworker, purpose="school_review_report"
    ).exists()
    # The caseworker reads it and decides through the review flow.
    with time_machine.travel(date(2027, 2, 1)):
        client.force_login(caseworker)
        page = client.get(
            reverse("schools:staff_review", args=[plan.case.reference])
        ).content.decode()
        assert "Add a movement break" in page and "17 February 2027" in page
        review_decide(review=review, decision="maintain", actor=caseworker)
        client.force_login(family)
        tracker = client.get(reverse("families:track", args=[plan.case.reference])).content.decode()
        assert "The last review was decided on 1 February 2027" in tracker


def test_two_staff_saving_the_report_at_once_lose_nothing(client, plan, senco):
    school_review = _arranged(client, plan, senco)
    with time_machine.travel(date(2027, 1, 25)):
        school_review_report_save(
            school_review=school_review,
            user=senco,
            version=0,
            outcomes={"E1": "first"},
            provision={},
            recommended_changes="",
            send=False,
        )
        with pytest.raises(SchoolRefused, match="Someone else at your school saved"):
            school_review_report_save(
                school_review=school_review,
                user=senco,
                version=0,  # based on the page before the first save
                outcomes={"E1": "second"},
                provision={},
                recommended_changes="",
                send=False,
            )
    school_review.refresh_from_db()
    assert school_review.outcomes == {"E1": "first"}


@pytest.mark.django_db(transaction=True)
def test_two_sessions_sending_the_report_at_once_send_it_once(plan, senco, caseworker):
    with time_machine.travel(date(2026, 12, 1)):
        school_review = school_review_arrange(
            case=plan.case, user=senco, meeting_on=date(2027, 1, 20), invitees=["caseworker"]
        )
    results: list[str] = []

    def send() -> None:
        try:
            with time_machine.travel(date(2027, 1, 25)):
                school_review_report_save(
                    school_review=school_review,
                    user=senco,
                    version=0,
                    outcomes={"E1": "x", "E2": "y"},
                    provision={"F1": {"status": "delivered", "note": ""}},
                    recommended_changes="",
                    send=True,
                )
            results.append("sent")
        except SchoolRefused:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["refused", "sent"]
    assert CaseTask.objects.filter(title__startswith="Decide the annual review").count() == 1


def test_an_invited_health_adviser_gives_advice_online_and_nobody_else_can(
    client, plan, senco, family, caseworker
):
    from ehcp_portal.accounts.models import Role
    from tests.factories import AdviceRequestFactory, UserFactory

    nurse = UserFactory(role=Role.ADVICE_GIVER)
    AdviceRequestFactory(case=plan.case, source="health", addressee=nurse)
    with time_machine.travel(date(2026, 12, 1)):
        client.force_login(senco)
        assert _arrange(client, plan, date(2027, 1, 20), ("family", "health")).status_code == 302
    invitation = ReviewInvitation.objects.get(recipient=nurse)
    url = reverse("schools:invitee_views", args=[invitation.pk])
    # The invitation links the adviser to their page.
    told = Notification.objects.filter(recipient=nurse, purpose="school_review_invitation")
    assert told.exists() and all(n.link == url for n in told)
    with time_machine.travel(date(2026, 12, 10)):
        # Nobody but the person invited learns the invitation exists.
        other_adviser = UserFactory(role=Role.ADVICE_GIVER)
        for someone in (other_adviser, family, caseworker, senco):
            client.force_login(someone)
            assert client.get(url).status_code == 404
            assert client.post(url, {"body": "Not mine"}).status_code == 404
        client.force_login(nurse)
        page = client.get(url).content.decode()
        assert escape(plan.case.child.full_name) in page and "6 January 2027" in page  # papers by
        empty = client.post(url, {"body": ""})
        assert empty.status_code == 400 and "govuk-error-summary" in empty.content.decode()
        assert client.post(url, {"body": "Asthma plan in place; no change."}).status_code == 302
    contribution = ReviewContribution.objects.get(author=nurse)
    assert contribution.body == "Asthma plan in place; no change."
    with time_machine.travel(date(2027, 1, 5)):
        client.force_login(senco)
        review_page = client.get(reverse("schools:review", args=[plan.case.reference]))
        assert "Asthma plan in place" in review_page.content.decode()
        client.post(reverse("schools:circulate", args=[plan.case.reference]))
    with time_machine.travel(date(2027, 1, 6)):
        client.force_login(nurse)
        late = client.post(url, {"body": "Too late"})
        assert "have gone out" in late.content.decode()
    assert ReviewContribution.objects.get(author=nurse).body.startswith("Asthma plan")
