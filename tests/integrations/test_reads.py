"""What a system reads: cases (filters, keyset pages, fixed queries), a case with its deadlines,
its timeline, documents (metadata and the file), the child with their UPN, advice requests,
panel decisions and the plan with its versions. Each read is in the access log."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from cases.integrations.models import Scope
from cases.models import CaseEvent, Document, Stage
from cases.plans.models import Plan, PlanVersion
from ehcp_portal.accounts.models import Role
from ehcp_portal.audit.models import AccessRecord
from panels.models import Decision
from tests.factories import AdviceRequestFactory, CaseFactory, UserFactory

CASES = "/api/v1/cases/"
PDF = b"%PDF-1.4\n%%EOF\n"


def test_filters_combine_and_pages_follow_next(team, caseworker, manager_system):
    other_worker = UserFactory(role=Role.CASEWORKER, team=team)
    mine = [CaseFactory(team=team, caseworker=caseworker) for _ in range(3)]
    CaseFactory(team=team, caseworker=other_worker, stage=Stage.ASSESSING)
    listed = manager_system.get(CASES, caseworker=caseworker.pk, page_size=2).json()
    assert [c["reference"] for c in listed["results"]] == [c.reference for c in mine[:2]]
    following = manager_system.http.get(listed["next"], headers=manager_system.headers()).json()
    assert [c["reference"] for c in following["results"]] == [mine[2].reference]
    assert following["next"] is None
    by_stage = manager_system.get(CASES, stage=Stage.ASSESSING).json()["results"]
    assert [c["caseworker_id"] for c in by_stage] == [other_worker.pk]
    later = (timezone.now() + timedelta(minutes=1)).isoformat()
    assert manager_system.get(CASES, updated_since=later).json()["results"] == []


@pytest.mark.parametrize(
    "params",
    [{"stage": "nonsense"}, {"area": "x"}, {"updated_since": "yesterday"}, {"caseworker": "-1"}],
)
def test_a_bad_filter_is_a_400_problem_with_the_field(case, manager_system, params):
    response = manager_system.get(CASES, **params)
    assert response.status_code == 400
    assert set(response.json()["errors"]) == set(params)


def test_the_case_list_runs_a_fixed_number_of_queries(
    team, caseworker, manager_system, django_assert_max_num_queries
):
    for _ in range(3):
        CaseFactory(team=team, caseworker=caseworker)
    # the client and its areas, last-used stamp, the page of cases, the access log's insert
    with django_assert_max_num_queries(6):
        assert len(manager_system.get(CASES).json()["results"]) == 3
    for _ in range(20):
        CaseFactory(team=team, caseworker=caseworker)
    with django_assert_max_num_queries(6):
        assert len(manager_system.get(CASES).json()["results"]) == 23


def test_a_case_comes_with_its_deadlines_from_the_one_clock_reader(case, manager_system):
    body = manager_system.get(f"{CASES}{case.reference}/").json()
    decision = next(d for d in body["deadlines"] if d["key"] == "decision_to_assess")
    assert decision["due"] == (case.received_on + timedelta(weeks=6)).isoformat()
    assert body["child"] == case.child.full_name


def test_timeline_documents_and_download(case, manager_system, caseworker):
    CaseEvent.objects.create(case=case, kind="note", summary="Called the school", actor=caseworker)
    document = Document(case=case, kind=Document.Kind.EVIDENCE, title="OT report")
    document.file.save("ot-report.pdf", ContentFile(PDF), save=False)
    document.content_type, document.size = "application/pdf", len(PDF)
    document.save()
    timeline = manager_system.get(f"{CASES}{case.reference}/timeline/").json()["results"]
    assert timeline[0]["summary"] == "Called the school"
    listed = manager_system.get(f"{CASES}{case.reference}/documents/").json()["results"]
    assert [d["title"] for d in listed] == ["OT report"]
    download = manager_system.get(listed[0]["download"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert AccessRecord.objects.filter(
        case_id=case.pk, kind="document", object_ref=str(document.public_id)
    ).exists()
    other = CaseFactory()
    assert (
        manager_system.get(f"{CASES}{other.reference}/documents/{document.public_id}/").status_code
        == 404
    )


def test_the_child_with_their_upn(case, manager_system):
    case.child.upn = "B201567815001"
    case.child.save()
    body = manager_system.get(f"{CASES}{case.reference}/child/").json()
    assert body["upn"] == "B201567815001"
    assert AccessRecord.objects.filter(case_id=case.pk, object_ref="child").exists()


def test_advice_requests_of_a_case(case, manager_system):
    advice = AdviceRequestFactory(case=case)
    body = manager_system.get(f"{CASES}{case.reference}/advice-requests/").json()
    assert [a["id"] for a in body["results"]] == [str(advice.public_id)]


def test_panel_decisions_of_a_case(case, manager_system, make_meeting, on_agenda):
    item = on_agenda(make_meeting(), case)
    Decision.objects.create(
        item=item, outcome="assess", outcome_label="Agree to assess", reasons="Evidence of need"
    )
    body = manager_system.get(f"{CASES}{case.reference}/decisions/").json()
    assert [(d["outcome_label"], d["reasons"]) for d in body["results"]] == [
        ("Agree to assess", "Evidence of need")
    ]


def test_the_plan_its_current_version_and_an_earlier_one(case, manager_system, caseworker):
    plan = Plan.objects.create(case=case)
    PlanVersion.objects.create(plan=plan, number=1, sections={"a": "first"}, change="Started")
    PlanVersion.objects.create(plan=plan, number=2, sections={"a": "second"}, change="Edited")
    body = manager_system.get(f"{CASES}{case.reference}/plan/").json()
    assert body["current_version"]["number"] == 2
    assert body["current_version"]["sections"] == {"a": "second"}
    assert [v["number"] for v in body["versions"]] == [1, 2]
    first = manager_system.get(f"{CASES}{case.reference}/plan/versions/1/").json()
    assert first["sections"] == {"a": "first"}
    assert manager_system.get(f"{CASES}{case.reference}/plan/versions/9/").status_code == 404


def test_a_case_with_no_plan_is_a_404_problem(case, manager_system):
    response = manager_system.get(f"{CASES}{case.reference}/plan/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_an_advice_system_sees_only_requests_addressed_to_its_owner(db, api_client_for):
    giver = UserFactory(role=Role.ADVICE_GIVER)
    mine = AdviceRequestFactory(addressee=giver)
    AdviceRequestFactory()
    caller = api_client_for(giver, Scope.ADVICE_WRITE)
    body = caller.get("/api/v1/advice-requests/").json()
    assert [a["id"] for a in body["results"]] == [str(mine.public_id)]
    # advice:write alone does not read cases.
    assert caller.get(f"{CASES}{mine.case.reference}/").status_code == 403
