"""What a system writes, through the pages' forms and services: a school's request, advice with
attachments, a placement, a child's UPN. Every POST is idempotent."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cases.advice.models import AdviceRequest
from cases.integrations.models import IdempotencyRecord, Scope
from cases.models import Case, CaseEvent
from cases.plans.models import Placement
from ehcp_portal.accounts.models import Role
from families.models import Child, RequestDraft
from tests.factories import (
    AdviceRequestFactory,
    AreaFactory,
    CaseFactory,
    ChildFactory,
    SettingFactory,
    TeamFactory,
    UserFactory,
)

UPN = "B201567815001"
DOB = date(2017, 9, 1)


@pytest.fixture
def area(db):
    area = AreaFactory(postcode_districts=["LS6"])
    TeamFactory(area=area)
    return area


@pytest.fixture
def school_system(area, api_client_for):
    senco = UserFactory(role=Role.SCHOOL, setting=SettingFactory(name="Meanwood Primary"))
    return api_client_for(senco, Scope.REQUESTS_WRITE)


def school_answers(**changes) -> dict:
    pages = {
        "child-name": {"first_name": "Amira", "last_name": "Khan"},
        "child-dob": {"date_of_birth": DOB.isoformat()},
        "child-address": {"address": "1 Example Street\nLeeds", "postcode": "LS6 2AB"},
        "child-identity": {"sex": "F", "ethnicity": "APKN"},
        "child-pupil-number": {"upn": UPN, "uln": ""},
        "child-language": {"home_language": "Urdu"},
        "child-looked-after": {"looked_after": "no"},
        "child-year-group": {"year_group": "year3"},
        "parent-contact": {"parent_name": "Sara Khan", "parent_email": "sara@example.test"},
        "needs-primary": {"primary_need": "ASD"},
        "needs-secondary": {"secondary_needs": ["SLCN"]},
        "needs-description": {"needs_description": "Finds noisy rooms very hard."},
        "support": {"support_in_place": "SEN support with a teaching assistant."},
        "professionals": {"professionals": "Dr Patel, paediatrician"},
        "parent-told": {
            "told_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
            "told_how": "meeting",
        },
        "declaration": {"confirm": True},
    }
    pages.update(changes)
    return {"answers": pages}


def test_a_school_system_submits_a_request_and_a_retry_creates_nothing(school_system):
    first = school_system.post("/api/v1/requests/", school_answers(), key="req-1")
    assert first.status_code == 201, first.json()
    body = first.json()
    case = Case.objects.get(reference=body["reference"])
    assert case.route == "school" and case.child.upn == UPN
    assert body["decision_due"] == (case.received_on + timedelta(weeks=6)).isoformat()
    again = school_system.post("/api/v1/requests/", school_answers(), key="req-1")
    assert again.status_code == 201 and again.json() == body
    assert again["Idempotent-Replayed"] == "true"
    assert Case.objects.count() == 1 and RequestDraft.objects.count() == 1


def test_the_same_key_with_a_different_body_is_refused(school_system):
    assert school_system.post("/api/v1/requests/", school_answers(), key="k").status_code == 201
    other = school_answers(**{"child-name": {"first_name": "Bilal", "last_name": "Khan"}})
    response = school_system.post("/api/v1/requests/", other, key="k")
    assert response.status_code == 422
    assert "Idempotency-Key" in response.json()["errors"]
    assert Case.objects.count() == 1


def test_a_post_without_a_key_is_refused(school_system):
    response = school_system.post("/api/v1/requests/", school_answers(), key=None)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["errors"]
    assert not Case.objects.exists()


def test_the_forms_checks_and_words_apply_and_nothing_is_kept(school_system):
    bad = school_answers(**{"child-pupil-number": {"upn": "A201567815001"}, "needs-primary": {}})
    response = school_system.post("/api/v1/requests/", bad, key="bad")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["answers.child-pupil-number.upn"] == [
        "The UPN's check letter does not match its numbers: check it was copied correctly"
    ]
    assert "answers.needs-primary.primary_need" in errors
    assert not RequestDraft.objects.exists() and not Case.objects.exists()
    # The refusal was not kept: the corrected call may use the same key.
    assert school_system.post("/api/v1/requests/", school_answers(), key="bad").status_code == 201


def test_a_school_must_say_it_told_the_parent(school_system):
    response = school_system.post(
        "/api/v1/requests/", school_answers(**{"parent-told": {}}), key="told"
    )
    assert response.status_code == 400
    assert "answers.parent-told.told_on" in response.json()["errors"]


def test_a_request_naming_a_known_childs_upn_and_birthday_is_for_that_child(school_system):
    known = ChildFactory(upn=UPN, date_of_birth=DOB)
    response = school_system.post("/api/v1/requests/", school_answers(), key="known")
    assert response.json()["child_id"] == known.pk
    assert Child.objects.count() == 1


def test_the_same_upn_with_another_birthday_is_another_child(school_system):
    ChildFactory(upn=UPN, date_of_birth=DOB - timedelta(days=1))
    response = school_system.post("/api/v1/requests/", school_answers(), key="other")
    assert response.status_code == 201
    assert Child.objects.count() == 2


def test_only_a_schools_staff_can_own_a_requesting_client(area, manager, api_client_for):
    caller = api_client_for(manager, Scope.REQUESTS_WRITE)
    response = caller.post("/api/v1/requests/", school_answers(), key="x")
    assert response.status_code == 422
    assert not Case.objects.exists()


@pytest.mark.parametrize("body", [[], "text", {"answers": []}, {"answers": {"nope": {}}}, None])
def test_odd_bodies_are_4xx_problems(school_system, body):
    response = school_system.http.post(
        "/api/v1/requests/",
        "{not json" if body is None else body,
        content_type="application/json",
        headers=school_system.headers("odd"),
    )
    assert 400 <= response.status_code < 500
    assert response["Content-Type"] == "application/problem+json"


# -- advice ------------------------------------------------------------------------------------


@pytest.fixture
def giver(db):
    return UserFactory(role=Role.ADVICE_GIVER, organisation="Community paediatrics")


def test_a_health_system_records_advice_with_an_attachment(giver, api_client_for):
    advice = AdviceRequestFactory(addressee=giver)
    caller = api_client_for(giver, Scope.ADVICE_WRITE)
    report = SimpleUploadedFile("report.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
    body = {"needs": "Sensory needs", "outcomes": "Join in lessons", "provision": "OT weekly"}
    response = caller.post(
        f"/api/v1/advice-requests/{advice.public_id}/advice/",
        {**body, "attachments": report},
        key="adv-1",
        multipart=True,
    )
    assert response.status_code == 201, response.json()
    assert response.json()["state"] == "received"
    assert [a["title"] for a in response.json()["attachments"]][0].endswith("report.pdf")
    advice.refresh_from_db()
    assert advice.provision == "OT weekly" and advice.responded_by == giver
    assert CaseEvent.objects.filter(case=advice.case, kind="advice_received").count() == 1
    report.seek(0)
    again = caller.post(
        f"/api/v1/advice-requests/{advice.public_id}/advice/",
        {**body, "attachments": report},
        key="adv-1",
        multipart=True,
    )
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert CaseEvent.objects.filter(case=advice.case, kind="advice_received").count() == 1
    # A new key for advice already given: the page's refusal, as a 422.
    third = caller.post(f"/api/v1/advice-requests/{advice.public_id}/advice/", body, key="adv-2")
    assert third.status_code == 422
    assert third.json()["detail"] == "This request has already been answered."


def test_advice_addressed_to_someone_else_is_a_404(giver, api_client_for):
    elsewhere = AdviceRequestFactory()
    caller = api_client_for(giver, Scope.ADVICE_WRITE)
    response = caller.post(
        f"/api/v1/advice-requests/{elsewhere.public_id}/advice/",
        {"needs": "x", "outcomes": "y", "provision": "z"},
    )
    assert response.status_code == 404
    assert AdviceRequest.objects.get(pk=elsewhere.pk).state == "sent"


def test_advice_with_empty_fields_gives_the_pages_messages(giver, api_client_for):
    advice = AdviceRequestFactory(addressee=giver)
    caller = api_client_for(giver, Scope.ADVICE_WRITE)
    response = caller.post(f"/api/v1/advice-requests/{advice.public_id}/advice/", {"needs": ""})
    assert response.status_code == 400
    assert response.json()["errors"]["provision"] == ["Describe the provision you recommend"]


# -- placements and UPNs ------------------------------------------------------------------------


def test_a_placement_is_recorded_for_a_case_with_a_plan(case, manager_system):
    case.final_issued_on = timezone.localdate() - timedelta(days=30)
    case.save()
    school = SettingFactory(urn="654321")
    body = {"setting_number": "654321", "entry_date": "2026-09-03", "in_sen_unit": True}
    response = manager_system.post(f"/api/v1/cases/{case.reference}/placements/", body)
    assert response.status_code == 201, response.json()
    placement = Placement.objects.get(case=case)
    assert placement.setting == school and placement.entry_date == date(2026, 9, 3)
    assert placement.in_sen_unit
    assert CaseEvent.objects.filter(case=case, kind="sen2_details").exists()


def test_a_placement_needs_a_plan_and_a_known_school(case, manager_system):
    body = {"setting_number": "999999", "entry_date": "2026-09-03"}
    no_plan = manager_system.post(f"/api/v1/cases/{case.reference}/placements/", body, key="a")
    assert no_plan.status_code == 422
    case.final_issued_on = timezone.localdate()
    case.save()
    unknown = manager_system.post(f"/api/v1/cases/{case.reference}/placements/", body, key="b")
    assert unknown.status_code == 400
    assert unknown.json()["errors"]["setting_number"] == [
        "No school or setting has that URN or UKPRN"
    ]
    bad_date = manager_system.post(
        f"/api/v1/cases/{case.reference}/placements/",
        {"sen_setting": "OLA", "entry_date": "3rd Sept"},
        key="c",
    )
    assert bad_date.status_code == 400 and "entry_date" in bad_date.json()["errors"]


def test_a_childs_upn_is_updated_with_its_check_letter_checked(case, manager_system):
    wrong = manager_system.post(
        f"/api/v1/cases/{case.reference}/child/upn/", {"upn": "A201567815001"}, key="u1"
    )
    assert wrong.status_code == 400
    assert "check letter" in wrong.json()["errors"]["upn"][0]
    right = manager_system.post(
        f"/api/v1/cases/{case.reference}/child/upn/", {"upn": "b2015 6781 5001"}, key="u2"
    )
    assert right.status_code == 200
    assert right.json()["upn"] == UPN
    case.child.refresh_from_db()
    assert case.child.upn == UPN


def test_writes_need_their_scope_and_work_rights(case, api_client_for, user_of_role, manager):
    reader = api_client_for(manager, Scope.CASES_READ)
    assert (
        reader.post(f"/api/v1/cases/{case.reference}/child/upn/", {"upn": UPN}).status_code == 403
    )
    # The head of service may read every case but works on none: a 404, as on the pages.
    head = api_client_for(user_of_role(Role.HEAD_OF_SERVICE), Scope.CHILDREN_WRITE)
    assert head.post(f"/api/v1/cases/{case.reference}/child/upn/", {"upn": UPN}).status_code == 404
    other_area = api_client_for(manager, Scope.CHILDREN_WRITE, areas=[CaseFactory().area])
    assert (
        other_area.post(f"/api/v1/cases/{case.reference}/child/upn/", {"upn": UPN}).status_code
        == 404
    )
    assert not IdempotencyRecord.objects.exists()


def test_answers_kept_for_retries_are_forgotten_after_a_week(school_system):
    from cases.integrations.idempotency import idempotency_records_prune

    school_system.post("/api/v1/requests/", school_answers(), key="old")
    assert idempotency_records_prune(now=timezone.now() + timedelta(days=6)) == 0
    assert idempotency_records_prune(now=timezone.now() + timedelta(days=8)) == 1
    assert not IdempotencyRecord.objects.exists()
