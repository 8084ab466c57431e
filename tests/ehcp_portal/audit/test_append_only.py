"""The access log cannot be changed: the database refuses to update a record, and to delete one
except through the retention schedule's purge; the admin shows records read-only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from ehcp_portal.audit.models import AccessRecord
from ehcp_portal.audit.services import access_record, access_records_purge
from tests.factories import UserFactory


def _record(user, case, days_ago: int = 0) -> AccessRecord:
    return AccessRecord.objects.create(
        at=timezone.now() - timedelta(days=days_ago),
        user=user,
        user_name=user.get_full_name(),
        role=user.role,
        child_id=case.child_id,
        case_id=case.pk,
        case_reference=case.reference,
        kind="case",
    )


def test_the_database_refuses_to_change_a_record(case, caseworker):
    record = _record(caseworker, case)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AccessRecord.objects.filter(pk=record.pk).update(user_name="Someone else")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        record.role = "admin"
        record.save()
    record.refresh_from_db()
    assert record.user_name == caseworker.get_full_name()


def test_the_database_refuses_to_delete_a_record_outside_the_purge(case, caseworker):
    record = _record(caseworker, case)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AccessRecord.objects.filter(pk=record.pk).delete()
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM audit_accessrecord")
    assert AccessRecord.objects.filter(pk=record.pk).exists()


def test_removing_a_readers_account_keeps_what_they_read(case, caseworker):
    reader = UserFactory(full_name="Former Caseworker")
    record = _record(reader, case)
    reader_id = reader.pk
    reader.delete()
    record.refresh_from_db()
    assert record.user_id == reader_id and record.user_name == "Former Caseworker"


def test_the_purge_removes_only_records_older_than_the_cut_off(case, caseworker):
    old = [_record(caseworker, case, days_ago=400) for _ in range(3)]
    recent = _record(caseworker, case, days_ago=10)
    cut_off = timezone.now() - timedelta(days=365)
    assert access_records_purge(before=cut_off, dry_run=True) == 3
    assert AccessRecord.objects.count() == 4  # a dry run removes nothing
    assert access_records_purge(before=cut_off, dry_run=False) == 3
    assert list(AccessRecord.objects.all()) == [recent]
    assert not AccessRecord.objects.filter(pk__in=[r.pk for r in old]).exists()


def test_the_purge_flag_ends_with_its_transaction(case, caseworker):
    access_records_purge(before=timezone.now() - timedelta(days=1), dry_run=False)
    record = _record(caseworker, case)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AccessRecord.objects.filter(pk=record.pk).delete()


@pytest.mark.django_db(transaction=True)
def test_a_read_outside_a_transaction_is_one_insert(case, caseworker, django_assert_num_queries):
    """The request path: autocommit, no transaction around the view. The record is written
    with the organisation worked out in the INSERT, and nothing else is queried."""
    caseworker = type(caseworker).objects.get(pk=caseworker.pk)  # team not loaded
    assert not connection.in_atomic_block
    with django_assert_num_queries(1):
        access_record(caseworker, kind="case", case=case)
    record = AccessRecord.objects.get()
    assert record.organisation == case.team.name
    assert record.case_reference == case.reference


def test_the_admin_shows_records_read_only(client, case, caseworker):
    record = _record(caseworker, case)
    admin = UserFactory(role="admin", is_staff=True, is_superuser=True)
    client.force_login(admin)
    listing = client.get(reverse("admin:audit_accessrecord_changelist"))
    assert listing.status_code == 200 and case.reference in listing.content.decode()
    assert client.get(reverse("admin:audit_accessrecord_add")).status_code == 403
    detail = client.get(reverse("admin:audit_accessrecord_change", args=[record.pk]))
    assert detail.status_code == 200 and 'name="_save"' not in detail.content.decode()
    delete = client.post(
        reverse("admin:audit_accessrecord_delete", args=[record.pk]), {"post": "yes"}
    )
    assert delete.status_code == 403
    assert AccessRecord.objects.filter(pk=record.pk).exists()
