from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from ehcp_portal.accounts.models import User
from panels.models import Meeting, PanelType


def test_demo_has_a_published_upcoming_meeting_per_panel_type_for_the_demo_member(client, db):
    call_command("seed_demo", "--cases", "200", "--seed", "7", stdout=StringIO())
    meetings = Meeting.objects.select_related("panel_type")
    assert {m.panel_type for m in meetings} == set(PanelType.objects.filter(active=True))
    member = User.objects.get(email="panel.education@demo.ehcp.test")
    for meeting in meetings:
        assert meeting.status == Meeting.Status.PUBLISHED
        assert meeting.date > timezone.localdate()
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
