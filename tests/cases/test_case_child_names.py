"""The child's names kept on each case for the caseload's name search (Case.child_first_name,
Case.child_last_name): written by the database on every way a case or a child changes, so a
search never finds a case under a name its child no longer has, nor misses it under the new."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, Team
from families.models import Child
from tests.factories import CaseFactory, ChildFactory, TeamFactory

pytestmark = pytest.mark.django_db

URL = reverse("casework:caseload")


def _names(case: Case) -> tuple[str, str]:
    return Case.objects.values_list("child_first_name", "child_last_name").get(pk=case.pk)


def _open(reference: str, child_id: int, team: Team) -> Case:
    """A case written straight to the database, as an import or a restore writes one."""
    return Case.objects.create(
        reference=reference,
        child_id=child_id,
        received_on=timezone.localdate(),
        team=team,
        area=team.area,
    )


def _found(client, text: str) -> list[str]:
    return [case.reference for case, _flags in client.get(URL, {"q": text}).context["rows"]]


def test_a_new_case_takes_its_childs_names():
    case = CaseFactory(child=ChildFactory(first_name="Amira", last_name="Khan"))
    assert _names(case) == ("Amira", "Khan")


def test_a_renamed_child_is_found_by_the_new_name_only(client, caseworker, team):
    child = ChildFactory(first_name="Amira", last_name="Khan")
    first = CaseFactory(caseworker=caseworker, team=team, child=child)
    second = CaseFactory(caseworker=caseworker, team=team, child=child)
    client.force_login(caseworker)
    assert set(_found(client, "khan")) == {first.reference, second.reference}

    child.last_name = "Hussain"
    child.save()
    assert _names(first) == _names(second) == ("Amira", "Hussain")
    assert _found(client, "khan") == []
    assert set(_found(client, "amira huss")) == {first.reference, second.reference}

    # a bulk update (as an erasure or a migration would write) is kept as well
    Child.objects.filter(pk=child.pk).update(first_name="Amy")
    assert _names(first) == ("Amy", "Hussain")


def test_a_case_saved_from_before_a_rename_keeps_the_new_name():
    """Django's save() writes every column: a case read before its child was renamed must not
    write the old names back."""
    case = CaseFactory(child=ChildFactory(first_name="Amira", last_name="Khan"))
    stale = Case.objects.get(pk=case.pk)
    Child.objects.filter(pk=case.child_id).update(last_name="Hussain")
    stale.priority = 5
    stale.save()
    assert _names(case) == ("Amira", "Hussain")


def test_a_case_moved_to_another_child_takes_that_childs_names():
    case = CaseFactory(child=ChildFactory(first_name="Amira", last_name="Khan"))
    other = ChildFactory(first_name="Tomasz", last_name="Nowak")
    Case.objects.filter(pk=case.pk).update(child=other)
    assert _names(case) == ("Tomasz", "Nowak")


def test_names_written_directly_are_put_right():
    case = CaseFactory(child=ChildFactory(first_name="Amira", last_name="Khan"))
    Case.objects.filter(pk=case.pk).update(child_first_name="Someone", child_last_name="Else")
    assert _names(case) == ("Amira", "Khan")


def test_a_case_written_before_its_child_in_one_transaction_takes_the_names():
    """Foreign keys are checked at commit, so a restore or an import may write a case first."""
    team = TeamFactory()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence('families_child', 'id'))")
        child_id = cursor.fetchone()[0]
        case = _open("EHC-2026-999999", child_id, team)
        assert _names(case) == ("", "")
        ChildFactory(id=child_id, first_name="Amira", last_name="Khan")
    assert _names(case) == ("Amira", "Khan")


@pytest.mark.django_db(transaction=True)
def test_a_rename_committing_while_a_case_is_opened_is_not_missed():
    """A case opened for a child while another transaction renames the child waits for the
    rename and takes the new name (the child is read FOR SHARE)."""
    child = ChildFactory(first_name="Amira", last_name="Khan")
    team = TeamFactory()
    renamed = threading.Event()
    opened: list[int] = []

    def open_case() -> None:
        try:
            renamed.wait(10)
            opened.append(_open("EHC-2026-999998", child.pk, team).pk)
        finally:
            connections.close_all()

    opener = threading.Thread(target=open_case)
    opener.start()
    with transaction.atomic():
        Child.objects.filter(pk=child.pk).update(last_name="Hussain")
        renamed.set()
        opener.join(0.5)
        assert opener.is_alive(), "the new case did not wait for the rename to commit"
    opener.join(10)
    assert opened
    assert Case.objects.values_list("child_last_name", flat=True).get(pk=opened[0]) == "Hussain"
