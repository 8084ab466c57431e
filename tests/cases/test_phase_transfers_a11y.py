"""axe-core on the cohort due to transfer phase (reg 18: 15 February, or 31 March for a move
to post-16), for a caseworker and a team manager."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.casework.selectors import transfer_year_now
from cases.models import Stage
from tests.conftest import axe_violations
from tests.factories import CaseFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("who", ["caseworker", "manager"])
def test_phase_transfer_cohort_page(live_server, page, sign_in_as, team, caseworker, manager, who):
    year = transfer_year_now(timezone.localdate())
    for post16 in (False, True):
        CaseFactory(
            team=team,
            caseworker=caseworker,
            stage=Stage.MAINTAINED,
            final_issued_on=timezone.localdate() - timedelta(days=200),
            phase_transfer_year=year,
            phase_transfer_post16=post16,
        )
    sign_in_as(caseworker if who == "caseworker" else manager)
    page.goto(live_server.url + reverse("casework:phase_transfers"))
    assert page.locator("main table tbody tr").count() == 2
    assert page.locator("h1").count() == 1
    assert axe_violations(page) == []
