"""The demo's records past their retention period, so the DPO's dry run has something to show:
adults now in their late thirties whose plans ceased long ago (past the default 31 years from
birth), one of them under a legal hold, and a request started years ago and never sent."""

from __future__ import annotations

from datetime import date, timedelta

from cases.demo import DemoCouncil, demo_at
from cases.models import Case, CaseEvent, Route, Stage
from cases.statutory import FINAL_PLAN_WEEKS, add_weeks
from ehcp_portal.accounts.models import Role, User
from ehcp_portal.governance.models import ErasureRecord, LegalHold, SubjectAccessBundle
from families.models import Child, FamilyMembership, RequestDraft

# (first name, last name, year of birth, year the plan ceased, held)
PAST_RETENTION = [
    ("Daniel", "Marsh", 1986, 2011, False),
    ("Rebecca", "Holt", 1988, 2013, False),
    ("Liam", "Fenwick", 1989, 2014, True),
]


def build_retention_demo(council: DemoCouncil) -> None:
    area = council.areas[0]
    team = council.teams[area.pk]
    dpo = User.objects.get(role=Role.DPO, email="dpo@demo.ehcp.test")
    parents = []
    for index, (first, last, born, ceased, held) in enumerate(PAST_RETENTION, start=1):
        child = Child.objects.create(
            first_name=first,
            last_name=last,
            date_of_birth=date(born, 3 + index, 10 + index),
            address=f"{10 + index} Roundhay Road, Leeds",
            postcode=f"LS8 {index}AB",
        )
        parent = User.objects.create(
            email=f"former.family{index}@families.demo.ehcp.test",
            full_name=f"{council.name().split(' ')[0]} {last}",
            role=Role.PARENT,
            password="!",
        )
        parents.append(parent)
        FamilyMembership.objects.create(
            user=parent, child=child, relationship=FamilyMembership.Relationship.PARENT
        )
        received = date(born + 6, 9, 15)
        case = Case.objects.create(
            reference=f"EHC-{received.year}-9{index:05d}",
            child=child,
            received_on=received,
            route=Route.FAMILY,
            stage=Stage.CEASED,
            is_open=False,
            area=area,
            team=team,
            needs=["SLCN"],
            final_issued_on=add_weeks(received, FINAL_PLAN_WEEKS),
            closed_on=date(ceased, 7, 20),
            created_at=demo_at(received),
        )
        for day, kind, summary in (
            (received, "request_received", f"Request received for {first} {last}"),
            (add_weeks(received, FINAL_PLAN_WEEKS), "final_issued", "Final plan issued"),
            (date(ceased, 7, 20), "ceased", f"Plan ceased: {first} left education"),
        ):
            CaseEvent.objects.create(
                case=case, kind=kind, summary=summary, family_visible=True, created_at=demo_at(day)
            )
        if held:
            LegalHold.objects.create(
                case=case,
                child=child,
                reason="Claim notified by the family's solicitor: keep until it is settled.",
                set_by=dpo,
            )
    # A request a family started for a younger child three years ago and never sent.
    stale = council.today - timedelta(days=3 * 365)
    draft = RequestDraft.objects.create(
        created_by=parents[0],
        answers={"child-name": {"data": {"first_name": ["Ella"], "last_name": ["Marsh"]}}},
    )
    RequestDraft.objects.filter(pk=draft.pk).update(
        updated_at=demo_at(stale), created_at=demo_at(stale)
    )


def governance_reset() -> None:
    """Remove holds, bundles and erasure records (before the cases and children)."""
    LegalHold.objects.all().delete()
    SubjectAccessBundle.objects.all().delete()
    ErasureRecord.objects.all().delete()
