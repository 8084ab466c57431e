"""After seed_demo the demo parent's "Who has seen your information" is not empty, and a reset
clears the demo's log through the purge (the database refuses any other delete)."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.urls import reverse

from ehcp_portal import access
from ehcp_portal.accounts.models import User
from ehcp_portal.audit.models import AccessRecord


def test_the_demo_parent_sees_who_has_read_their_childs_record(client, db):
    call_command("seed_demo", "--cases", "40", "--seed", "5", stdout=StringIO())
    parent = User.objects.get(email="parent@demo.ehcp.test")
    case = access.cases_for(parent, access.CASE_TRACK).order_by("received_on").first()
    client.force_login(parent)
    page = client.get(reverse("audit:seen_by", args=[case.reference])).content.decode()
    assert "Nobody outside your family" not in page
    assert "SEN panel" in page and ", caseworker" in page

    first = set(AccessRecord.objects.values_list("pk", flat=True))
    assert first
    call_command("seed_demo", "--cases", "40", "--seed", "5", "--reset", stdout=StringIO())
    # The reset removed the first demo's records; the new demo made its own.
    again = set(AccessRecord.objects.values_list("pk", flat=True))
    assert again and not again & first
