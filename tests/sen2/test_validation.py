"""Each validation rule fails on a bad record and passes on a good one."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date

import pytest

from cases.sen2.records import (
    ActivePlansRecord,
    AssessmentRecord,
    HeaderRecord,
    NamedPlanRecord,
    PersonRecord,
    PlaceDetail,
    RequestRecord,
)
from cases.sen2.validation import (
    PERSON_RULES,
    REQUEST_RULES,
    RULE_TITLES,
    header_problems,
    person_problems,
    sen2_validate,
)

R = date(2027, 1, 21)


def good_person() -> PersonRecord:
    return PersonRecord(
        surname="Khan",
        forename="Amira",
        birth_date=date(2016, 3, 2),
        sex="F",
        ethnicity="APKN",
        postcode="LS6 2AB",
        upn="B201567815001",
        requests=[
            RequestRecord(
                case_reference="EHC-2026-000001",
                category="active",
                outcome="Y",
                received_date=date(2026, 2, 10),
                request_source="2",
                outcome_date=date(2026, 3, 20),
                assessment=AssessmentRecord(
                    outcome="Y",
                    outcome_date=date(2026, 6, 9),
                    named_plan=NamedPlanRecord(
                        start_date=date(2026, 6, 27),
                        details=[PlaceDetail(urn="123456", rank=1)],
                    ),
                ),
                active_plans=ActivePlansRecord(
                    placements=[PlaceDetail(urn="123456", rank=1, entry_date=date(2026, 9, 3))],
                    needs=["ASD", "SLCN"],
                ),
            )
        ],
    )


def _request(p: PersonRecord) -> RequestRecord:
    return p.requests[0]


def _plan(p: PersonRecord) -> NamedPlanRecord:
    a = _request(p).assessment
    assert a is not None and a.named_plan is not None
    return a.named_plan


def _active(p: PersonRecord) -> ActivePlansRecord:
    active = _request(p).active_plans
    assert active is not None
    return active


def _set(**changes: object) -> Callable[[PersonRecord], None]:
    def change(p: PersonRecord) -> None:
        for name, value in changes.items():
            setattr(p, name, value)

    return change


# rule -> ways of breaking a good record that it must catch
BAD: dict[str, list[Callable[[PersonRecord], None]]] = {
    "P1": [_set(sex=""), _set(sex="X")],
    "P2": [_set(ethnicity=""), _set(ethnicity="ZZZZ")],
    "P3": [_set(postcode=" ")],
    "P4": [_set(upn="", uln="", upn_unknown="")],
    "P5": [_set(upn="C201567815001")],
    "P6": [_set(upn="", uln="1234567890")],
    "P7": [_set(birth_date=date(2000, 1, 1)), _set(birth_date=date(2027, 2, 1))],
    "R1": [lambda p: setattr(_request(p), "request_source", "")],
    "R2": [
        lambda p: setattr(_request(p), "outcome_date", date(2026, 1, 1)),
        lambda p: setattr(_plan(p), "cease_date", date(2026, 6, 1)),
    ],
    "R3": [
        lambda p: setattr(_request(p), "outcome_date", None),
        lambda p: setattr(_request(p), "outcome", "Q"),
    ],
    "R4": [lambda p: setattr(_plan(p), "cease_date", date(2026, 12, 1))],
    "R5": [
        lambda p: setattr(_plan(p), "details", []),
        lambda p: setattr(_plan(p), "details", [PlaceDetail(urn="12345")]),
        lambda p: setattr(_plan(p), "details", [PlaceDetail(urn="123456", sen_setting="EHE")]),
        lambda p: setattr(_plan(p), "details", [PlaceDetail(sen_setting="OTH")]),
    ],
    "R6": [
        lambda p: setattr(_plan(p), "direct_payments", "E"),  # without a personal budget
        lambda p: setattr(_plan(p), "budget_organised", True),
    ],
    "R7": [
        lambda p: setattr(_active(p), "placements", []),
        lambda p: setattr(_active(p), "placements", [PlaceDetail(ukprn="1234", rank=1)]),
        lambda p: setattr(
            _active(p),
            "placements",
            [PlaceDetail(urn="123456", entry_date=date(2026, 9, 3), leaving_date=date(2026, 9, 1))],
        ),
        lambda p: setattr(
            _active(p), "placements", [PlaceDetail(urn="123456", rank=2, entry_date=R)]
        ),
    ],
    "R8": [
        lambda p: setattr(_active(p), "needs", []),
        lambda p: setattr(_active(p), "needs", ["ASD", "ASD"]),
        lambda p: setattr(_active(p), "needs", ["DYSLEXIA"]),
    ],
    "R9": [lambda p: setattr(_request(p), "received_date", date(2027, 2, 1))],
}


def test_a_good_record_passes_every_rule():
    assert list(person_problems(good_person(), R)) == []


def test_every_rule_has_a_bad_record_here():
    assert set(BAD) == set(PERSON_RULES) | set(REQUEST_RULES)


@pytest.mark.parametrize(("rule", "breaks"), [(rule, b) for rule, bs in BAD.items() for b in bs])
def test_each_rule_fails_on_a_bad_record(rule, breaks):
    person = copy.deepcopy(good_person())
    breaks(person)
    found = list(person_problems(person, R))
    assert rule in {p.rule for p in found}, found
    problem = next(p for p in found if p.rule == rule)
    assert problem.message and problem.case_reference == "EHC-2026-000001"
    assert problem.fix_url.startswith("/sen2/cases/EHC-2026-000001/#")


def test_the_header_needs_the_la_code_and_the_officers():
    good = HeaderRecord(reference_date=R, la_code="383", dmo="Y", dco="N", dsco="Y")
    assert header_problems(good) == []
    bad = HeaderRecord(reference_date=R, la_code="38", dmo="", dco="Y", dsco="")
    assert {p.rule for p in header_problems(bad)} == {"H1", "H2"}
    assert header_problems(bad)[0].fix_url == "/admin/cases/councilprofile/"


def test_the_report_counts_every_problem_but_keeps_only_as_many_as_asked():
    header = HeaderRecord(reference_date=R, la_code="383", dmo="Y", dco="Y", dsco="Y")
    people = []
    for _ in range(5):
        p = good_person()
        p.sex = ""
        people.append(p)
    report = sen2_validate(header, people, keep=2)
    assert report.by_rule == {"P1": 5}
    assert len(report.problems) == 2 and report.persons == 5
    assert all(code in RULE_TITLES for code in report.by_rule)
