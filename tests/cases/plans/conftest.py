from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.models import Stage
from cases.plans.drafting import plan_create
from cases.plans.prefill import plan_prefill_from_advice
from ehcp_portal.accounts.models import Role
from tests.factories import CaseFactory, SettingFactory, UserFactory, family_for

ADVICE = [
    {
        "source": "Educational psychologist",
        "needs": ["Finds it hard to follow spoken instructions in class"],
        "outcomes": ["By the end of Year 5, follows two-step instructions without prompts"],
        "provision": ["Speech and language therapy, 3 sessions of 30 minutes each week"],
        "received_on": None,
    },
    {
        "source": "Community paediatrician (health)",
        "needs": ["Sleep disturbance affecting attention"],
        "outcomes": ["Sleeps through the night on most nights"],
        "provision": ["Review by the sleep clinic every 6 months"],
        "received_on": None,
    },
]


def days_ago(n: int):
    return timezone.localdate() - timedelta(days=n)


@pytest.fixture
def drafting_case(team, caseworker):
    return CaseFactory(
        team=team,
        caseworker=caseworker,
        stage=Stage.DRAFTING,
        received_on=days_ago(100),
        assessment_decision_on=days_ago(80),
        issue_decision_on=days_ago(40),
        needs=["ASD", "SLCN"],
    )


@pytest.fixture
def plan(drafting_case, caseworker):
    plan = plan_create(case=drafting_case, actor=caseworker)
    plan_prefill_from_advice(plan=plan, advice=ADVICE, actor=caseworker)
    return plan


@pytest.fixture
def family(drafting_case):
    return family_for(drafting_case)


@pytest.fixture
def setting(db):
    return SettingFactory(name="Oakfield Primary School", needs_met=["ASD", "SLCN"])


@pytest.fixture
def senco(setting):
    return UserFactory(role=Role.SCHOOL, setting=setting)
