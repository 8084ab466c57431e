"""Every statutory number lives once, in cases/statutory.py (issue 13: "grep finds each
statutory number once outside tests"). A second copy is how the family came to read one date
and the caseworker another; this test greps the source for the numbers and rules that were
consolidated and finds each only in the statutory module."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STATUTORY = ROOT / "cases" / "statutory.py"
SKIP_DIRS = {"tests", "migrations", ".venv", "node_modules", "bench", ".git"}

# Date arithmetic with a literal period, the shapes the copies took.
PATTERNS: dict[str, str] = {
    "a period in days or weeks (timedelta)": (
        r"timedelta\(\s*(days\s*=\s*(14|15|30)|weeks\s*=\s*\d+)\s*\)"
    ),
    "a period in weeks (add_weeks)": r"add_weeks\([^()]*,\s*\d+\s*\)",
    "a period in months (add_months)": r"add_months\([^()]*,\s*\d+\s*\)",
    "a period in working days": r"add_working_days\([^()]*,\s*[1-9]\d*\s*\)",
    "weeks written as days": r"\b\d+\s*\*\s*7\b",
    "15 February or 31 March (reg 18)": r"date\([^()]*,\s*(2\s*,\s*15|3\s*,\s*31)\s*\)",
    "4 weeks written as 28 days (reg 10(4))": r"days\s*\+\s*1\s*(<|>=)\s*28\b",
    "a transition year group": r"[\"'][Yy]ear (2|6|11|13)[\"']\s*[:,}]",
}


def _sources() -> list[Path]:
    return [
        path
        for path in ROOT.rglob("*.py")
        if not SKIP_DIRS.intersection(path.relative_to(ROOT).parts)
    ]


@pytest.mark.parametrize("what", PATTERNS)
def test_statutory_numbers_are_only_in_the_statutory_module(what):
    pattern = re.compile(PATTERNS[what])
    found = {
        f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
        for path in _sources()
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line) and path != STATUTORY
    }
    assert not found, f"{what} outside cases/statutory.py:\n" + "\n".join(sorted(found))


@pytest.mark.parametrize("what", ["a period in weeks (add_weeks)", "weeks written as days"])
def test_the_patterns_would_find_a_copy(what):
    """The grep is not vacuous: the statutory module's own shapes are what it looks for."""
    text = STATUTORY.read_text(encoding="utf-8") + "\nFINAL_PLAN_DAYS = 20 * 7\nadd_weeks(d, 6)\n"
    assert re.search(PATTERNS[what], text)
