"""A child's record with something of every kind the bundle and retention must handle."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.core.files.base import ContentFile
from django.db import connection

from cases.models import Case, CaseEvent, Document, Message, Stage
from cases.plans.models import Plan, PlanVersion
from ehcp_portal.accounts.models import Role, User
from ehcp_portal.audit.models import AccessKind, AccessRecord
from ehcp_portal.audit.services import access_record
from families.models import Child, Consent, RequestDraft
from notifications.models import Notification
from tests.factories import AdviceRequestFactory, CaseFactory, UserFactory, family_for

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def document_on(case: Case | None, kind: str, title: str, content: bytes = PDF) -> Document:
    doc = Document(case=case, kind=kind, title=title, content_type="application/pdf")
    doc.file.save(f"{title.replace(' ', '-')}.pdf", ContentFile(content), save=False)
    doc.size = len(content)
    doc.save()
    return doc


@dataclass
class Record:
    child: Child
    case: Case
    parent: User
    caseworker: User
    evidence: Document
    letter: Document
    draft_evidence: Document
    draft: RequestDraft


def make_record(*, born: date | None = None, closed: bool = False) -> Record:
    caseworker = UserFactory(role=Role.CASEWORKER, full_name="Casey Worker")
    case = CaseFactory(
        caseworker=caseworker,
        stage=Stage.CEASED if closed else Stage.ASSESSING,
        is_open=not closed,
        closed_on=date(2012, 7, 1) if closed else None,
        child__first_name="Amelia",
        child__last_name="Okafor",
        child__address="12 Roundhay Road, Leeds",
        **({"child__date_of_birth": born} if born else {}),
    )
    parent = family_for(case, UserFactory(role=Role.PARENT, full_name="Sam Okafor"))
    Consent.objects.create(child=case.child, party=Consent.Party.HEALTH, given_by=parent)
    evidence = document_on(case, Document.Kind.EVIDENCE, "Speech therapy report")
    letter = document_on(case, Document.Kind.LETTER, "Decision to assess")
    draft = RequestDraft.objects.create(created_by=parent, child=case.child, case=case)
    draft_evidence = document_on(None, Document.Kind.EVIDENCE, "School report from the draft")
    draft.documents.add(draft_evidence)
    CaseEvent.objects.create(
        case=case, kind="request_received", summary="Request received for Amelia Okafor"
    )
    Message.objects.create(case=case, sender=parent, from_family=True, body="Amelia is anxious")
    plan = Plan.objects.create(case=case)
    PlanVersion.objects.create(
        plan=plan, number=1, sections={"A": {"text": "Amelia loves drawing"}}, change="First"
    )
    AdviceRequestFactory(case=case)
    access_record(caseworker, kind=AccessKind.CASE, case=case)
    Notification.objects.create(
        recipient=parent,
        channel=Notification.Channel.EMAIL,
        purpose="test",
        idempotency_key=f"test-{case.pk}",
        subject="About Amelia",
        body="Amelia's request",
        case=case,
    )
    return Record(case.child, case, parent, caseworker, evidence, letter, draft_evidence, draft)


@pytest.fixture
def record(db) -> Record:
    return make_record()


@pytest.fixture
def dpo(db) -> User:
    return UserFactory(role=Role.DPO, full_name="Dana Protection")


def long_ago(years: int) -> date:
    return date.today() - timedelta(days=365 * years + 30)


def access_records_backdate(at) -> None:
    """Make every access record look read at `at`. The log is append-only (a trigger refuses
    UPDATE), so a test that needs old lines switches triggers off for this statement only, as
    the database superuser the tests run as; the portal's own role cannot."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        AccessRecord.objects.update(at=at)
        cursor.execute("SET LOCAL session_replication_role = origin")
