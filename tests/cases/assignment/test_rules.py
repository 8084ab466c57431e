"""The pure scoring rules: each rule alone, the hard constraints, the combined choice, priority."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cases.assignment import rules
from cases.assignment.rules import Candidate, CaseFacts, RuleSetting
from cases.statutory import TRANSITION_YEAR_GROUPS

EAST, SOUTH = 1, 2
CASE = CaseFacts(area_id=EAST, area_name="East", needs=("SEMH",), age=8)


def cand(user_id: int = 1, **kw) -> Candidate:
    defaults = {
        "name": f"Worker {user_id}",
        "area_id": EAST,
        "area_name": "East",
        "team_id": 10,
        "open_cases": 20,
        "fte": 1.0,
        "target_caseload": 40,
    }
    return Candidate(user_id=user_id, **{**defaults, **kw})


# -- each rule -------------------------------------------------------------------------------


def test_area_match_scores_full_weight_in_the_case_area_only():
    assert rules.score_area(CASE, cand(), 40) == rules.Contribution("area_match", "Area: East", 40)
    assert rules.score_area(CASE, cand(area_id=SOUTH), 40) is None


@pytest.mark.parametrize(
    "open_cases,fte,target,expected_label,expected_points",
    [
        (0, 1.0, 40, "capacity 0/40", 30),
        (20, 1.0, 40, "capacity 20/40", 15),
        (40, 1.0, 40, "capacity 40/40", 0),
        (31, 1.0, 38, "capacity 31/38", 6),
        (12, 0.5, 40, "capacity 12/20", 12),  # FTE-weighted: half-time means half the target
        (60, 0.5, 40, "capacity 60/20", -60),  # over target: negative, not clamped
    ],
)
def test_capacity_uses_fte_weighted_target(
    open_cases, fte, target, expected_label, expected_points
):
    got = rules.score_capacity(
        CASE, cand(open_cases=open_cases, fte=fte, target_caseload=target), 30
    )
    assert (got.label, got.points) == (expected_label, expected_points)


def test_capacity_prefers_the_less_loaded_even_when_everyone_is_over_target():
    busy = rules.score_capacity(CASE, cand(open_cases=160), 30).points
    busier = rules.score_capacity(CASE, cand(open_cases=200), 30).points
    assert busy > busier


def test_specialism_primary_need_phase_and_looked_after_score_full_weight():
    early = replace(CASE, age=3, needs=("SLCN",))
    got = rules.score_specialism(early, cand(specialisms=frozenset({"early_years"})), 15)
    assert got == rules.Contribution("specialism", "specialism early years", 15)
    assert rules.score_specialism(CASE, cand(specialisms=frozenset({"semh"})), 15).points == 15
    looked_after = replace(CASE, looked_after=True, needs=())
    assert (
        rules.score_specialism(
            looked_after, cand(specialisms=frozenset({"looked_after"})), 15
        ).points
        == 15
    )
    post16 = replace(CASE, age=17)
    assert rules.score_specialism(post16, cand(specialisms=frozenset({"post16"})), 15).points == 15


def test_specialism_secondary_need_scores_half_and_no_match_scores_nothing():
    facts = replace(CASE, needs=("SEMH", "HI"))
    got = rules.score_specialism(facts, cand(specialisms=frozenset({"sensory"})), 15)
    assert got.points == 7
    assert "sensory" in got.label
    assert rules.score_specialism(facts, cand(specialisms=frozenset({"asd"})), 15) is None


def test_continuity_sibling_and_previous_caseworker():
    facts = replace(
        CASE, sibling_caseworker_ids=frozenset({1}), previous_caseworker_ids=frozenset({2})
    )
    assert rules.score_continuity(facts, cand(1), 30).label == "sibling continuity"
    assert rules.score_continuity(facts, cand(2), 30).label == "previous caseworker of the child"
    assert rules.score_continuity(facts, cand(3), 30) is None


def test_language_counts_only_for_a_home_language_other_than_english():
    polish = replace(CASE, home_language="Polish")
    speaker = cand(languages=frozenset({"polish"}))
    assert rules.score_language(polish, speaker, 10) == rules.Contribution(
        "language", "speaks Polish", 10
    )
    assert rules.score_language(polish, cand(), 10) is None
    english = replace(CASE, home_language="English")
    assert rules.score_language(english, cand(languages=frozenset({"english"})), 10) is None


# -- hard constraints ------------------------------------------------------------------------


def test_hard_constraints():
    r = rules.DEFAULT_RULES
    assert rules.ineligible_reason(CASE, cand(taking_new_cases=False), r) == "not taking new cases"
    assert rules.ineligible_reason(CASE, cand(area_id=SOUTH), r) == "works in another area"
    assert rules.ineligible_reason(CASE, cand(fte=0.0), r).startswith("no capacity")
    excluded = replace(CASE, exclude_ids=frozenset({1}))
    assert rules.ineligible_reason(excluded, cand(1), r) == "being moved off this caseworker"
    assert rules.ineligible_reason(CASE, cand(open_cases=39), r) is None


@pytest.mark.parametrize("hard", [False, True])
def test_the_rules_never_assign_at_or_over_capacity_whatever_the_capacity_rule_says(hard):
    """One capacity model: a full caseworker gets no case from the rules; only a manager's
    override puts a case above someone's capacity."""
    configured = {**rules.DEFAULT_RULES, "capacity": RuleSetting(30, True, hard)}
    for open_cases in (40, 41, 52):  # 100 %, just over, the 130 % rebalancing once produced
        reason = rules.ineligible_reason(CASE, cand(open_cases=open_cases), configured)
        assert reason == "at or over their capacity"
    half_time = cand(open_cases=20, fte=0.5)  # FTE-weighted: 20 of 20
    assert rules.ineligible_reason(CASE, half_time, configured) == "at or over their capacity"
    assert rules.caseworker_capacity(0.5, 40) == half_time.capacity == 20


def test_area_not_hard_lets_another_area_win_without_area_points():
    soft = {**rules.DEFAULT_RULES, "area_match": RuleSetting(40, True, False)}
    choice = rules.choose(CASE, [cand(1, area_id=SOUTH, area_name="South")], soft)
    assert choice.winner.user_id == 1
    assert all(c.rule != "area_match" for c in choice.contributions)
    assert rules.choose(CASE, [cand(1, area_id=SOUTH)], rules.DEFAULT_RULES).winner is None


def test_disabled_rule_contributes_nothing():
    off = {**rules.DEFAULT_RULES, "area_match": RuleSetting(40, False, True)}
    contributions = rules.score(CASE, cand(), off)
    assert [c.rule for c in contributions] == ["capacity"]


# -- combined --------------------------------------------------------------------------------


def test_combined_score_sums_rules_and_explains_them():
    facts = CaseFacts(
        area_id=EAST,
        area_name="East",
        needs=("SLCN",),
        age=3,
        sibling_caseworker_ids=frozenset({2}),
    )
    workers = [
        cand(1, open_cases=5),  # emptiest, but nothing else
        cand(2, open_cases=31, target_caseload=38, specialisms=frozenset({"early_years"})),
    ]
    choice = rules.choose(facts, workers, rules.DEFAULT_RULES)
    assert choice.winner.user_id == 2
    assert rules.explanation(choice.contributions) == (
        "Area: East (+40); capacity 31/38 (+6); specialism early years (+15); "
        "sibling continuity (+30)"
    )
    assert choice.total == 40 + 6 + 15 + 30
    assert choice.runners_up[0]["caseworker_id"] == 1
    assert choice.runners_up[0]["total"] == 40 + round(30 * (1 - 5 / 40))


def test_weights_change_the_outcome():
    facts = replace(CASE, sibling_caseworker_ids=frozenset({2}))
    workers = [cand(1, open_cases=0), cand(2, open_cases=39)]
    assert rules.choose(facts, workers, rules.DEFAULT_RULES).winner.user_id == 2
    no_continuity = {**rules.DEFAULT_RULES, "continuity": RuleSetting(30, False)}
    assert rules.choose(facts, workers, no_continuity).winner.user_id == 1


def test_ties_break_on_load_ratio_then_id():
    workers = [cand(3, open_cases=20), cand(2, open_cases=10, target_caseload=20), cand(1)]
    # 3 and 1 have identical scores and ratios; 2 has the same ratio (0.5) and score.
    assert rules.choose(CASE, workers, rules.DEFAULT_RULES).winner.user_id == 1


def test_nobody_eligible_reports_why():
    choice = rules.choose(
        CASE, [cand(1, taking_new_cases=False), cand(2, area_id=SOUTH)], rules.DEFAULT_RULES
    )
    assert choice.winner is None
    assert choice.ineligible == {"not taking new cases": 1, "works in another area": 1}


@given(st.lists(st.integers(min_value=0, max_value=300), min_size=1, max_size=30))
def test_with_only_capacity_the_least_loaded_caseworker_wins(loads):
    workers = [cand(i + 1, open_cases=n) for i, n in enumerate(loads)]
    winner = rules.choose(CASE, workers, rules.DEFAULT_RULES).winner
    if min(loads) >= 40:  # everyone is full: nobody, and the case waits in the queue
        assert winner is None
    else:
        assert winner.open_cases == min(loads)


def _score_everyone(facts, candidates, configured, runners_up=3):
    """The definition the pool must agree with: every eligible caseworker scored, best first."""
    scored = []
    ineligible: dict[str, int] = {}
    for c in candidates:
        reason = rules.ineligible_reason(facts, c, configured)
        if reason is not None:
            ineligible[reason] = ineligible.get(reason, 0) + 1
            continue
        contributions = rules.score(facts, c, configured)
        total = sum(x.points for x in contributions)
        scored.append((-total, c.load_ratio, c.user_id, contributions))
    scored.sort(key=lambda row: row[:3])
    return scored[: 1 + runners_up], len(scored), ineligible


# Few profiles, so that groups of caseworkers share one (as they do in a real council).
profiles = st.tuples(
    st.sampled_from([EAST, SOUTH]),
    st.sampled_from([frozenset(), frozenset({"semh"}), frozenset({"asd", "post16"})]),
    st.sampled_from([frozenset(), frozenset({"urdu"})]),
    st.integers(min_value=0, max_value=60),  # open cases
    st.sampled_from([0.0, 0.5, 0.6, 1.0]),  # FTE
    st.sampled_from([1, 5, 41, 40]),  # target caseload
    st.booleans(),  # taking new cases
)


@settings(max_examples=300)
@given(
    st.lists(profiles, min_size=0, max_size=40),
    st.sampled_from([("SEMH",), ("ASD", "SEMH"), ()]),
    st.sampled_from(["Urdu", "English"]),
    st.frozensets(st.integers(min_value=1, max_value=40), max_size=3),
    st.frozensets(st.integers(min_value=1, max_value=40), max_size=2),
    st.booleans(),
    st.integers(min_value=1, max_value=30),
)
def test_the_pool_chooses_exactly_as_scoring_every_caseworker_would(
    workers, needs, language, siblings, excluded, area_hard, placements
):
    """The pool scores only the least loaded of each profile group, and keeps its order as a
    cohort fills caseloads one case at a time: the winner, the runners-up, their points, the
    number considered and the reasons others were not are those of scoring everyone."""
    configured = {**rules.DEFAULT_RULES, "area_match": RuleSetting(40, True, area_hard)}
    candidates = [
        cand(
            i + 1,
            area_id=area,
            specialisms=specialisms,
            languages=languages,
            open_cases=open_cases,
            fte=fte,
            target_caseload=target,
            taking_new_cases=taking,
        )
        for i, (area, specialisms, languages, open_cases, fte, target, taking) in enumerate(workers)
    ]
    facts = replace(
        CASE,
        needs=needs,
        home_language=language,
        sibling_caseworker_ids=siblings,
        exclude_ids=excluded,
    )
    pool = rules.Pool(facts, candidates, configured)
    for _ in range(placements):
        choice = pool.choose(facts)
        best, considered, ineligible = _score_everyone(facts, candidates, configured)
        assert choice.considered == considered
        assert choice.ineligible == ineligible
        if not best:
            assert choice.winner is None
            break
        assert choice.winner.user_id == best[0][2]
        assert choice.total == -best[0][0]
        assert choice.contributions == best[0][3]
        assert [r["caseworker_id"] for r in choice.runners_up] == [row[2] for row in best[1:]]
        assert [r["total"] for r in choice.runners_up] == [-row[0] for row in best[1:]]
        pool.took(choice.winner)


def test_a_pool_refuses_a_case_whose_eligible_caseworkers_differ():
    pool = rules.Pool(CASE, [cand(1)], rules.DEFAULT_RULES)
    with pytest.raises(ValueError):
        pool.choose(replace(CASE, area_id=SOUTH))
    with pytest.raises(ValueError):
        pool.choose(replace(CASE, exclude_ids=frozenset({1})))


# -- priority --------------------------------------------------------------------------------

TODAY = date(2026, 11, 20)


def case_like(**kw):
    child = SimpleNamespace(
        date_of_birth=kw.pop("dob", date(2017, 1, 15)),  # Year 5 in 2026/27
        looked_after=kw.pop("looked_after", False),
        year_group="",
    )
    defaults = {
        "child": child,
        "next_deadline_on": date(2026, 12, 10),
        "needs": ["SEMH"],
        "waiting_on_others": False,
        "is_open": True,
    }
    return SimpleNamespace(**{**defaults, **kw})


def test_school_year_and_transition_points():
    assert rules.school_year(date(2016, 3, 1), TODAY) == "Year 6"
    assert rules.school_year(date(2022, 10, 1), TODAY) == "Nursery"
    assert rules.school_year(date(2011, 5, 1), TODAY) == "Year 11"
    assert rules.school_year(date(2009, 5, 1), TODAY) == "Year 13"
    assert rules.school_year(date(2006, 5, 1), TODAY) == "Post-18"
    # One set of transition points, in the statutory module (reg 18).
    assert set(TRANSITION_YEAR_GROUPS) == {"Nursery", "Year 6", "Year 11", "Year 13"}


def test_looked_after_child_at_transition_point_outranks_an_otherwise_equal_case():
    ordinary = case_like()
    looked_after_year6 = case_like(looked_after=True, dob=date(2016, 3, 1))
    score_a, _ = rules.case_priority(ordinary, today=TODAY)
    score_b, reasons = rules.case_priority(looked_after_year6, today=TODAY)
    assert score_b > score_a
    labels = [r["label"] for r in reasons]
    assert "looked-after child" in labels
    assert "transition point: Year 6 to Year 7" in labels


def test_each_indicator_alone():
    w = rules.DEFAULT_PRIORITY_WEIGHTS
    base = rules.PriorityFacts()
    assert rules.priority_score(base, w) == (0, [])
    assert rules.priority_score(replace(base, looked_after=True), w)[0] == w["looked_after"]
    assert rules.priority_score(replace(base, year_group="Year 11"), w)[0] == w["transition"]
    assert rules.priority_score(replace(base, waiting_on_others=True), w)[0] == 10
    assert rules.priority_score(replace(base, needs_count=3, agencies_count=2), w)[0] == 20
    assert rules.priority_score(replace(base, needs_count=1), w)[0] == 0
    assert rules.priority_score(replace(base, days_to_deadline=45), w)[0] == 0
    assert rules.priority_score(replace(base, days_to_deadline=15), w)[0] == 20
    assert rules.priority_score(replace(base, days_to_deadline=0), w)[0] == 40
    overdue = rules.priority_score(replace(base, days_to_deadline=-5), w)
    assert overdue[0] == 45
    assert overdue[1][0]["label"] == "next deadline overdue by 5 days"
    assert rules.priority_score(replace(base, is_open=False, looked_after=True), w) == (0, [])


def test_nearer_deadline_scores_higher_and_disabled_indicator_scores_nothing():
    near = rules.case_priority(case_like(next_deadline_on=date(2026, 11, 25)), today=TODAY)[0]
    far = rules.case_priority(case_like(next_deadline_on=date(2026, 12, 15)), today=TODAY)[0]
    assert near > far
    lac = case_like(looked_after=True)
    without = {k: v for k, v in rules.DEFAULT_PRIORITY_WEIGHTS.items() if k != "looked_after"}
    ordinary = rules.case_priority(case_like(), today=TODAY)[0]
    assert rules.case_priority(lac, today=TODAY, weights=without)[0] == ordinary
    assert rules.case_priority(lac, today=TODAY)[0] == ordinary + 50


def test_an_excepted_deadline_that_has_passed_is_not_overdue():
    w = rules.DEFAULT_PRIORITY_WEIGHTS
    overdue = rules.PriorityFacts(days_to_deadline=-20)
    excepted = replace(overdue, deadline_excepted=True)
    (score_overdue, [reason_overdue]) = rules.priority_score(overdue, w)
    (score_excepted, [reason_excepted]) = rules.priority_score(excepted, w)
    assert reason_overdue["label"] == "next deadline overdue by 20 days"
    # reg 10(4): still to act on as soon as practicable (the full weight), without escalation.
    assert score_excepted == w["deadline"] < score_overdue
    assert "overdue" not in reason_excepted["label"]
    assert "exception recorded" in reason_excepted["label"]
    case = case_like(next_deadline_on=TODAY - timedelta(days=20), next_deadline_excepted=True)
    assert (
        rules.case_priority(case, today=TODAY)[0]
        < rules.case_priority(case_like(next_deadline_on=TODAY - timedelta(days=20)), today=TODAY)[
            0
        ]
    )
