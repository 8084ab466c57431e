"""Writing the access log. Every view, API endpoint and export that shows a child's record calls
`access_record` once per read, after the access policy let the reader in; the retention schedule
removes old records through `access_records_purge`, the only way a record is ever deleted."""

from __future__ import annotations

import functools
from collections.abc import Collection
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from ehcp_portal.accounts.models import Role, User
from ehcp_portal.audit.models import AccessKind, AccessRecord, Channel

# The columns written for one read, in this order, and the type each parameter is cast to.
_COLUMNS: tuple[tuple[str, str | None], ...] = (
    ("at", "timestamptz"),
    ("user_id", "bigint"),
    ("user_name", "varchar"),
    ("role", "varchar"),
    ("organisation", None),  # worked out in the INSERT itself, see _insert_sql
    ("child_id", "bigint"),
    ("case_id", "bigint"),
    ("case_reference", "varchar"),
    ("kind", "varchar"),
    ("object_ref", "varchar"),
    ("route", "varchar"),
    ("path", "varchar"),
    ("channel", "varchar"),
)


def _organisation_otherwise(user: User) -> str:
    """The organisation of a reader with none of their own, no setting and no team."""
    if user.role == Role.ELECTED_MEMBER:
        return f"Councillor, {user.ward}" if user.ward else "Councillor"
    if user.role == Role.PANEL_MEMBER:
        return "SEN panel"
    return ""


def organisation_of(user: User) -> str:
    """What the family is told the reader belongs to: the organisation on their account (an
    advice service), else their school or setting, else their council team, else the panel or
    the councillor's ward. Loads the setting or team if the request has not."""
    if user.organisation:
        return user.organisation
    if user.setting_id:
        return str(user.setting)
    if user.team_id:
        return str(user.team)
    return _organisation_otherwise(user)


@functools.cache
def _insert_sql(*, relaxed: bool) -> str:
    """One INSERT of one read, built once from the models' metadata (no input reaches the SQL
    text; every value is a parameter, cast to its column's type).

    The organisation is worked out inside the INSERT, as `organisation_of` does (a setting's
    and a team's `__str__` is its name): recording a caseworker's read costs no query to load
    their team, only the INSERT.

    `relaxed`: the commit does not wait for the WAL to reach the disk (`synchronous_commit` off
    for this statement's own transaction only). Why: a read is recorded on every case page and
    the commit's flush is most of an insert's cost (bench/README.md, "Access log"). If the
    database server itself crashes, the reads of its last fraction of a second (at most three
    times wal_writer_delay, 600 ms by default) may be missing from the log; the database stays
    consistent and nothing else is affected. Used only outside a transaction: inside one the
    setting would relax the commit of everything else the transaction writes.
    """
    selected = ", ".join(
        _organisation_sql() if cast is None else f"%s::{cast}" for _, cast in _COLUMNS
    )
    return _insert(selected, "", relaxed=relaxed)


# What differs between the reads of one page of cases (`access_records_many`).
_PER_READ = ("child_id", "case_id", "case_reference")


@functools.cache
def _insert_many_sql(*, relaxed: bool) -> str:
    """One INSERT of the reads of a page of cases, as `_insert_sql` writes one: the reader's
    values once, and each case's from arrays (UNNEST), so a page of 50 is one statement."""
    selected = ", ".join(
        _organisation_sql()
        if cast is None
        else f"read.{name}"
        if name in _PER_READ
        else f"%s::{cast}"
        for name, cast in _COLUMNS
    )
    casts = dict(_COLUMNS)
    arrays = ", ".join(f"%s::{casts[name]}[]" for name in _PER_READ)
    return _insert(selected, f"UNNEST({arrays}) AS read({', '.join(_PER_READ)})", relaxed=relaxed)


def _organisation_sql() -> str:
    setting_table = User._meta.get_field("setting").related_model._meta.db_table
    team_table = User._meta.get_field("team").related_model._meta.db_table
    return (
        "LEFT(COALESCE(NULLIF(%s::varchar, ''), "  # noqa: S608 (table names from the models)
        f"(SELECT name FROM {setting_table} WHERE id = %s::bigint), "
        f"(SELECT name FROM {team_table} WHERE id = %s::bigint), %s::varchar), 200)"
    )


def _insert(selected: str, source: str, *, relaxed: bool) -> str:
    insert = (
        f"INSERT INTO {AccessRecord._meta.db_table} ({', '.join(n for n, _ in _COLUMNS)}) "
        f"SELECT {selected}"
    )
    sources = [s for s in ("relaxed" if relaxed else "", source) if s]
    if relaxed:
        insert = f"WITH relaxed AS (SELECT set_config('synchronous_commit', 'off', true)) {insert}"
    return f"{insert} FROM {', '.join(sources)}" if sources else insert


def _reader(user: User | None, system: str) -> tuple[datetime, int | None, str, str]:
    """When, and who read: the person, or for a council system its name and "system"."""
    if user is None:
        return (timezone.now(), None, system[:150], "system")
    return (timezone.now(), user.pk, user.get_full_name()[:150], user.role[:20])


def _organisation_values(
    user: User | None, system_organisation: str
) -> tuple[str, int | None, int | None, str]:
    """The parameters from which the INSERT works out the reader's organisation."""
    if user is None:
        return (system_organisation, None, None, "")
    return (user.organisation, user.setting_id, user.team_id, _organisation_otherwise(user))


def _route_and_path(request: HttpRequest | None) -> tuple[str, str]:
    match = getattr(request, "resolver_match", None) if request is not None else None
    route = match.view_name if match is not None else ""
    return route[:120], (request.path if request is not None else "")[:500]


def access_record(
    user: User | None,
    *,
    kind: AccessKind | str,
    case: Any = None,
    child_id: int | None = None,
    object_ref: str = "",
    request: HttpRequest | None = None,
    channel: Channel | str = Channel.WEB,
    system: str = "",
    system_organisation: str = "",
) -> None:
    """Record that `user` read a child's record (`case`, or `child_id` for what belongs to the
    child but has no case yet). Call once per read, after the access check passed. A council
    system reading through the API has no person: it passes user=None with its own name
    (`system`) and organisation.

    On PostgreSQL this is one INSERT and nothing else: no SELECT, no RETURNING."""
    if not settings.ACCESS_LOG_ENABLED:
        return
    reader = _reader(user, system)
    read = (
        child_id if child_id is not None else getattr(case, "child_id", None),
        getattr(case, "pk", None),
        str(getattr(case, "reference", ""))[:40],
        str(kind)[:20],
        object_ref[:200],
        *_route_and_path(request),
        str(channel)[:10],
    )
    if connection.vendor != "postgresql":  # the embedded demo (SQLite)
        organisation_text = organisation_of(user) if user is not None else system_organisation
        values = (*reader, organisation_text[:200], *read)
        AccessRecord.objects.create(**dict(zip((n for n, _ in _COLUMNS), values, strict=True)))
        return
    with connection.cursor() as cursor:
        cursor.execute(
            _insert_sql(relaxed=not connection.in_atomic_block),
            (*reader, *_organisation_values(user, system_organisation), *read),
        )


def access_records_many(
    user: User | None,
    *,
    cases: list[Any],
    kind: AccessKind | str,
    request: HttpRequest | None = None,
    channel: Channel | str = Channel.WEB,
    system: str = "",
    system_organisation: str = "",
) -> None:
    """One line per case for a page that lists children's records (an API page of cases), in one
    insert: on PostgreSQL one statement, as `access_record` writes one read (the ORM's
    bulk_create took 4.5 ms for a page of 50, a transaction and a model object per read)."""
    if not settings.ACCESS_LOG_ENABLED or not cases:
        return
    reader = _reader(user, system)
    route, path = _route_and_path(request)
    if connection.vendor != "postgresql":  # the embedded demo (SQLite)
        organisation = organisation_of(user) if user is not None else system_organisation
        AccessRecord.objects.bulk_create(
            AccessRecord(
                at=reader[0],
                user=user,
                user_name=reader[2],
                role=reader[3],
                organisation=organisation[:200],
                child_id=case.child_id,
                case_id=case.pk,
                case_reference=str(case.reference)[:40],
                kind=kind,
                route=route,
                path=path,
                channel=channel,
            )
            for case in cases
        )
        return
    with connection.cursor() as cursor:
        cursor.execute(
            _insert_many_sql(relaxed=not connection.in_atomic_block),
            (
                *reader,
                *_organisation_values(user, system_organisation),
                str(kind)[:20],
                "",  # object_ref: the case itself
                route,
                path,
                str(channel)[:10],
                [case.child_id for case in cases],
                [case.pk for case in cases],
                [str(case.reference)[:40] for case in cases],
            ),
        )


@transaction.atomic
def access_records_purge(*, before: datetime, dry_run: bool) -> int:
    """Delete the records read before `before` (the council's retention period has passed) and
    return how many; with `dry_run`, only count them."""
    old = AccessRecord.objects.filter(at__lt=before)
    if dry_run:
        return old.count()
    return _delete_purging(old)


def access_records_delete(ids: Collection[int]) -> int:
    """Delete these records: the retention job's batches, which leave out the log of a child
    under legal hold (ehcp_portal/governance/retention.py)."""
    return _delete_purging(AccessRecord.objects.filter(pk__in=list(ids)))


def _delete_purging(records: QuerySet[AccessRecord]) -> int:
    """The only way a record is ever deleted: on PostgreSQL the append-only trigger refuses any
    DELETE unless this transaction says it is purging."""
    if connection.vendor != "postgresql":
        return records.delete()[0]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL audit.purging = 'on'")
        deleted, _ = records.delete()
        # Called inside a larger transaction (the retention job's), the flag must not outlive
        # this purge: nothing else in that transaction may delete records. (If the DELETE
        # fails, rolling back this savepoint undoes the SET LOCAL as well.)
        cursor.execute("SET LOCAL audit.purging = 'off'")
    return deleted
