from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.urls import reverse

from cases.advice.models import AdviceRequest
from cases.models import Case, Stage
from ehcp_portal.accounts.models import User


def test_demo_has_advice_requests_consistent_with_waiting_cases(client, db):
    call_command("seed_demo", "--cases", "200", "--seed", "7", stdout=StringIO())
    assessing = Case.objects.filter(stage=Stage.ASSESSING)
    assert AdviceRequest.objects.filter(case__in=assessing).count() == 3 * assessing.count()
    for case in assessing:
        still_open = case.advice_requests.filter(state="sent").exists()
        assert still_open == case.waiting_on_others, case.reference
    ep = User.objects.get(email="ep@demo.ehcp.test")
    client.force_login(ep)
    page = client.get(reverse("advice:home")).content.decode()
    assert AdviceRequest.objects.filter(addressee=ep).first().case.reference in page
