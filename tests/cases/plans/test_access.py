"""Nothing from a plan reaches a setting without consent or consultation (docs/requirements.md
R4; s.39(2)/s.40(2) for consultation)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from cases.plans.access import plan_visible_to_setting
from cases.plans.consultations import consultation_send
from cases.plans.issuing import plan_issue_draft, plan_issue_final
from ehcp_portal.accounts.models import Role
from families.models import Consent
from tests.cases.plans.conftest import days_ago
from tests.factories import SettingFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_setting_sees_nothing_without_consent_or_consultation(plan, caseworker, senco):
    assert not plan_visible_to_setting(senco, plan)  # still drafting
    plan = plan_issue_draft(plan=plan, actor=caseworker, on=days_ago(20))
    assert not plan_visible_to_setting(senco, plan)


def test_the_consulted_setting_sees_the_draft_and_no_other(plan, caseworker, setting, senco):
    plan = plan_issue_draft(plan=plan, actor=caseworker, on=days_ago(20))
    consultation_send(plan=plan, settings=[setting], actor=caseworker)
    other_school = UserFactory(role=Role.SCHOOL, setting=SettingFactory())
    assert plan_visible_to_setting(senco, plan)
    assert not plan_visible_to_setting(other_school, plan)
    # A caseworker or parent is not a setting: this rule never grants them anything.
    assert not plan_visible_to_setting(caseworker, plan)


def test_family_consent_shares_and_revoking_it_stops_sharing(
    plan, caseworker, setting, senco, family
):
    plan = plan_issue_draft(plan=plan, actor=caseworker, on=days_ago(20))
    consent = Consent.objects.create(
        child=plan.case.child, party=Consent.Party.SETTING, setting=setting, given_by=family
    )
    assert plan_visible_to_setting(senco, plan)
    consent.revoked_at = timezone.now()
    consent.save()
    assert not plan_visible_to_setting(senco, plan)
    # Consent for another party, or another setting, shares nothing with this one.
    Consent.objects.create(child=plan.case.child, party=Consent.Party.HEALTH, given_by=family)
    Consent.objects.create(
        child=plan.case.child,
        party=Consent.Party.SETTING,
        setting=SettingFactory(),
        given_by=family,
    )
    assert not plan_visible_to_setting(senco, plan)


def test_after_the_final_plan_only_the_named_setting_keeps_access(plan, caseworker, setting, senco):
    plan = plan_issue_draft(plan=plan, actor=caseworker, on=days_ago(20))
    other = SettingFactory()
    other_senco = UserFactory(role=Role.SCHOOL, setting=other)
    consultation_send(plan=plan, settings=[setting, other], actor=caseworker)
    assert plan_visible_to_setting(other_senco, plan)
    plan = plan_issue_final(plan=plan, actor=caseworker, named_setting=setting)
    assert plan_visible_to_setting(senco, plan)
    assert not plan_visible_to_setting(other_senco, plan)
    inactive = UserFactory(role=Role.SCHOOL, setting=setting, is_active=False)
    assert not plan_visible_to_setting(inactive, plan)
