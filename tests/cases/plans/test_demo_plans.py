from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from cases.plans.access import plan_visible_to_setting
from cases.plans.models import Consultation, Plan
from cases.plans.sections import validate_sections
from ehcp_portal.accounts.models import User


def test_demo_gives_the_caseworker_plans_and_the_senco_a_consultation(db):
    call_command("seed_demo", "--cases", "200", "--seed", "7", stdout=StringIO())
    plans = Plan.objects.filter(case__caseworker__email="caseworker@demo.ehcp.test")
    assert {Plan.Status.DRAFTING, Plan.Status.DRAFT_ISSUED, Plan.Status.FINAL} <= set(
        plans.values_list("status", flat=True)
    )
    for plan in plans:
        assert validate_sections(plan.versions.get().sections) == []
    senco = User.objects.get(email="senco@demo.ehcp.test")
    consultation = Consultation.objects.filter(setting=senco.setting).first()
    assert consultation is not None
    assert plan_visible_to_setting(senco, consultation.plan)
