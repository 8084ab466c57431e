"""What a school's staff (the SENCO, role SCHOOL) may see of a child's case; registered with the
access policy's engine by `SchoolsConfig.ready` as the action `case.school`.

A school sees a case only while the child is at the school (the child's setting), and only on a
basis the family gave or the law gives:
- the family's active consent to share with this setting (families.Consent, party SETTING);
- a request for assessment the school made (s.36(1)), until the family withdraws its consent
  to share with the school: a withdrawal ends a basis that rested on the family's agreement;
- an open consultation about naming the school (s.39(2), s.40(2)), or
- being the school named in the final plan (s.43: it must admit the child, and reg 20 has it
  arrange the annual review). The law's roles outlast a withdrawal of consent.
When the child leaves the school, every basis ends for that school.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q

from ehcp_portal import access
from ehcp_portal.accounts.models import Role

if TYPE_CHECKING:
    from ehcp_portal.accounts.models import User

CASE_SCHOOL = "case.school"  # the school's page of a pupil's case: stage, next date, the plan


def school_cases_filter(user: User) -> Q:
    from cases.plans.models import Consultation
    from families.models import Consent, RequestDraft

    setting_id = user.setting_id
    if not setting_id:
        return access.NOTHING
    consents = Consent.objects.filter(
        child_id=OuterRef("child_id"), party=Consent.Party.SETTING, setting_id=setting_id
    )
    consented = Exists(consents.filter(revoked_at__isnull=True))
    withdrawn = Exists(consents.filter(revoked_at__isnull=False))
    requested = Exists(
        RequestDraft.objects.filter(
            case_id=OuterRef("pk"), route=RequestDraft.Route.SCHOOL, setting_id=setting_id
        )
    )
    consulted = Exists(
        Consultation.objects.filter(
            plan__case_id=OuterRef("pk"), setting_id=setting_id, closed_on__isnull=True
        )
    )
    named = Q(plan__status="final", plan__named_setting_id=setting_id)
    return Q(child__setting_id=setting_id) & (
        named | Q(consulted) | Q(consented) | (Q(requested) & ~Q(withdrawn))
    )


def register() -> None:
    access.rule_register(access.CASE, CASE_SCHOOL, school_cases_filter, roles=[Role.SCHOOL])
