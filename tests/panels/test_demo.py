from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from ehcp_portal.accounts.models import User
from panels.models import Meeting, PanelType


def test_demo_has_a_published_meeting_per_panel_type_for_the_demo_member(client, db):
    call_command("seed_demo", "--cases", "200", "--seed", "7", stdout=StringIO())
    meetings = Meeting.objects.select_related("panel_type")
    assert {m.panel_type for m in meetings} == set(PanelType.objects.filter(active=True))
    member = User.objects.get(email="panel.education@demo.ehcp.test")
    today = timezone.localdate()
    for meeting in meetings:
        assert meeting.status == Meeting.Status.PUBLISHED
        if meeting.panel_type.slug == "decision-to-assess":
            assert meeting.date == today  # the one the README's panel member holds
        else:
            assert meeting.date > today
        assert meeting.members.count() == 4
        items = list(meeting.items.select_related("case"))
        assert items, meeting
        assert all(i.case.stage in meeting.panel_type.ready_stages for i in items)
    client.force_login(member)
    page = client.get(reverse("panels:home")).content.decode()
    assert "Decision to issue" in page and "Ceasing a plan" in page
    meeting = meetings.get(panel_type__slug="decision-to-assess")
    item = meeting.items.first()
    assert client.get(reverse("panels:item", args=[meeting.pk, item.pk])).status_code == 200
    # --reset removes the panels too.
    call_command("seed_demo", "--cases", "50", "--seed", "7", "--reset", stdout=StringIO())
    assert Meeting.objects.count() == len(set(PanelType.objects.filter(active=True)))


def test_the_demo_panel_member_holds_todays_meeting_and_records_a_decision(client, db):
    call_command("seed_demo", "--cases", "200", "--seed", "7", stdout=StringIO())
    member = User.objects.get(email="panel.education@demo.ehcp.test")
    meeting = Meeting.objects.get(panel_type__slug="decision-to-assess")
    client.force_login(member)
    page = client.get(reverse("panels:meeting", args=[meeting.pk])).content.decode()
    assert "Record attendance and hold the meeting" in page
    attended = [str(m.pk) for m in meeting.members.all()]
    response = client.post(reverse("panels:attendance", args=[meeting.pk]), {"attended": attended})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD and meeting.quorate
    item = meeting.items.select_related("case").first()
    response = client.post(
        reverse("panels:decision", args=[meeting.pk]),
        {
            "case": item.case.reference,
            "outcome": "agree",
            "reasons": "The school's evidence shows needs that SEN support has not met.",
        },
    )
    assert response.status_code == 302
    assert item.decisions.get(is_current=True).outcome == "agree"
