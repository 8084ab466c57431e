"""The demo council, put together: each app builds its own part (its `demo.py`, importing only
itself and the apps below it), and this composition root calls them in order, in one
transaction. `seed_demo` runs it."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from cases import demo as core
from cases.advice import demo as advice
from cases.assignment import demo as assignment
from cases.demo import DEMO_PASSWORD, DemoCouncil, DemoResult
from cases.events import demo as events
from cases.members import demo as members
from cases.plans import demo as plans
from ehcp_portal.audit import demo as audit
from ehcp_portal.governance import demo as governance
from families import demo as families
from notifications.models import Notification
from panels import demo as panels

__all__ = ["DEMO_PASSWORD", "demo_build", "demo_reset"]


def demo_build(*, seed: int, cases: int, today: date | None = None) -> DemoResult:
    council = DemoCouncil(seed=seed, cases=cases, today=today)
    with transaction.atomic():
        core.build_council(council)
        panel_members = panels.build_panel_members(council)
        members.build_councillors(council)
        advice_teams = advice.build_advice_givers(council)
        children = families.build_families(council)
        core.build_cases(council, children, priority=assignment.case_priority_rule(council))
        panels.build_panels(council, panel_members)
        members.build_member_enquiries(council)
        assignment.build_assignment_profiles(council)
        families.build_front_door(council)
        advice.build_advice_requests(council, advice_teams)
        plans.build_plans(council)
        governance.build_retention_demo(council)
        audit.build_access_log()
        events.build_events()
    return council.result


def demo_reset() -> None:
    """Remove everything demo_build made (seed_demo --reset), the apps above first."""
    with transaction.atomic():
        audit.access_log_reset()
        Notification.objects.all().delete()
        governance.governance_reset()
        panels.panels_reset()
        members.members_reset()
        core.cases_reset()
        advice.advice_reset()
        families.families_reset()
        core.council_reset()
