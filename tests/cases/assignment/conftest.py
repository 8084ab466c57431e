from __future__ import annotations

from decimal import Decimal

import pytest

from cases.assignment.models import CaseworkerProfile
from ehcp_portal.accounts.models import Role
from tests.factories import CaseFactory, UserFactory


@pytest.fixture
def make_worker():
    """A caseworker in `team` with a profile (fte, target, specialisms, languages...)."""

    def make(team, *, open_cases: int = 0, **profile):
        user = UserFactory(role=Role.CASEWORKER, team=team)
        profile.setdefault("fte", Decimal("1.00"))
        profile.setdefault("target_caseload", 40)
        CaseworkerProfile.objects.create(user=user, **profile)
        for _ in range(open_cases):
            CaseFactory(team=team, caseworker=user)
        return user

    return make
