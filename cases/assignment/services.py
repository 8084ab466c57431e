"""Assignment's writes live by sub-domain: `facts` (what the rules read), `decisions` (assigning
one case, overrides), `rebalancing`, `priorities` and `queue` (after-commit assignment and the
unassigned sweep). New code imports from those.

This module re-exports the names other apps and parallel work import from here (`case_assign`
from families, `case_priority_after_transition` from apps.py, the loaders from cohort.py).
"""

from __future__ import annotations

from cases.assignment.decisions import AssignmentRefused, case_assign, case_assignment_override
from cases.assignment.facts import (
    area_for_postcode,
    assignment_rules_load,
    candidates_load,
    case_facts,
    continuity_load,
    priority_weights_load,
)
from cases.assignment.priorities import (
    case_priority_after_transition,
    case_priority_refresh,
    cases_priorities_recompute,
)
from cases.assignment.queue import case_assign_after_commit, cases_unassigned_sweep
from cases.assignment.rebalancing import (
    Move,
    RebalanceChanged,
    RebalancePlan,
    caseload_rebalance,
    rebalance_plan,
)

__all__ = [
    "AssignmentRefused",
    "Move",
    "RebalanceChanged",
    "RebalancePlan",
    "area_for_postcode",
    "assignment_rules_load",
    "candidates_load",
    "case_assign",
    "case_assign_after_commit",
    "case_assignment_override",
    "case_facts",
    "case_priority_after_transition",
    "case_priority_refresh",
    "caseload_rebalance",
    "cases_priorities_recompute",
    "cases_unassigned_sweep",
    "continuity_load",
    "priority_weights_load",
    "rebalance_plan",
]
