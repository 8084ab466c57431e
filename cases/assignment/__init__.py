"""Caseworker assignment and case prioritisation by configurable business rules.

`from cases.assignment import case_assign` is resolved lazily: this package's models are
imported from the end of `cases/models.py`, so importing services here eagerly would be circular.
"""

from __future__ import annotations

from typing import Any

__all__ = ["case_assign", "case_priority"]


def __getattr__(name: str) -> Any:
    if name == "case_assign":
        from cases.assignment.services import case_assign

        return case_assign
    if name == "case_priority":
        from cases.assignment.rules import case_priority

        return case_priority
    raise AttributeError(name)
