"""The head of service's SEN2 page and download, and the details page each problem links to:
who may use them, and that anyone else meets a 404."""

from __future__ import annotations

import io
import uuid
import xml.etree.ElementTree as ET

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from cases.models import Stage
from cases.sen2.models import Sen2Return
from cases.sen2.records import sen2_header, sen2_persons
from cases.sen2.services import sen2_return_build
from cases.sen2.xml import sen2_write
from ehcp_portal.accounts.models import Role
from ehcp_portal.audit.models import AccessRecord
from tests.factories import UserFactory, family_for
from tests.sen2.caseload import R, build_caseload

pytestmark = pytest.mark.django_db

DATE = {"reference_date_0": "15", "reference_date_1": "1", "reference_date_2": "2026"}
NOT_HEAD = [r for r in Role if r != Role.HEAD_OF_SERVICE]


def _prepare(client) -> Sen2Return:
    """Ask for the return as the head of service does, then do the worker's part."""
    response = client.post(reverse("sen2:report"), DATE)
    assert response.status_code == 302
    prepared = Sen2Return.objects.get()
    assert prepared.status == Sen2Return.Status.QUEUED
    sen2_return_build(return_id=prepared.pk)
    prepared.refresh_from_db()
    return prepared


def test_the_head_of_service_prepares_the_return_and_sees_a_link_to_fix_each_problem(
    client, django_assert_max_num_queries
):
    load = build_caseload()
    child = load.children["Refused"]
    child.upn = "C201567815001"  # one letter off
    child.save()
    client.force_login(UserFactory(role=Role.HEAD_OF_SERVICE))
    page = client.get(reverse("sen2:report"), DATE).content.decode()
    assert 'id="sen2-total">9<' in page  # counted live, before anything is prepared
    assert "Prepare the return" in page and "sen2-problems" not in page
    prepared = _prepare(client)
    assert prepared.status == Sen2Return.Status.READY
    with django_assert_max_num_queries(12):  # reads what the worker stored: no recount
        page = client.get(reverse("sen2:report"), DATE).content.decode()
    assert 'id="sen2-problem-count">1<' in page
    assert "The UPN C201567815001 is not valid" in page
    reference = load.cases["not_assessing"].reference
    assert f'href="/sen2/cases/{reference}/#child"' in page
    assert "Download the SEN2 file (XML" in page


def test_asking_twice_while_it_is_being_prepared_queues_it_once(client):
    client.force_login(UserFactory(role=Role.HEAD_OF_SERVICE))
    client.post(reverse("sen2:report"), DATE)
    client.post(reverse("sen2:report"), DATE)
    assert Sen2Return.objects.count() == 1
    page = client.get(reverse("sen2:report"), DATE).content.decode()
    assert 'id="sen2-pending"' in page and "Prepare the return" not in page
    prepared = Sen2Return.objects.get()
    sen2_return_build(return_id=prepared.pk)
    sen2_return_build(return_id=prepared.pk)  # a redelivered task does nothing more
    prepared.refresh_from_db()
    assert prepared.status == Sen2Return.Status.READY


def test_the_report_opens_on_the_last_census_date_and_refuses_a_future_one(client):
    client.force_login(UserFactory(role=Role.HEAD_OF_SERVICE))
    page = client.get(reverse("sen2:report")).content.decode()
    assert "Who is in the return" in page
    future = {**DATE, "reference_date_2": "2099"}
    for response in (
        client.get(reverse("sen2:report"), future),
        client.post(reverse("sen2:report"), future),
    ):
        page = response.content.decode()
        assert "govuk-error-summary" in page
        assert "The reference date must be today or in the past" in page
        assert 'value="2099"' in page  # what was typed is kept
    assert not Sen2Return.objects.exists()


def test_the_download_is_an_attachment_of_the_whole_return(client):
    build_caseload()
    client.force_login(UserFactory(role=Role.HEAD_OF_SERVICE))
    prepared = _prepare(client)
    response = client.get(reverse("sen2:download", args=[prepared.public_id]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="SEN2-2026-01-15.xml"'
    body = b"".join(response.streaming_content)
    root = ET.fromstring(body)
    assert len(root.findall("Persons/Person")) == 8
    assert root.findtext("Header/CollectionDetails/ReferenceDate") == R.isoformat()
    # The same bytes as the command writes.
    out = io.StringIO()
    sen2_write(out, sen2_header(R), sen2_persons(R))
    assert body.decode("utf-8") == out.getvalue() and prepared.size == len(body)


def test_a_download_of_an_unknown_or_unready_return_is_a_404(client):
    client.force_login(UserFactory(role=Role.HEAD_OF_SERVICE))
    client.post(reverse("sen2:report"), DATE)
    queued = Sen2Return.objects.get()
    assert client.get(reverse("sen2:download", args=[queued.public_id])).status_code == 404
    assert client.get(reverse("sen2:download", args=[uuid.uuid4()])).status_code == 404


@pytest.mark.parametrize("role", NOT_HEAD)
def test_every_other_role_gets_a_404_for_the_report_and_the_download(client, user_of_role, role):
    prepared = Sen2Return.objects.create(reference_date=R, status=Sen2Return.Status.READY)
    prepared.file.save("x.xml", ContentFile(b"<Message/>"))
    client.force_login(user_of_role(role))
    assert client.get(reverse("sen2:report"), DATE).status_code == 404
    assert client.post(reverse("sen2:report"), DATE).status_code == 404
    assert client.get(reverse("sen2:download", args=[prepared.public_id])).status_code == 404
    assert Sen2Return.objects.count() == 1  # nothing was queued


def test_signed_out_visitors_are_sent_to_sign_in(client, db):
    prepared = Sen2Return.objects.create(reference_date=R, status=Sen2Return.Status.READY)
    for url in (reverse("sen2:report"), reverse("sen2:download", args=[prepared.public_id])):
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
    assert "<title>Error: " in page and "govuk-error-summary" in page
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


def test_a_placement_is_recorded_by_its_urn(
    client, caseworker, team, django_assert_max_num_queries
):
    load = build_caseload()
    active = load.cases["historic"]
    active.team, active.caseworker = team, caseworker
    active.save()
    client.force_login(caseworker)
    url = reverse("sen2:details", args=[active.reference])
    with django_assert_max_num_queries(15):  # a fixed number: the case, plan, placement, log
        assert client.get(url).status_code == 200
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
