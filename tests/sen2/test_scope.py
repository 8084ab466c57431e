"""The return's scope, by category, on a hand-built caseload: exactly the expected cases."""

from __future__ import annotations

from datetime import date

import pytest

from cases.sen2.scope import CATEGORIES, sen2_cases, sen2_counts, sen2_period, sen2_scope
from tests.sen2.caseload import R, build_caseload

pytestmark = pytest.mark.django_db

# category -> the hand-built cases (tests/sen2/caseload.py) in it
EXPECTED = {
    "active": {"active", "historic"},
    "ceased": {"ceased"},
    "not_issuing": {"not_issuing"},
    "not_assessing": {"not_assessing"},
    "withdrawn": {"withdrawn"},
    "issuing": {"issuing"},
    "assessing": {"assessing"},
    "request": {"request"},
}


def test_each_category_holds_exactly_its_case_and_nothing_else_is_in_scope():
    load = build_caseload()
    scope = sen2_scope(R)
    for category in CATEGORIES:
        expected = {load.cases[k].reference for k in EXPECTED[category]}
        assert set(scope[category].values_list("reference", flat=True)) == expected, category
    counts = sen2_counts(R)
    assert counts == {**dict.fromkeys(CATEGORIES, 1), "active": 2, "total": 9}
    in_scope = set(sen2_cases(R).values_list("reference", flat=True))
    assert in_scope == {case.reference for case in load.cases.values()}


def test_the_categories_never_overlap_so_their_counts_add_up(django_assert_num_queries):
    build_caseload()
    for on in (R, date(2025, 6, 30), date(2024, 1, 10)):
        counts = sen2_counts(on)
        assert counts["total"] == sen2_cases(on).count()
    with django_assert_num_queries(1):  # every category in one query
        sen2_counts(R)


def test_the_activity_period_is_the_calendar_year_before_the_reference_date():
    period = sen2_period(date(2027, 1, 21))
    assert (period.start, period.end) == (date(2026, 1, 1), date(2026, 12, 31))


def test_a_case_annotated_with_its_category():
    load = build_caseload()
    categories = dict(sen2_cases(R).values_list("reference", "sen2_category"))
    assert categories[load.cases["issuing"].reference] == "issuing"
    assert categories[load.cases["historic"].reference] == "active"
