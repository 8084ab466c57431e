"""Admin registrations of the cases sub-packages (autodiscover only imports cases.admin)."""

from cases.advice import admin as advice_admin  # noqa: F401
from cases.assignment import admin as assignment_admin  # noqa: F401
from cases.members import admin as members_admin  # noqa: F401
from cases.plans import admin as plans_admin  # noqa: F401
