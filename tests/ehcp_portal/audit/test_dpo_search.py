"""The data protection officer searches the access log by child (case reference or name), by
reader (name or email) and by period, pages through it and exports the matches as CSV; the page
does not exist for anyone else."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ehcp_portal.accounts.models import Role
from ehcp_portal.audit.models import AccessRecord
from ehcp_portal.audit.views import SEARCH_PAGE_SIZE, csv_cell
from tests.factories import CaseFactory, ChildFactory, UserFactory

SEARCH = reverse("audit:search")
EXPORT = reverse("audit:export")


@pytest.fixture
def dpo(db):
    return UserFactory(role=Role.DPO, full_name="Dana Protection")


def _record(user, case, *, on: date | None = None, **extra) -> AccessRecord:
    at = timezone.make_aware(datetime.combine(on, time(10, 30))) if on else timezone.now()
    return AccessRecord.objects.create(
        at=at,
        user=user,
        user_name=user.get_full_name(),
        role=user.role,
        child_id=case.child_id,
        case_id=case.pk,
        case_reference=case.reference,
        kind="case",
        **extra,
    )


def _date(prefix: str, day: date) -> dict[str, str]:
    return {
        f"{prefix}_0": str(day.day),
        f"{prefix}_1": str(day.month),
        f"{prefix}_2": str(day.year),
    }


def test_the_dpo_lands_on_the_access_log(client, dpo):
    client.force_login(dpo)
    response = client.get(reverse("home"), follow=True)
    assert response.redirect_chain[-1][0] == SEARCH
    assert "Access log" in response.content.decode()


def test_search_by_case_reference_or_childs_name(client, dpo, caseworker):
    wanted = CaseFactory(child=ChildFactory(first_name="Zephyrine", last_name="Quillfeather"))
    other = CaseFactory()
    _record(caseworker, wanted)
    _record(caseworker, other)
    client.force_login(dpo)
    for text in (wanted.reference, wanted.reference.lower(), "zephyrine quill"):
        page = client.get(SEARCH, {"child": text}).content.decode()
        assert wanted.reference in page and other.reference not in page, text
        assert "Zephyrine Quillfeather" in page


def test_search_by_reader_name_or_email(client, dpo, case):
    alice = UserFactory(role=Role.CASEWORKER, full_name="Alice Reader", email="alice@council.test")
    bob = UserFactory(role=Role.CASEWORKER, full_name="Bob Other", email="bob@council.test")
    _record(alice, case, object_ref="read by alice")
    _record(bob, case, object_ref="read by bob")
    client.force_login(dpo)
    for text in ("alice reader", "ALICE@council"):
        page = client.get(SEARCH, {"reader": text}).content.decode()
        assert "read by alice" in page and "read by bob" not in page, text


def test_search_by_period_includes_both_days(client, dpo, case, caseworker):
    for day in (date(2026, 3, 31), date(2026, 4, 1), date(2026, 4, 30), date(2026, 5, 1)):
        _record(caseworker, case, on=day, object_ref=f"read on {day:%d %b}")
    client.force_login(dpo)
    page = client.get(
        SEARCH,
        {**_date("on_or_after", date(2026, 4, 1)), **_date("on_or_before", date(2026, 4, 30))},
    ).content.decode()
    assert "read on 01 Apr" in page and "read on 30 Apr" in page
    assert "read on 31 Mar" not in page and "read on 01 May" not in page


def test_a_wrong_period_is_shown_with_govuk_errors_keeping_what_was_typed(client, dpo):
    client.force_login(dpo)
    response = client.get(
        SEARCH,
        {
            "child": "EHC-2026-000001",
            **_date("on_or_after", date(2026, 5, 1)),
            **_date("on_or_before", date(2026, 4, 1)),
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "The end date must be the same as or after the start date" in page
    assert 'value="EHC-2026-000001"' in page
    bad = client.get(SEARCH, {"on_or_after_0": "31", "on_or_after_1": "2", "on_or_after_2": "2026"})
    assert "The start date must be a real date" in bad.content.decode()
    assert client.get(SEARCH, {"child": "a\x00b"}).status_code == 200
    huge = client.get(
        SEARCH, {"on_or_after_0": "1", "on_or_after_1": "1", "on_or_after_2": "9" * 30}
    )
    assert huge.status_code == 200 and "There is a problem" in huge.content.decode()


def test_pages_go_forward_and_back_newest_first(client, dpo, case, caseworker):
    start = date(2026, 1, 1)
    for i in range(SEARCH_PAGE_SIZE + 5):
        _record(caseworker, case, on=start + timedelta(days=i), object_ref=f"read number {i:03d}")
    client.force_login(dpo)
    first = client.get(SEARCH, {"child": case.reference}).content.decode()
    assert f"read number {SEARCH_PAGE_SIZE + 4:03d}" in first and "read number 004" not in first
    assert 'rel="next"' in first and 'rel="prev"' not in first
    second = client.get(SEARCH, {"child": case.reference, "page": "2"}).content.decode()
    assert "read number 004" in second and "read number 000" in second
    assert 'rel="prev"' in second and 'rel="next"' not in second
    assert client.get(SEARCH, {"page": "x\x00"}).status_code == 200


@pytest.mark.parametrize("n", [3, 60])
def test_the_search_runs_a_fixed_number_of_queries(
    client, dpo, caseworker, n, django_assert_num_queries
):
    for _ in range(n):
        _record(caseworker, CaseFactory())
    client.force_login(dpo)
    # session, user, one page of records, the children's names, the header's unread count
    with django_assert_num_queries(5):
        response = client.get(SEARCH, {"reader": caseworker.full_name})
    assert response.status_code == 200


def test_the_export_is_every_match_as_csv_with_formulas_neutralised(client, dpo, case):
    hostile = UserFactory(role=Role.CASEWORKER, full_name='=HYPERLINK("http://x")')
    for i in range(SEARCH_PAGE_SIZE + 3):
        _record(hostile, case, object_ref=f"+{i}" if i == 0 else f"item {i}")
    _record(hostile, CaseFactory())  # another child: not in the export
    client.force_login(dpo)
    response = client.get(EXPORT, {"child": case.reference})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    header, body = rows[0], rows[1:]
    assert header[:3] == ["at", "user_id", "user_name"]
    assert len(body) == SEARCH_PAGE_SIZE + 3
    assert {r[header.index("case_reference")] for r in body} == {case.reference}
    assert {r[2] for r in body} == {'\'=HYPERLINK("http://x")'}
    assert "'+0" in [r[header.index("object_ref")] for r in body]


@pytest.mark.parametrize(
    "value, written",
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("plain", "plain"),
        (None, ""),
        (12, "12"),
    ],
)
def test_csv_cells_that_a_spreadsheet_would_run_are_made_text(value, written):
    assert csv_cell(value) == written


@pytest.mark.parametrize(
    "role",
    [
        Role.PARENT,
        Role.YOUNG_PERSON,
        Role.SCHOOL,
        Role.ADVICE_GIVER,
        Role.CASEWORKER,
        Role.TEAM_MANAGER,
        Role.PANEL_MEMBER,
        Role.ELECTED_MEMBER,
        Role.HEAD_OF_SERVICE,
        Role.ADMIN,
    ],
)
def test_every_other_role_gets_404(client, user_of_role, role, case, caseworker):
    _record(caseworker, case)
    client.force_login(user_of_role(role))
    assert client.get(SEARCH).status_code == 404
    assert client.get(EXPORT, {"child": case.reference}).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client):
    assert client.get(SEARCH).status_code == 302
    assert client.get(EXPORT).status_code == 302


def test_the_search_and_the_export_are_never_cached(client, dpo):
    client.force_login(dpo)
    assert "no-store" in client.get(SEARCH)["Cache-Control"]
    assert "no-store" in client.get(EXPORT)["Cache-Control"]
