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

from functools import cache
from typing import TYPE_CHECKING, Any

from django.db import DEFAULT_DB_ALIAS
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from ehcp_portal import access
from ehcp_portal.accounts.models import Role

if TYPE_CHECKING:
    from ehcp_portal.accounts.models import User

CASE_SCHOOL = "case.school"  # the school's page of a pupil's case: stage, next date, the plan


# A setting id no school has, standing for the school's own while the rule is compiled.
_SCHOOL = -7_142_857


def _bases(setting_id: int) -> QuerySet[Any]:
    """The ids of the cases a school may see on some basis (any child, at any school): each
    basis a small set read on its own index."""
    from cases.models import Case
    from cases.plans.models import Consultation, Plan
    from families.models import Consent, RequestDraft

    consents = Consent.objects.filter(party=Consent.Party.SETTING, setting_id=setting_id)
    withdrawn = consents.filter(revoked_at__isnull=False).values("child_id")
    return (
        Plan.objects.filter(status="final", named_setting_id=setting_id)
        .order_by()
        .values("case_id")
        .union(
            Consultation.objects.filter(setting_id=setting_id, closed_on__isnull=True)
            .order_by()
            .values("plan__case_id"),
            Case.objects.filter(
                child_id__in=consents.filter(revoked_at__isnull=True).values("child_id")
            )
            .order_by()
            .values("pk"),
            RequestDraft.objects.filter(
                case__isnull=False, route=RequestDraft.Route.SCHOOL, setting_id=setting_id
            )
            .exclude(case__child_id__in=withdrawn)
            .order_by()
            .values("case_id"),
        )
    )


@cache
def _bases_compiled(alias: str) -> tuple[str, tuple[Any, ...]]:
    """The bases' SQL, compiled once per process: building and compiling the union of four
    subqueries took 1.5 ms of every SENCO page. The school's id is bound per request."""
    sql, params = _bases(_SCHOOL).query.sql_with_params()
    assert sum(1 for p in params if p == _SCHOOL) == 5, params  # every basis is this school's
    return sql, tuple(params)


def school_cases_filter(user: User) -> Q:
    setting_id = user.setting_id
    if not setting_id:
        return access.NOTHING
    sql, params = _bases_compiled(DEFAULT_DB_ALIAS)
    bound = tuple(setting_id if p == _SCHOOL else p for p in params)
    # Kept only while the child is at the school: one condition over the school's 20,000
    # pupils at national scale, joined to every basis at once, read them all (1.8 s).
    # The SQL is Django's own compilation of `_bases`; every value is a bound parameter.
    return Q(child__setting_id=setting_id, pk__in=RawSQL(sql, bound))  # noqa: S611


def register() -> None:
    access.rule_register(access.CASE, CASE_SCHOOL, school_cases_filter, roles=[Role.SCHOOL])
