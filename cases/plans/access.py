"""What a school may read of an EHC plan; asked by the plan pages for settings.

Nothing from a plan reaches a setting before the draft is issued, and then only through: the
statutory consultation route (an open Consultation of that setting, s.39(2)/s.40(2)), the
family's recorded, unrevoked consent to share with that setting, or, once final, being the
setting named in section I (which must admit the child, s.43).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404

from cases.plans.models import Consultation, Plan
from ehcp_portal import access
from ehcp_portal.accounts.models import Role
from families.models import Consent

if TYPE_CHECKING:
    from ehcp_portal.accounts.models import User


def plan_visible_to_setting(user: User, plan: Plan) -> bool:
    """May this school user read this plan?"""
    if not user.is_authenticated or not user.is_active or user.role != Role.SCHOOL:
        return False
    if not user.setting_id or plan.status == "drafting":
        return False
    if plan.status == "final" and plan.named_setting_id == user.setting_id:
        return True
    if Consultation.objects.filter(
        plan_id=plan.pk, setting_id=user.setting_id, closed_on__isnull=True
    ).exists():
        return True
    return Consent.objects.filter(
        child_id=plan.case.child_id,
        party=Consent.Party.SETTING,
        setting_id=user.setting_id,
        revoked_at__isnull=True,
    ).exists()


def plan_for_setting_or_404(user: User, reference: str) -> Plan:
    access.role_required(user, Role.SCHOOL)
    plan = (
        Plan.objects.select_related("case__child", "named_setting")
        .filter(case__reference=reference)
        .first()
    )
    if plan is None or not plan_visible_to_setting(user, plan):
        raise Http404("No such plan")
    return plan
