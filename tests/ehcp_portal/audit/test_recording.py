"""Every read of a child's record writes one access record naming who, in what role and for
which organisation, what was read, through which route, and when; a refused request writes
nothing."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from cases.models import Document
from ehcp_portal.accounts.models import Role
from ehcp_portal.audit.models import AccessRecord
from tests.factories import AdviceRequestFactory, CaseFactory, TeamFactory, UserFactory, family_for


def _only_record() -> AccessRecord:
    records = list(AccessRecord.objects.all())
    assert len(records) == 1, records
    return records[0]


def test_the_case_page_records_the_caseworkers_read(client, case, caseworker):
    client.force_login(caseworker)
    assert client.get(reverse("casework:case_detail", args=[case.reference])).status_code == 200
    record = _only_record()
    assert record.user_id == caseworker.pk
    assert record.user_name == caseworker.get_full_name()
    assert record.role == Role.CASEWORKER
    assert record.organisation == caseworker.team.name
    assert (record.child_id, record.case_id, record.case_reference) == (
        case.child_id,
        case.pk,
        case.reference,
    )
    assert record.kind == "case" and record.channel == "web"
    assert record.route == "casework:case_detail"
    assert record.path == f"/cases/{case.reference}/"


def test_a_refused_read_is_not_recorded(client, case, user_of_role):
    client.force_login(user_of_role(Role.CASEWORKER))  # a caseworker of another area
    assert client.get(reverse("casework:case_detail", args=[case.reference])).status_code == 404
    assert client.get(reverse("integrations:case_detail", args=[case.reference])).status_code == 404
    assert not AccessRecord.objects.exists()


def test_the_family_reading_its_tracker_is_recorded(client, case):
    parent = family_for(case)
    client.force_login(parent)
    assert client.get(reverse("families:track", args=[case.reference])).status_code == 200
    record = _only_record()
    assert (record.user_id, record.role, record.kind) == (parent.pk, Role.PARENT, "tracker")
    assert record.route == "families:track"


def test_the_api_detail_is_recorded_as_the_api_channel(client, case, caseworker):
    client.force_login(caseworker)
    assert client.get(reverse("integrations:case_detail", args=[case.reference])).status_code == 200
    record = _only_record()
    assert (record.kind, record.channel, record.route) == ("api", "api", "integrations:case_detail")
    assert record.case_reference == case.reference


def test_the_api_list_records_one_read_per_case_it_shows(client, case, caseworker):
    # The API's case list names each child, so each case on the page is a read of its record.
    client.force_login(caseworker)
    assert client.get(reverse("integrations:case_list")).status_code == 200
    record = _only_record()
    assert (record.case_reference, record.channel) == (case.reference, "api")


@pytest.mark.django_db(transaction=True)
def test_a_page_of_cases_is_recorded_in_one_insert_naming_each_case(
    case, caseworker, django_assert_num_queries
):
    """The API's list writes its page's reads as one statement, outside any transaction, each
    with the reader's organisation worked out in it as for one read."""
    from django.db import connection

    from ehcp_portal.audit.services import access_records_many

    other = CaseFactory(team=case.team, caseworker=caseworker)
    reader = type(caseworker).objects.get(pk=caseworker.pk)  # team not loaded
    assert not connection.in_atomic_block
    with django_assert_num_queries(1):
        access_records_many(reader, cases=[case, other], kind="api", channel="api")
    records = {r.case_reference: r for r in AccessRecord.objects.all()}
    assert set(records) == {case.reference, other.reference}
    for read in (case, other):
        record = records[read.reference]
        assert (record.case_id, record.child_id) == (read.pk, read.child_id)
        assert (record.user_id, record.user_name, record.role) == (
            caseworker.pk,
            caseworker.get_full_name(),
            caseworker.role,
        )
        assert (record.organisation, record.kind, record.channel) == (case.team.name, "api", "api")


def test_a_document_download_names_the_document(
    client, case, caseworker, django_assert_num_queries
):
    document = Document(
        case=case, kind=Document.Kind.ADVICE, title="Speech and language advice", content_type=""
    )
    document.file.save("advice.txt", ContentFile(b"advice"), save=True)
    client.force_login(caseworker)
    # session, user, the document with its case (access rule), the access log's INSERT
    with django_assert_num_queries(4):
        response = client.get(reverse("cases:document_download", args=[document.public_id]))
    assert response.status_code == 200
    record = _only_record()
    assert (record.kind, record.object_ref) == ("document", "Speech and language advice")
    assert record.case_reference == case.reference and record.child_id == case.child_id


def test_the_advice_giver_reading_the_request_is_recorded_with_their_service(client, db):
    giver = UserFactory(role=Role.ADVICE_GIVER, organisation="Children's therapy service")
    advice_request = AdviceRequestFactory(addressee=giver)
    client.force_login(giver)
    url = reverse("advice:detail", args=[advice_request.public_id])
    assert client.get(url).status_code == 200
    record = _only_record()
    assert (record.kind, record.role) == ("advice", Role.ADVICE_GIVER)
    assert record.object_ref == "Educational psychologist"
    assert record.organisation == "Children's therapy service"
    assert record.case_id == advice_request.case_id


@pytest.mark.parametrize("role", [Role.SCHOOL, Role.ELECTED_MEMBER, Role.PANEL_MEMBER])
def test_roles_without_access_record_nothing(client, role, user_of_role):
    case = CaseFactory(team=TeamFactory())
    client.force_login(user_of_role(role))
    for url in (
        reverse("casework:case_detail", args=[case.reference]),
        reverse("families:track", args=[case.reference]),
        reverse("members:case", args=[case.reference]),
        reverse("plans:summary", args=[case.reference]),
    ):
        assert client.get(url).status_code == 404, url
    assert not AccessRecord.objects.exists()
