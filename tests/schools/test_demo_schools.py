"""The acceptance walk on the demo council (issue 17): the demo SENCO, from their home page,
follows the request they sent, runs an annual review to its report and confirms this term's
provision; a second SENCO sees none of it; the family sees the review and the delivery record."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from cases.plans.models import Review
from cases.schools.models import ProvisionConfirmation, SchoolAlert, SchoolReview
from ehcp_portal.accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("seed_demo", "--cases", "200", "--seed", "7", stdout=StringIO())


def _links(body: str, name: str) -> list[str]:
    import re

    prefix = reverse(name, args=["X"]).rsplit("X", 1)[0]
    return sorted(set(re.findall(re.escape(prefix) + r"([A-Z0-9-]+)/", body)))


def test_the_demo_senco_runs_a_review_and_confirms_provision(client, demo):
    senco = User.objects.get(email="senco@demo.ehcp.test")
    client.force_login(senco)
    home = client.get(reverse("schools:home"))
    body = home.content.decode()
    assert home.status_code == 200
    # The request they sent is followed: reference, stage and next date.
    assert 'id="requests-sent"' in body
    sent = senco.request_drafts.exclude(case=None).get().case
    assert sent.reference in body and sent.get_stage_display() in body
    assert client.get(reverse("schools:pupil", args=[sent.reference])).status_code == 200

    # The review whose meeting was last week: write and send the report.
    school_review = SchoolReview.objects.get(setting=senco.setting, report_sent_on=None)
    reference = school_review.case.reference
    assert "Write and send the review report" in body
    report_url = reverse("schools:report", args=[reference])
    form = client.get(report_url).content.decode()
    # Pre-filled from the delivery record: last term the school confirmed F1 delivered.
    assert 'value="delivered" checked' in form
    response = client.post(
        report_url,
        {
            "action": "send",
            "version": "0",
            "outcome_E1": "Joins in group work most days",
            "status_F1": "delivered",
            "note_F1": "",
            "recommended_changes": "",
        },
    )
    assert response.status_code == 302
    review = Review.objects.get(pk=school_review.review_id)
    assert review.report_received_on is not None
    school_review.refresh_from_db()
    assert school_review.report_sent_on is not None

    # The review falling due: arrange the meeting, which sends the invitations.
    due = Review.objects.filter(
        plan__named_setting=senco.setting, decision_on=None, meeting_on=None
    ).get()
    meeting = timezone.localdate() + timedelta(days=30)
    response = client.post(
        reverse("schools:review", args=[due.plan.case.reference]),
        {
            "meeting_on_0": str(meeting.day),
            "meeting_on_1": str(meeting.month),
            "meeting_on_2": str(meeting.year),
            "invitees": ["family", "caseworker"],
        },
    )
    assert response.status_code == 302, response.content.decode()
    due.refresh_from_db()
    assert due.meeting_on is not None

    # This term's provision.
    provision_url = reverse("schools:provision", args=[due.plan.case.reference])
    response = client.post(
        provision_url, {"status_F1": "partly", "note_F1": "Staff absence", "version_F1": "0"}
    )
    assert response.status_code == 302
    assert ProvisionConfirmation.objects.filter(
        plan=due.plan, party="school", status="partly"
    ).exists()

    # A second SENCO, of another school, sees none of it.
    client.force_login(User.objects.get(email="senco2@demo.ehcp.test"))
    other_home = client.get(reverse("schools:home")).content.decode()
    for ref in (sent.reference, reference, due.plan.case.reference):
        assert ref not in other_home
        assert client.get(reverse("schools:pupil", args=[ref])).status_code == 404
        assert client.get(reverse("schools:review", args=[ref])).status_code == 404

    # The family sees the review and the delivery record, from their tracker.
    client.force_login(User.objects.get(email="parent@demo.ehcp.test"))
    tracker = client.get(reverse("families:track", args=[reference])).content.decode()
    assert 'id="annual-review"' in tracker
    family = client.get(reverse("schools:family", args=[reference])).content.decode()
    assert "Reading has come on well" in family  # their own views, in the circulated papers
    assert "Joins in group work most days" in family  # the school's report
    assert "Partly delivered" in family  # their view in the delivery record


def test_the_demo_raises_its_alerts_once(demo):
    # The demo's family said "partly" where the school said "delivered": one gap per item.
    assert SchoolAlert.objects.filter(kind="provision_gap").exists()
    keys = list(SchoolAlert.objects.values_list("key", flat=True))
    assert len(keys) == len(set(keys))
