from __future__ import annotations

import pytest

from ehcp_portal.accounts.models import Role
from tests.factories import CaseFactory, TeamFactory, UserFactory, family_for


@pytest.fixture
def team(db):
    return TeamFactory()


@pytest.fixture
def caseworker(team):
    return UserFactory(role=Role.CASEWORKER, team=team)


@pytest.fixture
def manager(team):
    user = UserFactory(role=Role.TEAM_MANAGER, team=team)
    team.manager = user
    team.save()
    return user


@pytest.fixture
def case(team, caseworker):
    return CaseFactory(team=team, caseworker=caseworker)


@pytest.fixture
def parent(case):
    return family_for(case)


@pytest.fixture
def user_of_role(db):
    """Make a signed-in-able user of any role (in a fresh team/area for staff)."""

    def make(role: str, **extra):
        if role in (Role.CASEWORKER, Role.TEAM_MANAGER) and "team" not in extra:
            extra["team"] = TeamFactory()
        return UserFactory(role=role, **extra)

    return make
