from __future__ import annotations

import pytest

from tests.cases.members.factories import MemberFactory


@pytest.fixture
def member(db):
    return MemberFactory(full_name="Cllr Priya Shah", ward="Headingley")
