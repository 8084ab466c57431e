"""The head of service's SEN2 page and download, and the details page each problem links to:
who may use them, and that anyone else meets a 404."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases.models import Stage
from ehcp_portal.accounts.models import Role
from ehcp_portal.audit.models import AccessRecord
from tests.factories import UserFactory, family_for
from tests.sen2.caseload import R, build_caseload

pytestmark = pytest.mark.django_db

DATE = {"reference_date_0": "15", "reference_date_1": "1", "reference_date_2": "2026"}
NOT_HEAD = [r for r in Role if r != Role.HEAD_OF_SERVICE]


def test_the_head_of_service_sees_the_report_with_a_link_to_fix_each_problem(
    client, django_assert_max_num_queries
):
    load = build_caseload()
    child = load.children["Refused"]
    child.upn = "C201567815001"  # one letter off
    child.save()
    client.force_login(UserFactory(role=Role.HEAD_OF_SERVICE))
    # A fixed number of queries whatever the caseload (chunks of 2,000 children).
    with django_assert_max_num_queries(20):
        page = client.get(reverse("sen2:report"), DATE).content.decode()
    assert 'id="sen2-total">9<' in page
    assert 'id="sen2-problem-count">1<' in page
    assert "The UPN C201567815001 is not valid" in page
    reference = load.cases["not_assessing"].reference
    assert f'href="/sen2/cases/{reference}/#child"' in page
    assert "Download the SEN2 file (XML)" in page


def test_the_report_opens_on_the_last_census_date_and_refuses_a_future_one(client):
    client.force_login(UserFactory(role=Role.HEAD_OF_SERVICE))
    page = client.get(reverse("sen2:report")).content.decode()
    assert "Who is in the return" in page
    future = {**DATE, "reference_date_2": "2099"}
    page = client.get(reverse("sen2:report"), future).content.decode()
    assert "govuk-error-summary" in page
    assert "The reference date must be today or in the past" in page
    assert 'value="2099"' in page  # what was typed is kept


def test_the_download_is_an_attachment_of_the_whole_return(client):
    build_caseload()
    client.force_login(UserFactory(role=Role.HEAD_OF_SERVICE))
    response = client.get(reverse("sen2:download"), DATE)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="SEN2-2026-01-15.xml"'
    root = ET.fromstring(b"".join(response.streaming_content))
    assert len(root.findall("Persons/Person")) == 8
    assert root.findtext("Header/CollectionDetails/ReferenceDate") == R.isoformat()


def test_a_download_without_a_valid_date_is_a_400_not_a_500(db):
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory(role=Role.HEAD_OF_SERVICE))
    assert client.get(reverse("sen2:download"), {"reference_date_0": "x"}).status_code == 400


@pytest.mark.parametrize("role", NOT_HEAD)
def test_every_other_role_gets_a_404_for_the_report_and_the_download(client, user_of_role, role):
    client.force_login(user_of_role(role))
    assert client.get(reverse("sen2:report"), DATE).status_code == 404
    assert client.get(reverse("sen2:download"), DATE).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client):
    for url in (reverse("sen2:report"), reverse("sen2:download")):
        response = client.get(url, DATE)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# -- the details page --------------------------------------------------------------------------


def test_the_caseworker_corrects_a_childs_upn_and_the_request_source(client, case, caseworker):
    client.force_login(caseworker)
    url = reverse("sen2:details", args=[case.reference])
    posted = {
        "child-sex": "M",
        "child-ethnicity": "WENG",
        "child-upn": "C201567815001",
        "child-uln": "",
        "request-request_source": "3",
    }
    page = client.post(url, posted).content.decode()
    assert "govuk-error-summary" in page
    assert 'href="#id_child-upn"' in page
    assert "check letter does not match" in page
    assert 'value="C201567815001"' in page  # what was typed is kept
    case.child.refresh_from_db()
    assert case.child.upn == ""
    response = client.post(url, {**posted, "child-upn": "b201567815001"})
    assert response.status_code == 302
    case.child.refresh_from_db()
    case.refresh_from_db()
    assert (case.child.upn, case.child.sex, case.child.ethnicity) == ("B201567815001", "M", "WENG")
    assert case.request_source == "3"
    event = case.events.get(kind="sen2_details")
    assert event.actor == caseworker and "upn" in event.data["changed"]
    # Each view of the child's details is in the access log the family can read.
    assert AccessRecord.objects.filter(user=caseworker, case_id=case.pk).count() == 2


def test_a_placement_is_recorded_by_its_urn(client, caseworker, team):
    load = build_caseload()
    active = load.cases["historic"]
    active.team, active.caseworker = team, caseworker
    active.save()
    client.force_login(caseworker)
    url = reverse("sen2:details", args=[active.reference])
    posted = {
        "child-sex": "F",
        "child-ethnicity": "WBRI",
        "child-upn": "B201567815001",
        "request-request_source": "1",
        "placement-setting_number": "999999",
        "placement-entry_date_0": "1",
        "placement-entry_date_1": "9",
        "placement-entry_date_2": "2025",
    }
    page = client.post(url, posted).content.decode()
    assert "No school or setting has that URN or UKPRN" in page
    assert client.post(url, {**posted, "placement-setting_number": "123456"}).status_code == 302
    placement = active.placements.get()
    assert placement.setting.urn == "123456" and placement.sen_setting == ""


def test_the_head_of_service_reads_the_details_but_cannot_change_them(client, case):
    hos = UserFactory(role=Role.HEAD_OF_SERVICE)
    client.force_login(hos)
    url = reverse("sen2:details", args=[case.reference])
    page = client.get(url).content.decode()
    assert "can change them" in page and ">Save<" not in page
    client.post(url, {"child-sex": "M", "child-ethnicity": "WBRI", "request-request_source": "1"})
    case.child.refresh_from_db()
    assert case.child.sex == ""


@pytest.mark.parametrize(
    "role",
    [r for r in Role if r not in (Role.HEAD_OF_SERVICE, Role.ADMIN)],
)
def test_the_details_page_is_a_404_for_anyone_not_on_the_case(client, case, user_of_role, role):
    # Staff are in a team of another area; families, schools and others have no link.
    client.force_login(user_of_role(role))
    url = reverse("sen2:details", args=[case.reference])
    assert client.get(url).status_code == 404
    assert client.post(url, {"child-sex": "M"}).status_code == 404


def test_the_childs_own_family_gets_a_404_too(client, case):
    client.force_login(family_for(case))
    assert client.get(reverse("sen2:details", args=[case.reference])).status_code == 404


def test_ceasing_from_the_case_page_asks_why_for_sen2(client, case, caseworker):
    case.stage = Stage.MAINTAINED
    case.final_issued_on = case.received_on
    case.save()
    client.force_login(caseworker)
    today = timezone.localdate()
    url = reverse("casework:case_action", args=[case.reference])
    posted = {
        "action": "cease",
        "on_0": today.day,
        "on_1": today.month,
        "on_2": today.year,
        "reasons": "Moving to university in September.",
    }
    page = client.post(url, posted).content.decode()
    assert "govuk-error-summary" in page and "Select why the plan is ceasing" in page
    case.refresh_from_db()
    assert case.stage == Stage.MAINTAINED
    assert client.post(url, {**posted, "cease_reason": "3"}).status_code == 302
    case.refresh_from_db()
    assert (case.stage, case.cease_reason) == (Stage.CEASED, "3")
