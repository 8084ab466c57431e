"""Who may see and do what in quality; registered with the access policy's engine by
`QualityConfig.ready` (ADR-0001).

Audits: a QA officer audits and moderates any plan of the council; the caseworker reads the
audits of their own cases once graded (the actions back to them); a team manager reads their
area's. Complaints and contacts belong to a case: whoever may work the case may record and
handle them, and the family reads their own complaints through the tracker's rule. Survey
answers are nobody's object: they are read only as counts and, for managers, as free text with
nothing that names a case or a person.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from cases.quality.models import Complaint, PlanAudit
from ehcp_portal import access
from ehcp_portal.accounts.models import Role

if TYPE_CHECKING:
    from ehcp_portal.accounts.models import User

AUDIT = "plan_audit"
AUDIT_DO = "plan_audit.do"  # grade, moderate (QA officers)
AUDIT_READ = "plan_audit.read"  # read a graded audit and its actions

COMPLAINT = "complaint"
COMPLAINT_HANDLE = "complaint.handle"  # record, move on, close (staff who work the case)
COMPLAINT_FAMILY = "complaint.family"  # the family reads their own

# Staff who read the council's complaints, surveys' free text and the quality figures.
MANAGER_ROLES = (Role.TEAM_MANAGER, Role.HEAD_OF_SERVICE)
# Staff who log contacts and record complaints on a case they may work.
CASE_STAFF_ROLES = (Role.CASEWORKER, Role.TEAM_MANAGER, Role.HEAD_OF_SERVICE)


def _every_audit(user: User) -> Q:
    return Q()


def _own_graded_audits(user: User) -> Q:
    return Q(case__caseworker_id=user.pk) & ~Q(status=PlanAudit.Status.SAMPLED)


def _area_graded_audits(user: User) -> Q:
    area_id = access.user_area_id(user)
    if area_id is None:
        return access.NOTHING
    return Q(case__area_id=area_id) & ~Q(status=PlanAudit.Status.SAMPLED)


def _graded_audits(user: User) -> Q:
    return ~Q(status=PlanAudit.Status.SAMPLED)


def _complaints_of_cases_worked(user: User) -> Q:
    return Q(case__in=access.cases_for(user, access.CASE_WORK).values("pk"))


def _complaints_of_cases_tracked(user: User) -> Q:
    return Q(case__in=access.cases_for(user, access.CASE_TRACK).values("pk"))


def register() -> None:
    access.subject_register(AUDIT, PlanAudit)
    access.rule_register(AUDIT, AUDIT_DO, _every_audit, roles=[Role.QA_OFFICER])
    access.rule_register(AUDIT, AUDIT_READ, _every_audit, roles=[Role.QA_OFFICER])
    access.rule_register(AUDIT, AUDIT_READ, _own_graded_audits, roles=[Role.CASEWORKER])
    access.rule_register(AUDIT, AUDIT_READ, _area_graded_audits, roles=[Role.TEAM_MANAGER])
    access.rule_register(AUDIT, AUDIT_READ, _graded_audits, roles=[Role.HEAD_OF_SERVICE])
    access.subject_register(COMPLAINT, Complaint)
    access.rule_register(
        COMPLAINT, COMPLAINT_HANDLE, _complaints_of_cases_worked, roles=CASE_STAFF_ROLES
    )
    access.rule_register(
        COMPLAINT,
        COMPLAINT_FAMILY,
        _complaints_of_cases_tracked,
        roles=[Role.PARENT, Role.YOUNG_PERSON],
    )


def audits_for(user: User, action: str) -> QuerySet[PlanAudit]:
    return access.objects_for(user, AUDIT, action)


def audit_or_404(user: User, public_id: object, action: str) -> PlanAudit:
    audit: PlanAudit = access.object_or_404(
        user,
        AUDIT,
        action,
        PlanAudit.objects.select_related("case", "case__child", "plan", "caseworker", "team"),
        public_id=public_id,
    )
    return audit


def complaints_for(user: User, action: str) -> QuerySet[Complaint]:
    return access.objects_for(user, COMPLAINT, action)


def complaint_or_404(user: User, public_id: object, action: str) -> Complaint:
    complaint: Complaint = access.object_or_404(
        user,
        COMPLAINT,
        action,
        Complaint.objects.select_related("case", "case__child", "handler"),
        public_id=public_id,
    )
    return complaint
