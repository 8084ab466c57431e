from __future__ import annotations

from datetime import date

import pytest
import time_machine

from cases.models import Stage
from cases.plans.consultations import consultation_send
from cases.plans.drafting import plan_create
from cases.plans.issuing import plan_issue_draft, plan_issue_final
from cases.plans.models import Plan
from cases.plans.prefill import plan_prefill_from_advice
from ehcp_portal.accounts.models import Role
from families.models import Consent
from tests.cases.plans.conftest import ADVICE
from tests.factories import CaseFactory, SettingFactory, UserFactory, family_for

# The final plan is issued on Tue 10 Mar 2026 (received 1 Sep 2025): its first review must be
# decided by 10 Mar 2027 (s.44(1)); the child is in Year 6, so by 15 Feb 2027 (reg 18(1)).
ISSUED = date(2026, 3, 10)


@pytest.fixture
def school(db):
    return SettingFactory(name="Oakfield Primary School")


@pytest.fixture
def other_school(db):
    return SettingFactory(name="Beech Hill Primary School")


@pytest.fixture
def senco(school):
    return UserFactory(role=Role.SCHOOL, setting=school, full_name="Sam Senco")


@pytest.fixture
def other_senco(other_school):
    return UserFactory(role=Role.SCHOOL, setting=other_school)


def final_plan(team, caseworker, school, *, year_group: str = "Year 6") -> Plan:
    with time_machine.travel(ISSUED):
        case = CaseFactory(
            team=team,
            caseworker=caseworker,
            stage=Stage.DRAFTING,
            received_on=date(2025, 9, 1),
            issue_decision_on=date(2026, 1, 5),
            needs=["ASD"],
            child__year_group=year_group,
            child__date_of_birth=date(2015, 1, 4),
            child__setting=school,
        )
        plan = plan_create(case=case, actor=caseworker)
        plan_prefill_from_advice(plan=plan, advice=ADVICE, actor=caseworker)
        plan = plan_issue_draft(plan=plan, actor=caseworker, on=date(2026, 2, 20))
        consultation_send(plan=plan, settings=[school], actor=caseworker, on=date(2026, 2, 20))
        return plan_issue_final(plan=plan, actor=caseworker, named_setting=school)


@pytest.fixture
def plan(team, caseworker, school):
    return final_plan(team, caseworker, school)


@pytest.fixture
def family(plan):
    return family_for(plan.case)


@pytest.fixture
def consented_case(team, caseworker, school, db):
    """A family's own request for a child at the school, shared with the school by consent."""
    case = CaseFactory(team=team, caseworker=caseworker, child__setting=school)
    parent = family_for(case)
    Consent.objects.create(
        child=case.child, party=Consent.Party.SETTING, setting=school, given_by=parent
    )
    return case
