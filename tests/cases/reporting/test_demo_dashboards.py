"""Acceptance: with the demo data, the manager, the head of service and the scrutiny-board
councillor each see their dashboard; the councillor sees no child's name or reference."""

from __future__ import annotations

import re
from io import StringIO

from django.core.management import call_command
from django.urls import reverse

from cases.models import Case
from ehcp_portal.accounts.models import User


def test_each_dashboard_with_the_demo_data(client, db):
    call_command("seed_demo", "--cases", "300", "--seed", "7", stdout=StringIO())
    dashboard = reverse("reporting:dashboard")
    figures = {}
    for email in (
        "manager.east@demo.ehcp.test",
        "head.of.service@demo.ehcp.test",
        "councillor@demo.ehcp.test",
    ):
        client.force_login(User.objects.get(email=email))
        response = client.get(dashboard)
        assert response.status_code == 200, email
        figures[email] = response.context["figures"]
        body = response.content.decode()
        if email.startswith("councillor"):
            assert "Service performance" in body  # the board's link in their navigation
            assert not re.search(r"EHC-\d{4}-\d+", body)
            names = [case.child.full_name for case in Case.objects.select_related("child")]
            assert [name for name in names if name in body] == []
            assert "/reporting/cases/" not in body
    council = figures["head.of.service@demo.ehcp.test"]
    # The council's backlog is every open case; the East manager's is part of it.
    assert sum(r["open"] for r in council["backlog"]) == Case.objects.filter(is_open=True).count()
    east = figures["manager.east@demo.ehcp.test"]
    assert 0 < sum(r["open"] for r in east["backlog"]) < sum(r["open"] for r in council["backlog"])
    assert figures["councillor@demo.ehcp.test"]["backlog"] == council["backlog"]
