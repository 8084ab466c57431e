from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.models import Stage
from cases.plans.drafting import plan_create
from cases.plans.models import Plan
from cases.quality.models import PlanAudit
from ehcp_portal.accounts.models import Role
from tests.factories import CaseFactory, UserFactory


def issued_plan(team, caseworker, issued_on, **extra) -> Plan:
    case = CaseFactory(
        team=team,
        caseworker=caseworker,
        stage=Stage.FINAL_ISSUED,
        received_on=issued_on - timedelta(days=130),
        assessment_decision_on=issued_on - timedelta(days=100),
        issue_decision_on=issued_on - timedelta(days=60),
        final_issued_on=issued_on,
        **extra,
    )
    plan = plan_create(case=case, actor=caseworker)
    plan.status = Plan.Status.FINAL
    plan.issued_on = issued_on
    plan.save()
    return plan


@pytest.fixture
def qa(db):
    return UserFactory(role=Role.QA_OFFICER, full_name="Quinn Auditor")


@pytest.fixture
def qa2(db):
    return UserFactory(role=Role.QA_OFFICER, full_name="Morgan Moderator")


@pytest.fixture
def audit(team, caseworker):
    plan = issued_plan(team, caseworker, timezone.localdate() - timedelta(days=20))
    return PlanAudit.objects.create(
        plan=plan,
        case=plan.case,
        caseworker=caseworker,
        team=team,
        version_number=1,
        month=plan.issued_on.replace(day=1),
        reason="test",
    )
