"""The plan pages record each read of the plan in the access log: staff, the family and the
named setting; a refused request records nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cases.plans.consultations import consultation_send
from cases.plans.issuing import plan_issue_draft, plan_issue_final
from cases.plans.reviews import review_schedule
from ehcp_portal.accounts.models import Role
from ehcp_portal.audit.models import AccessRecord
from tests.cases.plans.conftest import days_ago


@pytest.fixture
def final(plan, caseworker, setting, family):
    plan = plan_issue_draft(plan=plan, actor=caseworker, on=days_ago(20))
    consultation_send(plan=plan, settings=[setting], actor=caseworker, on=days_ago(19))
    return plan_issue_final(plan=plan, actor=caseworker, named_setting=setting)


@pytest.mark.parametrize(
    "name, object_ref",
    [("plans:summary", "Summary"), ("plans:versions", "Versions"), ("plans:preview", "Version")],
)
def test_staff_reads_of_the_plan_are_recorded(client, final, caseworker, name, object_ref):
    assert not AccessRecord.objects.exists()  # building the plan read nothing
    client.force_login(caseworker)
    assert client.get(reverse(name, args=[final.case.reference])).status_code == 200
    record = AccessRecord.objects.get()
    assert (record.kind, record.role, record.route) == ("plan", Role.CASEWORKER, name)
    assert record.object_ref.startswith(object_ref)
    assert record.case_id == final.case_id and record.child_id == final.case.child_id


def test_the_named_settings_read_is_recorded_with_the_setting(client, final, senco, setting):
    client.force_login(senco)
    assert client.get(reverse("plans:setting", args=[final.case.reference])).status_code == 200
    record = AccessRecord.objects.get()
    assert (record.kind, record.organisation) == ("plan", setting.name)


def test_the_familys_read_of_its_plan_is_recorded(client, final, family):
    client.force_login(family)
    assert client.get(reverse("plans:family", args=[final.case.reference])).status_code == 200
    assert AccessRecord.objects.get().user_id == family.pk


def test_a_refused_read_of_the_plan_records_nothing(client, final, user_of_role):
    client.force_login(user_of_role(Role.SCHOOL))  # a school the plan does not name
    assert client.get(reverse("plans:setting", args=[final.case.reference])).status_code == 404
    client.force_login(user_of_role(Role.CASEWORKER))  # another area
    assert client.get(reverse("plans:summary", args=[final.case.reference])).status_code == 404
    assert not AccessRecord.objects.exists()


def test_a_schools_consultation_read_is_recorded_once_not_on_its_answer(
    client, plan, caseworker, setting, senco
):
    plan = plan_issue_draft(plan=plan, actor=caseworker, on=days_ago(3))
    consultation_send(plan=plan, settings=[setting], actor=caseworker)
    consultation = plan.consultations.get()
    client.force_login(senco)
    url = reverse("plans:consultation_respond", args=[consultation.public_id])
    assert client.get(url).status_code == 200
    client.post(url, {"can_meet_needs": "", "reasons": ""})  # an answer, not a read
    record = AccessRecord.objects.get()
    assert (record.role, record.organisation, record.object_ref) == (
        Role.SCHOOL,
        setting.name,
        "Consultation",
    )


def test_reading_a_section_and_a_review_is_recorded(client, final, caseworker):
    review_schedule(plan=final, actor=caseworker)
    review = final.reviews.get()
    client.force_login(caseworker)
    ref = final.case.reference
    assert client.get(reverse("plans:section", args=[ref, "F"])).status_code == 200
    assert client.get(reverse("plans:review_detail", args=[ref, review.pk])).status_code == 200
    section, review_read = AccessRecord.objects.order_by("id")
    assert section.object_ref == "Section F" and section.route == "plans:section"
    assert review_read.object_ref.startswith("Review due ")
