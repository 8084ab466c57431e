"""The validation report: every record that would fail the DfE's SEN2 validation, in plain
words, with the page where it is put right.

The rules are those of sen2.md §3: the schema's (codes, formats, required items) and the
business rules that follow from the item definitions. Those marked [U] are the obvious reading
of the definitions, not the DfE's numbered rules (U14): check them against the validation-rules
spreadsheet for the collection year. Each rule is a small function over the records, so it is
tested on its own (tests/sen2/test_validation.py): a bad record fails, a good one passes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from django.urls import reverse

from cases import sen2_codes
from cases.pupil_numbers import uln_problem, upn_problem
from cases.sen2.records import (
    HeaderRecord,
    NamedPlanRecord,
    PersonRecord,
    PlaceDetail,
    RequestRecord,
)
from cases.statutory import age_on

# Where a problem is put right.
CHILD, REQUEST, PLAN, PLACEMENT, COUNCIL = "child", "request", "plan", "placement", "council"


@dataclass(frozen=True)
class Problem:
    rule: str
    message: str
    case_reference: str  # "" for the header
    child_name: str
    fix: str  # CHILD, REQUEST, PLAN, PLACEMENT or COUNCIL

    @property
    def fix_url(self) -> str:
        if self.fix == COUNCIL:
            return reverse("admin:cases_councilprofile_changelist")
        return reverse("sen2:details", args=[self.case_reference]) + f"#{self.fix}"

    @property
    def fix_label(self) -> str:
        return {
            CHILD: "Correct the child's details",
            REQUEST: "Correct the request",
            PLAN: "Correct the plan's details",
            PLACEMENT: "Correct the placement",
            COUNCIL: "Correct the council's details",
        }[self.fix]


Found = tuple[str, str]  # (message, fix)
PersonRule = Callable[[PersonRecord, date], Iterable[Found]]
RequestRule = Callable[[PersonRecord, RequestRecord, date], Iterable[Found]]

PERSON_RULES: dict[str, PersonRule] = {}
REQUEST_RULES: dict[str, RequestRule] = {}
# One line per rule for the report's key and docs/sen2.md.
RULE_TITLES: dict[str, str] = {}


def person_rule(code: str, title: str) -> Callable[[PersonRule], PersonRule]:
    def register(rule: PersonRule) -> PersonRule:
        PERSON_RULES[code] = rule
        RULE_TITLES[code] = title
        return rule

    return register


def request_rule(code: str, title: str) -> Callable[[RequestRule], RequestRule]:
    def register(rule: RequestRule) -> RequestRule:
        REQUEST_RULES[code] = rule
        RULE_TITLES[code] = title
        return rule

    return register


# -- the header --------------------------------------------------------------------------------

HEADER_TITLES = {
    "H1": "The council's LA code is three digits",
    "H2": "The council says whether a DMO and a DCO are in post",
}
RULE_TITLES.update(HEADER_TITLES)


def header_problems(header: HeaderRecord) -> list[Problem]:
    problems = []
    if not re.fullmatch(r"\d{3}", header.la_code or ""):
        problems.append(
            Problem("H1", "The council's three-digit LA code is missing", "", "", COUNCIL)
        )
    if not header.dmo or not header.dco:
        problems.append(
            Problem(
                "H2",
                "Say whether the council has a designated medical officer and a designated "
                "clinical officer",
                "",
                "",
                COUNCIL,
            )
        )
    return problems


# -- the person (module 1) ---------------------------------------------------------------------


@person_rule("P1", "Sex is recorded with a valid code")
def _sex(p: PersonRecord, r: date) -> Iterator[Found]:
    if p.sex not in dict(sen2_codes.SEX):
        yield "The child's sex is not recorded", CHILD


@person_rule("P2", "Ethnicity is recorded with a valid code")
def _ethnicity(p: PersonRecord, r: date) -> Iterator[Found]:
    if p.ethnicity not in sen2_codes.ETHNICITY_CODES:
        yield "The child's ethnicity is not recorded (use 'Refused' if the family declined)", CHILD


@person_rule("P3", "The home postcode is recorded")
def _postcode(p: PersonRecord, r: date) -> Iterator[Found]:
    if not p.postcode.strip():
        yield "The child's home postcode is missing", CHILD


@person_rule("P4", "A UPN, a ULN or the reason neither is known")
def _identifier(p: PersonRecord, r: date) -> Iterator[Found]:
    if not (p.upn or p.uln or p.upn_unknown):
        yield (
            "The child has no unique pupil number (UPN) or learner number (ULN), and no reason why",
            CHILD,
        )


@person_rule("P5", "The UPN is well formed and its check letter matches")
def _upn(p: PersonRecord, r: date) -> Iterator[Found]:
    if p.upn:
        problem = upn_problem(p.upn)
        if problem:
            yield f"The UPN {p.upn} is not valid: {problem}", CHILD


@person_rule("P6", "The ULN is 10 digits and its check digit matches")
def _uln(p: PersonRecord, r: date) -> Iterator[Found]:
    if p.uln:
        problem = uln_problem(p.uln)
        if problem:
            yield f"The ULN {p.uln} is not valid: {problem}", CHILD


@person_rule("P7", "Aged 0 to 25 at the reference date [U]")
def _age(p: PersonRecord, r: date) -> Iterator[Found]:
    if p.birth_date > r:
        yield "The child's date of birth is after the reference date", CHILD
    elif age_on(p.birth_date, r) >= 26:
        # s.45(3): a plan may continue to the end of the academic year the young person turns 25.
        yield "The young person is over 25 at the reference date", CHILD


# -- requests, assessments and the named plan (modules 2-4) -----------------------------------


@request_rule("R1", "RequestSource is given for requests received in the year [U]")
def _source(p: PersonRecord, q: RequestRecord, r: date) -> Iterator[Found]:
    in_year = q.received_date is not None and q.received_date.year == r.year - 1
    if in_year and q.request_source not in dict(sen2_codes.REQUEST_SOURCE):
        yield "Who made the request (the request source) is not recorded", REQUEST


@request_rule("R2", "Dates follow each other: birth, request, decisions, plan, cease [U]")
def _date_order(p: PersonRecord, q: RequestRecord, r: date) -> Iterator[Found]:
    a = q.assessment
    plan = a.named_plan if a else None
    steps = [
        ("the child's date of birth", p.birth_date),
        ("the date the request was received", q.received_date),
        ("the date of the decision whether to assess", q.outcome_date),
        ("the date of the decision whether to issue", a.outcome_date if a else None),
        ("the date the plan was issued", plan.start_date if plan else None),
        ("the date the plan ceased", plan.cease_date if plan else None),
    ]
    known = [(name, day) for name, day in steps if day is not None]
    for (before, d1), (after, d2) in zip(known, known[1:], strict=False):
        if d2 < d1:
            yield f"{after.capitalize()} ({d2:%-d %B %Y}) is before {before}", REQUEST
            return


@request_rule("R3", "Outcomes Y, N and W carry a date; A and H do not")
def _outcome_dates(p: PersonRecord, q: RequestRecord, r: date) -> Iterator[Found]:
    pairs = [(q.outcome, q.outcome_date, "whether to assess")]
    if q.assessment:
        pairs.append((q.assessment.outcome, q.assessment.outcome_date, "whether to issue"))
    for outcome, day, what in pairs:
        if outcome not in sen2_codes.OUTCOMES:
            yield f"The decision {what} has no valid outcome code", REQUEST
        elif (outcome in "YNW") != (day is not None):
            yield f"The date of the decision {what} is missing", REQUEST


@request_rule("R4", "A plan that ceased has a cease reason")
def _cease_reason(p: PersonRecord, q: RequestRecord, r: date) -> Iterator[Found]:
    plan = q.assessment.named_plan if q.assessment else None
    if plan and plan.cease_date and plan.cease_reason not in dict(sen2_codes.CEASE_REASON):
        yield "The plan ceased but the reason it ceased is not recorded", REQUEST


@request_rule("R5", "The named plan says where: one URN, UKPRN or kind of setting")
def _plan_detail(p: PersonRecord, q: RequestRecord, r: date) -> Iterator[Found]:
    plan = q.assessment.named_plan if q.assessment else None
    if plan is None:
        return
    if not plan.details:
        yield (
            "The plan's details are missing: the school or setting it names, or the kind of "
            "place when it names none",
            PLAN,
        )
    for detail in plan.details:
        yield from ((m, PLAN) for m in _place_problems(detail, "The plan"))


@request_rule("R6", "Personal budget items are valid codes [U]")
def _budget(p: PersonRecord, q: RequestRecord, r: date) -> Iterator[Found]:
    plan: NamedPlanRecord | None = q.assessment.named_plan if q.assessment else None
    if plan is None:
        return
    if plan.direct_payments and plan.direct_payments not in dict(sen2_codes.DIRECT_PAYMENTS):
        yield "The plan's direct payments code is not valid", PLAN
    if not plan.personal_budget and (plan.budget_organised or plan.direct_payments):
        yield "The plan records how a personal budget is held but no personal budget", PLAN


@request_rule("R7", "An active plan has a current placement")
def _placement(p: PersonRecord, q: RequestRecord, r: date) -> Iterator[Found]:
    active = q.active_plans
    if active is None:
        return
    if not active.placements:
        yield "The plan has no current placement (where the child is taught now)", PLACEMENT
    ranks = [place.rank for place in active.placements]
    if ranks and ranks[0] != 1:
        yield "The child has a second placement but no main placement", PLACEMENT
    for place in active.placements:
        yield from ((m, PLACEMENT) for m in _place_problems(place, "The placement"))
        if place.entry_date is None:
            yield "The placement's start date is missing", PLACEMENT
        elif place.leaving_date and place.leaving_date < place.entry_date:
            yield "The placement ends before it starts", PLACEMENT


@request_rule("R8", "An active plan has a primary need (and a different secondary need)")
def _needs(p: PersonRecord, q: RequestRecord, r: date) -> Iterator[Found]:
    active = q.active_plans
    if active is None:
        return
    if not active.needs:
        yield "The plan has no primary type of need", REQUEST
    elif any(n not in sen2_codes.SEN_TYPES for n in active.needs):
        yield "A type of need is not one of the SEN2 codes", REQUEST
    elif len(set(active.needs)) != len(active.needs):
        yield "The primary and secondary needs are the same", REQUEST


@request_rule("R9", "Dates are on or before the reference date")
def _future(p: PersonRecord, q: RequestRecord, r: date) -> Iterator[Found]:
    if q.received_date and q.received_date > r:
        yield "The request was received after the reference date", REQUEST


def _place_problems(place: PlaceDetail, what: str) -> Iterator[str]:
    given = [v for v in (place.urn, place.ukprn, place.sen_setting) if v]
    if len(given) != 1:
        yield f"{what} needs exactly one of a URN, a UKPRN or a kind of setting"
    if place.urn and not re.fullmatch(r"\d{6}", place.urn):
        yield f"{what}'s school URN {place.urn} is not 6 digits"
    if place.ukprn and not re.fullmatch(r"\d{8}", place.ukprn):
        yield f"{what}'s UKPRN {place.ukprn} is not 8 digits"
    if place.sen_setting and place.sen_setting not in dict(sen2_codes.SEN_SETTING):
        yield f"{what}'s kind of setting is not a valid code"
    if place.sen_setting == "OTH" and not place.sen_setting_other.strip():
        yield f"{what} says 'other' kind of setting without describing it"
    if place.residential and place.residential not in dict(sen2_codes.RESIDENTIAL):
        yield f"{what}'s residential code is not valid"
    if place.work_based_learning and place.work_based_learning not in dict(
        sen2_codes.WORK_BASED_LEARNING
    ):
        yield f"{what}'s work-based learning code is not valid"


def person_problems(person: PersonRecord, reference_date: date) -> Iterator[Problem]:
    name = f"{person.forename} {person.surname}"
    # A child's own details are put right once, on their first request's page.
    first = person.requests[0].case_reference if person.requests else ""
    for code, rule in PERSON_RULES.items():
        for message, fix in rule(person, reference_date):
            yield Problem(code, message, first, name, fix)
    for request in person.requests:
        for code, request_check in REQUEST_RULES.items():
            for message, fix in request_check(person, request, reference_date):
                yield Problem(code, message, request.case_reference, name, fix)


@dataclass
class Report:
    reference_date: date
    persons: int
    requests: int
    problems: list[Problem]
    by_rule: dict[str, int]

    @property
    def records_with_problems(self) -> int:
        return len({p.case_reference for p in self.problems if p.case_reference})


def sen2_validate(
    header: HeaderRecord, persons: Iterable[PersonRecord], *, keep: int | None = None
) -> Report:
    """Check every record. `keep` limits how many problems are kept for showing (the counts by
    rule are always complete)."""
    problems = header_problems(header)
    by_rule: dict[str, int] = {}
    for p in problems:
        by_rule[p.rule] = by_rule.get(p.rule, 0) + 1
    n_persons = n_requests = 0
    for person in persons:
        n_persons += 1
        n_requests += len(person.requests)
        for problem in person_problems(person, header.reference_date):
            by_rule[problem.rule] = by_rule.get(problem.rule, 0) + 1
            if keep is None or len(problems) < keep:
                problems.append(problem)
    return Report(header.reference_date, n_persons, n_requests, problems, by_rule)
