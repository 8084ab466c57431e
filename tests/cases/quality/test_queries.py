"""The quality lists run a fixed number of queries however many rows they show."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from cases.quality.models import Complaint, PlanAudit
from cases.quality.services import complaint_record
from tests.cases.quality.conftest import issued_plan
from tests.factories import CaseFactory


def _complaints(team, caseworker, n):
    for _ in range(n):
        complaint_record(
            case=CaseFactory(team=team, caseworker=caseworker),
            kind=Complaint.Kind.COMPLAINT,
            received_on=timezone.localdate(),
            summary="Slow",
            actor=caseworker,
        )


def _audits(team, caseworker, n):
    for i in range(n):
        plan = issued_plan(team, caseworker, timezone.localdate() - timedelta(days=i + 1))
        PlanAudit.objects.create(
            plan=plan, case=plan.case, month=plan.issued_on.replace(day=1), reason="sample"
        )


def test_the_complaints_list_runs_a_fixed_number_of_queries(
    client, team, caseworker, manager, django_assert_max_num_queries
):
    _complaints(team, caseworker, 2)
    client.force_login(manager)
    client.get(reverse("quality:complaints"))
    with django_assert_max_num_queries(12) as few:
        page = client.get(reverse("quality:complaints")).content.decode()
    assert page.count("Complaint to the council") == 2
    _complaints(team, caseworker, 20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("quality:complaints")).content.decode()
    assert page.count("Complaint to the council") == 22


def test_the_qa_officers_list_runs_a_fixed_number_of_queries(
    client, team, caseworker, qa, django_assert_max_num_queries
):
    _audits(team, caseworker, 2)
    client.force_login(qa)
    client.get(reverse("quality:home"))
    with django_assert_max_num_queries(12) as few:
        page = client.get(reverse("quality:home")).content.decode()
    assert "Plans to audit (2)" in page
    _audits(team, caseworker, 15)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("quality:home")).content.decode()
    assert "Plans to audit (17)" in page
