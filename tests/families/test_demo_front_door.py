from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.urls import reverse

from ehcp_portal.accounts.models import User


def test_demo_parent_has_a_request_to_resume(client, db):
    call_command("seed_demo", "--cases", "20", "--seed", "5", stdout=StringIO())
    parent = User.objects.get(email="parent@demo.ehcp.test")
    client.force_login(parent)
    body = client.get(reverse("families:home")).content.decode()
    assert "Requests you have not sent yet" in body
    assert "Ayo Okafor" in body
    draft = parent.request_drafts.get()
    # Resuming skips the pages already answered.
    response = client.get(reverse("families:request_resume", args=[draft.public_id]))
    assert response["Location"].endswith("/child-looked-after/")
