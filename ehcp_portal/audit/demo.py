"""The demo's access log: a handful of reads of the demo parent's children's records, so that
"Who has seen your information" shows something before anyone has used the demo. Every read
made while the demo is used is recorded as it happens."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from ehcp_portal import access
from ehcp_portal.accounts.models import Role, User
from ehcp_portal.audit.models import AccessKind, AccessRecord
from ehcp_portal.audit.services import access_records_purge, organisation_of

DEMO_PARENT = "parent@demo.ehcp.test"


def _reader(**lookup: Any) -> User | None:
    return User.objects.filter(**lookup).select_related("team", "setting").first()


def _read(
    reader: User | None, case: Any, kind: str, ago: timedelta, object_ref: str = ""
) -> AccessRecord | None:
    if reader is None:
        return None
    return AccessRecord(
        at=timezone.now() - ago,
        user=reader,
        user_name=reader.get_full_name(),
        role=reader.role,
        organisation=organisation_of(reader),
        child_id=case.child_id,
        case_id=case.pk,
        case_reference=case.reference,
        kind=kind,
        object_ref=object_ref,
        route="demo",
        channel="web",
    )


def build_access_log() -> int:
    """Reads by the caseworker, their manager, the child's school, an advice giver and a panel
    member over the last weeks. Returns how many were written."""
    parent = User.objects.filter(email=DEMO_PARENT).first()
    if parent is None:
        return 0
    cases = access.cases_for(parent, access.CASE_TRACK).select_related("child", "caseworker")
    records: list[AccessRecord | None] = []
    for case in cases.order_by("received_on")[:2]:
        caseworker = _reader(pk=case.caseworker_id) if case.caseworker_id else None
        manager = _reader(role=Role.TEAM_MANAGER, team__area_id=case.area_id)
        school = _reader(role=Role.SCHOOL, setting_id=case.child.setting_id) or _reader(
            role=Role.SCHOOL
        )
        records += [
            _read(caseworker, case, AccessKind.CASE, timedelta(days=20, hours=3)),
            _read(manager, case, AccessKind.CASE, timedelta(days=18, hours=5)),
            _read(school, case, AccessKind.DOCUMENT, timedelta(days=16), "Request for assessment"),
            _read(_reader(role=Role.ADVICE_GIVER), case, AccessKind.ADVICE, timedelta(days=9)),
            _read(_reader(role=Role.PANEL_MEMBER), case, AccessKind.PANEL_PAPER, timedelta(days=4)),
            _read(caseworker, case, AccessKind.PLAN, timedelta(days=1, hours=2), "Summary"),
        ]
    made = AccessRecord.objects.bulk_create([r for r in records if r is not None])
    return len(made)


def access_log_reset() -> None:
    """seed_demo --reset: the demo's log goes with the demo (through the purge, the only way
    a record is removed)."""
    access_records_purge(before=timezone.now() + timedelta(days=1), dry_run=False)
