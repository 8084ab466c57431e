"""The demo councillor has a query with consent and one without; others span the wards."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.urls import reverse

from cases.members.models import MemberEnquiry
from ehcp_portal.accounts.models import User


def test_demo_member_enquiries(client, db):
    call_command("seed_demo", "--cases", "120", "--seed", "5", stdout=StringIO())
    councillor = User.objects.get(email="councillor@demo.ehcp.test")
    mine = MemberEnquiry.objects.filter(member=councillor).order_by("received_on")
    assert mine.count() == 3
    assert len(set(MemberEnquiry.objects.values_list("member_ward", flat=True))) > 3

    client.force_login(councillor)
    home = client.get(reverse("members:home"))
    shared = [e for e in home.context["page"].object_list if e.shared_stage]
    assert len(shared) == 1  # the family of one case consented, the other did not
    matched = [e for e in home.context["page"].object_list if e.case_id]
    assert len(matched) == 2

    manager = User.objects.get(email="manager.east@demo.ehcp.test")
    client.force_login(manager)
    assert client.get(reverse("members:inbox")).status_code == 200
    assert client.get(reverse("members:reports")).status_code == 200
    # --reset removes them with everything else.
    call_command("seed_demo", "--cases", "60", "--seed", "5", "--reset", stdout=StringIO())
    assert MemberEnquiry.objects.filter(member__email="councillor@demo.ehcp.test").count() == 3
