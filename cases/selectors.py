"""Reads on cases. Selectors own select_related/prefetch_related so pages run a fixed number
of queries whatever the caseload size."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from cases.models import Case
from ehcp_portal import access

if TYPE_CHECKING:
    from ehcp_portal.accounts.models import User


def caseload_for(user: User) -> QuerySet[Case]:
    """The open cases a caseworker (or manager) works, most urgent first."""
    return (
        access.cases_for(user, access.CASE_WORK)
        .filter(is_open=True)
        .select_related("child", "caseworker", "area")
        .order_by("next_deadline_on", "-priority", "reference")
    )
