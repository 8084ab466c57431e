"""Assignment and priority scoring: plain Python, no Django, so every rule is testable alone.

The council's operating model (docs/requirements.md R6, R7) assigns a caseworker as soon as a
need is identified, by rules that reflect need and demand across areas, and works cases in an
order set by timeliness, complexity, input required, transition stages and dependencies on other
teams, with looked-after children and children at a transition point first.

Assignment = hard constraints, then a sum of weighted soft scores:

Hard constraints (a caseworker who fails one is not a candidate at all):
- the caseworker is taking new cases (absence and leaving are recorded on their profile);
- their FTE-weighted capacity is above zero;
- they are not the caseworker the case is being moved away from (rebalancing);
- area: when the `area_match` rule is marked hard (the default), only caseworkers whose team
  works in the case's area. We do NOT silently fall back to another area: the area's manager is
  accountable for its queue, so a case with nobody eligible in its area waits in that area's
  unassigned queue and the manager is alerted. An administrator who wants cross-area fallback
  unticks "hard" on the area rule; area match then only adds points;
- capacity: caseworkers at or above their capacity (`caseworker_capacity`: the FTE-weighted
  target caseload, the one capacity model the team page and rebalancing read too). Always on:
  the rules never give a case to a caseworker who is full. A case nobody has room for waits in
  its area's unassigned queue with the reason, and only a manager's override places it above
  someone's capacity.

Soft scores (each rule's points are stored with the decision, so the case shows *why*):
- area_match: the full weight when the caseworker works in the case's area;
- capacity: weight x (1 - open / target): +weight for an empty caseload, 0 at target, and
  a further -weight for each whole target over it;
- specialism: the full weight when the caseworker's specialism fits the primary need, the
  child's phase (early years, post-16) or looked-after status; half for a secondary need only;
- continuity: the full weight for a sibling's caseworker or a previous caseworker of the child;
- language: the full weight when the caseworker speaks the child's home language (not English).

Ties break on the lower caseload ratio, then the lower user id, so the outcome is deterministic
(the rebalancing preview must equal what apply does).
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

# The school year and age are date rules shared with apps below assignment (the family demo,
# the statutory clock), so they live in the statutory module; re-exported for rules.* callers.
from cases.statutory import age_on as age_on
from cases.statutory import school_year, transition_point

# -- assignment rules ------------------------------------------------------------------------

AREA_MATCH = "area_match"
CAPACITY = "capacity"
SPECIALISM = "specialism"
CONTINUITY = "continuity"
LANGUAGE = "language"

RULE_LABELS: dict[str, str] = {
    AREA_MATCH: "Area match",
    CAPACITY: "Spare capacity",
    SPECIALISM: "Specialism match",
    CONTINUITY: "Continuity (sibling or previous caseworker)",
    LANGUAGE: "Home language",
}
# Only these rules can be made hard constraints; the others are scores only. Capacity is not
# among them because it is always a limit: the rules never assign at or over a caseworker's
# capacity, only a manager's override can.
HARD_CAPABLE = frozenset({AREA_MATCH})


@dataclass(frozen=True)
class RuleSetting:
    weight: int
    enabled: bool = True
    hard: bool = False


DEFAULT_RULES: dict[str, RuleSetting] = {
    AREA_MATCH: RuleSetting(40, True, True),
    CAPACITY: RuleSetting(30, True, False),
    SPECIALISM: RuleSetting(15, True, False),
    CONTINUITY: RuleSetting(30, True, False),
    LANGUAGE: RuleSetting(10, True, False),
}

SPECIALISMS: dict[str, str] = {
    "early_years": "early years",
    "post16": "post-16",
    "semh": "SEMH",
    "asd": "autism",
    "slcn": "speech, language and communication",
    "sensory": "sensory (hearing, vision, multi-sensory)",
    "learning": "learning difficulties",
    "physical": "physical disability",
    "looked_after": "looked-after children",
}
# SEN2 need code -> the specialism that serves it.
NEED_SPECIALISM: dict[str, str] = {
    "SEMH": "semh",
    "ASD": "asd",
    "SLCN": "slcn",
    "HI": "sensory",
    "VI": "sensory",
    "MSI": "sensory",
    "SPLD": "learning",
    "MLD": "learning",
    "SLD": "learning",
    "PMLD": "learning",
    "PD": "physical",
}
EARLY_YEARS_BELOW_AGE = 5  # under compulsory school age
POST16_FROM_AGE = 16


DEFAULT_FTE = 1.0
DEFAULT_TARGET_CASELOAD = 40  # open cases for a full-time caseworker with no profile yet


def caseworker_capacity(fte: float, target_caseload: int) -> int:
    """How many open cases a caseworker can hold: their target caseload scaled by their FTE.

    The one capacity model: the assignment rules, rebalancing, the team page and the
    managers' forms all read it (through `Candidate.capacity`, `CaseworkerProfile.capacity`
    and `cases.assignment.selectors.capacity_of`)."""
    return int(round(fte * target_caseload))


def load_percent(open_cases: int, capacity: int) -> int | None:
    """Open cases as a percentage of capacity, rounded half up (41 of 40 is 103%); None when
    the caseworker has no capacity at all."""
    if capacity <= 0:
        return None
    return (200 * open_cases + capacity) // (2 * capacity)


@dataclass
class Candidate:
    """A caseworker as the rules see them. `open_cases` is updated in memory during bulk runs."""

    user_id: int
    name: str
    area_id: int | None
    area_name: str
    team_id: int | None
    open_cases: int
    fte: float = DEFAULT_FTE
    target_caseload: int = DEFAULT_TARGET_CASELOAD
    specialisms: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    taking_new_cases: bool = True

    # Read by every rule for every candidate of an area of thousands: worked out once each
    # (the FTE and target do not change during a decision; open cases do, in a cohort).
    capacity: int = field(init=False)

    def __post_init__(self) -> None:
        self.capacity = caseworker_capacity(self.fte, self.target_caseload)

    @property
    def load_ratio(self) -> float:
        return self.open_cases / self.capacity if self.capacity > 0 else float("inf")


@dataclass(frozen=True)
class CaseFacts:
    area_id: int | None
    area_name: str
    needs: tuple[str, ...] = ()
    age: int | None = None
    looked_after: bool = False
    home_language: str = ""
    sibling_caseworker_ids: frozenset[int] = frozenset()
    previous_caseworker_ids: frozenset[int] = frozenset()
    exclude_ids: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Contribution:
    rule: str
    label: str
    points: int

    def as_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "label": self.label, "points": self.points}


@dataclass
class Choice:
    winner: Candidate | None
    contributions: list[Contribution] = field(default_factory=list)
    total: int = 0
    runners_up: list[dict[str, Any]] = field(default_factory=list)
    considered: int = 0
    ineligible: dict[str, int] = field(default_factory=dict)


def explanation(contributions: Iterable[Mapping[str, Any] | Contribution]) -> str:
    """'Area: East (+40); capacity 31/38 (+5); sibling continuity (+30)'."""
    parts = []
    for c in contributions:
        label, points = (
            (c.label, c.points) if isinstance(c, Contribution) else (c["label"], c["points"])
        )
        parts.append(f"{label} ({points:+d})")
    return "; ".join(parts)


def _is_english(language: str) -> bool:
    return language.strip().casefold() in ("", "english", "en")


def ineligible_reason(
    facts: CaseFacts, cand: Candidate, rules: Mapping[str, RuleSetting]
) -> str | None:
    if cand.user_id in facts.exclude_ids:
        return "being moved off this caseworker"
    if not cand.taking_new_cases:
        return "not taking new cases"
    if cand.capacity <= 0:
        return "no capacity (FTE or target is zero)"
    area = rules.get(AREA_MATCH)
    if area and area.enabled and area.hard and cand.area_id != facts.area_id:
        return "works in another area"
    if cand.open_cases >= cand.capacity:
        return "at or over their capacity"
    return None


def score_area(facts: CaseFacts, cand: Candidate, weight: int) -> Contribution | None:
    if facts.area_id is not None and cand.area_id == facts.area_id:
        return Contribution(AREA_MATCH, f"Area: {facts.area_name}", weight)
    return None


def score_capacity(facts: CaseFacts, cand: Candidate, weight: int) -> Contribution:
    # Not clamped below: among caseworkers who are all over target, the less overloaded one
    # still scores higher, so the spread keeps narrowing.
    points = round(weight * (1 - cand.open_cases / cand.capacity)) if cand.capacity else -weight
    return Contribution(CAPACITY, f"capacity {cand.open_cases}/{cand.capacity}", points)


@functools.lru_cache(maxsize=256)
def case_specialisms(facts: CaseFacts) -> tuple[frozenset[str], frozenset[str]]:
    """(specialisms the case most needs, specialisms that help less): phase, status, needs.
    Worked out once per case, not once per candidate (an area has thousands)."""
    main: set[str] = set()
    if facts.age is not None and facts.age < EARLY_YEARS_BELOW_AGE:
        main.add("early_years")
    if facts.age is not None and facts.age >= POST16_FROM_AGE:
        main.add("post16")
    if facts.looked_after:
        main.add("looked_after")
    needs = [n.upper() for n in facts.needs]
    if needs and needs[0] in NEED_SPECIALISM:
        main.add(NEED_SPECIALISM[needs[0]])
    secondary = {NEED_SPECIALISM[n] for n in needs[1:] if n in NEED_SPECIALISM} - main
    return frozenset(main), frozenset(secondary)


def score_specialism(facts: CaseFacts, cand: Candidate, weight: int) -> Contribution | None:
    main, secondary = case_specialisms(facts)
    hits_main = sorted(main & cand.specialisms)
    hits_secondary = sorted(secondary & cand.specialisms)
    if not hits_main and not hits_secondary:
        return None
    names = ", ".join(SPECIALISMS.get(s, s) for s in hits_main + hits_secondary)
    points = weight if hits_main else weight // 2
    return Contribution(SPECIALISM, f"specialism {names}", points)


def score_continuity(facts: CaseFacts, cand: Candidate, weight: int) -> Contribution | None:
    if cand.user_id in facts.sibling_caseworker_ids:
        return Contribution(CONTINUITY, "sibling continuity", weight)
    if cand.user_id in facts.previous_caseworker_ids:
        return Contribution(CONTINUITY, "previous caseworker of the child", weight)
    return None


def score_language(facts: CaseFacts, cand: Candidate, weight: int) -> Contribution | None:
    if _is_english(facts.home_language):
        return None
    if facts.home_language.strip().casefold() in cand.languages:
        return Contribution(LANGUAGE, f"speaks {facts.home_language.strip()}", weight)
    return None


SCORERS = {
    AREA_MATCH: score_area,
    CAPACITY: score_capacity,
    SPECIALISM: score_specialism,
    CONTINUITY: score_continuity,
    LANGUAGE: score_language,
}


def score(
    facts: CaseFacts, cand: Candidate, rules: Mapping[str, RuleSetting]
) -> list[Contribution]:
    """Every enabled rule's contribution for this caseworker (rules that add nothing omitted)."""
    out = []
    for key, scorer in SCORERS.items():
        setting = rules.get(key)
        if setting is None or not setting.enabled:
            continue
        contribution = scorer(facts, cand, setting.weight)
        if contribution is not None:
            out.append(contribution)
    return out


def _profile_key(cand: Candidate) -> tuple[int | None, frozenset[str], frozenset[str]]:
    """What the area, specialism and language rules read of a caseworker: caseworkers who
    agree on it score the same on those rules for any case."""
    return (cand.area_id, cand.specialisms, cand.languages)


def _load_key(cand: Candidate) -> tuple[float, int]:
    return (cand.load_ratio, cand.user_id)


def eligibility_context(
    facts: CaseFacts, rules: Mapping[str, RuleSetting]
) -> tuple[int | None, frozenset[int]]:
    """The parts of a case that `ineligible_reason` reads: cases that agree on them have the
    same eligible caseworkers (capacity apart)."""
    area = rules.get(AREA_MATCH)
    hard = bool(area and area.enabled and area.hard)
    return (facts.area_id if hard else None, facts.exclude_ids)


class Pool:
    """The caseworkers eligible for cases that share an eligibility context (the case's area
    when the area rule is hard, and who is excluded), grouped by profile and kept in order of
    load within each group.

    Choosing scores only the first few of each group (and the case's continuity caseworkers),
    not every caseworker of an area of thousands, with exactly the outcome of scoring them all:
    within a group the profile rules add the same points, the capacity score falls as the load
    rises, and ties go to the lower load and then the lower id, which is the group's order. So a
    caseworker preceded in their group by `runners_up + 1` others, none of them scored for
    continuity, can be neither the winner nor a runner-up. `took` keeps the order as a batch
    (a cohort, a rebalancing) places cases one after another.
    """

    def __init__(
        self,
        facts: CaseFacts,
        candidates: Iterable[Candidate],
        rules: Mapping[str, RuleSetting],
    ) -> None:
        self.rules = rules
        self.context = eligibility_context(facts, rules)
        self.ineligible: dict[str, int] = {}
        self.by_id: dict[int, Candidate] = {}
        self.groups: dict[tuple[int | None, frozenset[str], frozenset[str]], list[Candidate]] = {}
        self._facts = facts
        for cand in candidates:
            reason = ineligible_reason(facts, cand, rules)
            if reason is not None:
                self.ineligible[reason] = self.ineligible.get(reason, 0) + 1
                continue
            self.by_id[cand.user_id] = cand
            self.groups.setdefault(_profile_key(cand), []).append(cand)
        for members in self.groups.values():
            members.sort(key=_load_key)

    def choose(self, facts: CaseFacts, *, runners_up: int = 3) -> Choice:
        """The best eligible caseworker for the case, with every rule's points; None if
        nobody. The case must share the pool's eligibility context."""
        if eligibility_context(facts, self.rules) != self.context:
            raise ValueError("This case's eligible caseworkers differ from the pool's.")
        if not self.by_id:
            return Choice(winner=None, considered=0, ineligible=dict(self.ineligible))
        shortlist = {
            cand.user_id: cand
            for members in self.groups.values()
            for cand in members[: runners_up + 1]
        }
        for user_id in facts.sibling_caseworker_ids | facts.previous_caseworker_ids:
            if user_id in self.by_id:
                shortlist[user_id] = self.by_id[user_id]
        scored: list[tuple[int, float, int, Candidate, list[Contribution]]] = []
        for cand in shortlist.values():
            contributions = score(facts, cand, self.rules)
            total = sum(c.points for c in contributions)
            scored.append((-total, cand.load_ratio, cand.user_id, cand, contributions))
        scored.sort(key=lambda row: row[:3])
        neg_total, _, _, winner, contributions = scored[0]
        others = [
            {
                "caseworker_id": cand.user_id,
                "name": cand.name,
                "total": -neg,
                "explanation": explanation(contribs),
            }
            for neg, _, _, cand, contribs in scored[1 : 1 + runners_up]
        ]
        return Choice(
            winner=winner,
            contributions=contributions,
            total=-neg_total,
            runners_up=others,
            considered=len(self.by_id),
            ineligible=dict(self.ineligible),
        )

    def took(self, cand: Candidate) -> None:
        """`cand` was given one more case: move them down their group, or out of the pool
        when that case fills their capacity."""
        members = self.groups[_profile_key(cand)]
        members.remove(cand)
        cand.open_cases += 1
        reason = ineligible_reason(self._facts, cand, self.rules)
        if reason is not None:
            del self.by_id[cand.user_id]
            self.ineligible[reason] = self.ineligible.get(reason, 0) + 1
            return
        bisect.insort(members, cand, key=_load_key)


def choose(
    facts: CaseFacts,
    candidates: Sequence[Candidate],
    rules: Mapping[str, RuleSetting],
    *,
    runners_up: int = 3,
) -> Choice:
    """The best eligible caseworker for the case, with every rule's points; None if nobody."""
    return Pool(facts, candidates, rules).choose(facts, runners_up=runners_up)


# -- priority --------------------------------------------------------------------------------

DEADLINE = "deadline"
LOOKED_AFTER = "looked_after"
TRANSITION = "transition"
COMPLEXITY = "complexity"
WAITING_ON_OTHERS = "waiting_on_others"

INDICATOR_LABELS: dict[str, str] = {
    DEADLINE: "Next statutory deadline (near or overdue)",
    LOOKED_AFTER: "Looked-after child",
    TRANSITION: "Education transition point",
    COMPLEXITY: "Complexity (needs and agencies involved)",
    WAITING_ON_OTHERS: "Waiting on other teams' input",
}
DEFAULT_PRIORITY_WEIGHTS: dict[str, int] = {
    DEADLINE: 40,
    LOOKED_AFTER: 50,
    TRANSITION: 40,
    COMPLEXITY: 20,
    WAITING_ON_OTHERS: 10,
}
DEADLINE_HORIZON_DAYS = 30  # a deadline further away than this adds nothing
COMPLEXITY_FULL_AT = 5  # needs + agencies at which complexity scores its full weight


@dataclass(frozen=True)
class PriorityFacts:
    days_to_deadline: int | None = None
    # reg 10(4): the next deadline has a recorded exception, so once passed it is not overdue.
    deadline_excepted: bool = False
    looked_after: bool = False
    year_group: str = ""
    needs_count: int = 0
    agencies_count: int = 0
    waiting_on_others: bool = False
    is_open: bool = True


def _deadline_reason(d: int, excepted: bool, w: int) -> tuple[str, int] | None:
    """The deadline indicator's label and points, d days from the next deadline."""
    if d < 0 and excepted:
        # Still to act on as soon as practicable, so the full weight, but not overdue:
        # no daily escalation.
        return "next deadline passed, exception recorded (reg 10(4))", w
    if d < 0:
        # Overdue: the full weight plus a point a day, capped at double.
        return f"next deadline overdue by {-d} day{'s' if d != -1 else ''}", w + min(-d, w)
    if d <= DEADLINE_HORIZON_DAYS:
        points = round(w * (DEADLINE_HORIZON_DAYS - d) / DEADLINE_HORIZON_DAYS)
        return f"next deadline in {d} day{'s' if d != 1 else ''}", points
    return None


def priority_score(
    facts: PriorityFacts, weights: Mapping[str, int] | None = None
) -> tuple[int, list[dict[str, Any]]]:
    """(score, reasons). Indicators absent from `weights` are switched off."""
    weights = DEFAULT_PRIORITY_WEIGHTS if weights is None else weights
    if not facts.is_open:
        return 0, []
    reasons: list[dict[str, Any]] = []

    def add(key: str, label: str, points: int) -> None:
        if points:
            reasons.append({"indicator": key, "label": label, "points": points})

    if DEADLINE in weights and facts.days_to_deadline is not None:
        reason = _deadline_reason(
            facts.days_to_deadline, facts.deadline_excepted, weights[DEADLINE]
        )
        if reason is not None:
            add(DEADLINE, *reason)
    if LOOKED_AFTER in weights and facts.looked_after:
        add(LOOKED_AFTER, "looked-after child", weights[LOOKED_AFTER])
    move = transition_point(facts.year_group)
    if TRANSITION in weights and move:
        add(TRANSITION, f"transition point: {move}", weights[TRANSITION])
    if COMPLEXITY in weights:
        items = facts.needs_count + facts.agencies_count
        if items > 1:
            points = round(
                weights[COMPLEXITY] * min(items, COMPLEXITY_FULL_AT) / COMPLEXITY_FULL_AT
            )
            add(
                COMPLEXITY,
                f"complexity: {facts.needs_count} need{'s' if facts.needs_count != 1 else ''}, "
                f"{facts.agencies_count} agenc{'ies' if facts.agencies_count != 1 else 'y'}",
                points,
            )
    if WAITING_ON_OTHERS in weights and facts.waiting_on_others:
        add(WAITING_ON_OTHERS, "waiting on other teams' input", weights[WAITING_ON_OTHERS])
    return sum(r["points"] for r in reasons), reasons


def case_priority(
    case: Any,
    *,
    today: date | None = None,
    weights: Mapping[str, int] | None = None,
    agencies: int = 0,
) -> tuple[int, list[dict[str, Any]]]:
    """Priority of a case-like object (reads next_deadline_on, child, needs, waiting_on_others).

    Pure: the caller supplies the number of agencies involved and the configured weights.
    """
    today = today or date.today()
    child = case.child
    days = (case.next_deadline_on - today).days if case.next_deadline_on else None
    dob = getattr(child, "date_of_birth", None)
    year = school_year(dob, today) if dob else (getattr(child, "year_group", "") or "")
    facts = PriorityFacts(
        days_to_deadline=days,
        deadline_excepted=bool(getattr(case, "next_deadline_excepted", False)),
        looked_after=bool(getattr(child, "looked_after", False)),
        year_group=year,
        needs_count=len(case.needs or []),
        agencies_count=agencies,
        waiting_on_others=bool(case.waiting_on_others),
        is_open=bool(case.is_open),
    )
    return priority_score(facts, weights)


def priority_explanation(reasons: Iterable[Mapping[str, Any]]) -> str:
    return "; ".join(f"{r['label']} ({r['points']:+d})" for r in reasons)
