"""A school's request names a pupil by UPN: a child the council knows already (same UPN, same
date of birth) is that child, not a second record."""

from __future__ import annotations

from datetime import date

from families.models import Child
from tests.factories import ChildFactory
from tests.families.helpers import answer_pages, answers
from tests.families.test_request_school_assisted import (  # noqa: F401
    SCHOOL_SLUGS,
    area,
    school_draft,
    senco,
)

DOB = date(2017, 9, 1)
BEFORE_TOLD = [s for s in SCHOOL_SLUGS if s != "parent-told"]


def test_the_school_form_finds_the_known_child_by_upn_and_birthday(client, senco, area):  # noqa: F811
    known = ChildFactory(upn="B201567815001", date_of_birth=DOB, first_name="Amira")
    draft = school_draft(client, senco)
    answer_pages(client, draft, answers(dob=DOB), BEFORE_TOLD)
    draft.refresh_from_db()
    assert draft.child == known
    assert Child.objects.count() == 1


def test_a_different_birthday_is_a_different_child(client, senco, area):  # noqa: F811
    ChildFactory(upn="B201567815001", date_of_birth=date(2016, 9, 1))
    draft = school_draft(client, senco)
    answer_pages(client, draft, answers(dob=DOB), BEFORE_TOLD)
    draft.refresh_from_db()
    assert Child.objects.count() == 2 and draft.child.date_of_birth == DOB
