"""The subject access bundle: what is in it, who may produce and download it."""

from __future__ import annotations

import io
import json
import subprocess
import zipfile
from datetime import timedelta

import pypdf
import pytest
from django.utils import timezone

from cases.models import Case
from ehcp_portal.accounts.models import Role
from ehcp_portal.audit.models import AccessKind, AccessRecord
from ehcp_portal.governance.models import SubjectAccessBundle
from ehcp_portal.governance.retention import retention_run
from ehcp_portal.governance.subject_access import (
    subject_access_bundle_build,
    subject_access_bundle_request,
)
from tests.factories import ChildFactory, UserFactory

REFUSED = [r for r in Role if r != Role.DPO]


def _bundle_for(record, dpo) -> SubjectAccessBundle:
    bundle = SubjectAccessBundle.objects.create(
        child=record.child, requested_by=dpo, expires_at=timezone.now() + timedelta(days=30)
    )
    return subject_access_bundle_build(bundle.pk)


def _zip(bundle) -> zipfile.ZipFile:
    with bundle.file.open("rb") as fh:
        return zipfile.ZipFile(io.BytesIO(fh.read()))


def test_the_bundle_holds_summary_files_and_every_record(record, dpo, tmp_path):
    bundle = _bundle_for(record, dpo)

    assert bundle.status == SubjectAccessBundle.Status.READY
    zf = _zip(bundle)
    names = zf.namelist()
    assert {"summary.pdf", "data.json", "timeline.json", "access-log.json", "README.txt"} <= set(
        names
    )
    ref = record.case.reference
    assert any(n.startswith(f"letters/{ref}/") and "Decision-to-assess" in n for n in names)
    assert any(n.startswith(f"documents/{ref}/") and "Speech-therapy" in n for n in names)
    assert any(n.startswith("documents/requests/") and "School-report" in n for n in names)
    assert bundle.files_included == 3

    data = json.loads(zf.read("data.json"))
    assert data["child"]["first_name"] == "Amelia"
    assert data["family"][0]["name"] == "Sam Okafor"
    assert data["consents"][0]["party"] == "health"
    assert data["requests"][0]["id"] == record.draft.pk
    assert data["cases"][0]["reference"] == ref
    records = data["records"]
    assert records["cases.message"][0]["body"] == "Amelia is anxious"
    assert records["plans.plan"] and records["plans.planversion"][0]["change"] == "First"
    assert records["advice.advicerequest"]
    assert records["notifications.notification"][0]["subject"] == "About Amelia"
    # secrets that guard sign-in never leave
    assert "idempotency_key" not in records["notifications.notification"][0]
    assert data["timeline"][0]["summary"] == "Request received for Amelia Okafor"
    assert data["access_log"][0]["user_name"] == "Casey Worker"
    assert data["people"][str(record.parent.pk)]["name"] == "Sam Okafor"
    assert json.loads(zf.read("timeline.json")) == data["timeline"]

    pdf = tmp_path / "summary.pdf"
    pdf.write_bytes(zf.read("summary.pdf"))
    # tagged (PDF/UA-1) like the plan and letters: headings and tables reach screen readers
    root = pypdf.PdfReader(pdf).trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/Lang"] == "en"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "Information we hold about Amelia Okafor" in text
    assert "Sam Okafor" in text
    assert ref in text
    assert "Who has read the record" in text and "Casey Worker" in text


def test_producing_a_bundle_is_recorded_in_the_access_log(record, dpo):
    bundle = _bundle_for(record, dpo)
    read = AccessRecord.objects.get(kind=AccessKind.SUBJECT_ACCESS)
    assert read.user == dpo
    assert read.child_id == record.child.pk
    assert str(bundle.public_id) in read.object_ref


def test_a_councillors_enquiry_naming_the_child_is_in_the_bundle(record, dpo):
    from cases.members.models import MemberEnquiry

    councillor = UserFactory(role=Role.ELECTED_MEMBER)
    today = timezone.localdate()
    fields = {
        "member": councillor,
        "category": MemberEnquiry._meta.get_field("category").choices[0][0],
        "concern": "Family asked about Amelia's assessment",
        "received_on": today,
        "target_reply_on": today,
        "child_date_of_birth": record.child.date_of_birth,
    }
    MemberEnquiry.objects.create(child_name="amelia okafor", **fields)
    MemberEnquiry.objects.create(child_name="Someone Else", **fields)
    data = json.loads(_zip(_bundle_for(record, dpo)).read("data.json"))
    assert [e["child_name"] for e in data["member_enquiries_not_matched"]] == ["amelia okafor"]

    # and anonymising the child's record removes it with the rest
    from ehcp_portal.governance.models import RetentionRule

    Case.objects.filter(pk=record.case.pk).update(is_open=False)
    RetentionRule.objects.filter(record_type="child_record").update(period_years=0, period_days=1)
    retention_run(dry_run=False)
    assert list(MemberEnquiry.objects.values_list("child_name", flat=True)) == ["Someone Else"]


def test_another_childs_documents_are_not_in_the_bundle(record, dpo):
    from tests.governance.conftest import make_record

    other = make_record()
    names = _zip(_bundle_for(record, dpo)).namelist()
    assert not any(other.case.reference in n for n in names)


def test_a_bundle_built_twice_is_built_once(record, dpo):
    bundle = _bundle_for(record, dpo)
    again = subject_access_bundle_build(bundle.pk)
    assert again.file.name == bundle.file.name
    assert AccessRecord.objects.filter(kind=AccessKind.SUBJECT_ACCESS).count() == 1


def test_asking_for_a_bundle_queues_the_worker_after_commit(
    record, dpo, django_capture_on_commit_callbacks, monkeypatch
):
    queued = []
    from ehcp_portal.governance import tasks

    monkeypatch.setattr(tasks.subject_access_bundle_task, "delay", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        bundle = subject_access_bundle_request(child=record.child, actor=dpo)
    assert queued == [bundle.pk]
    assert bundle.status == SubjectAccessBundle.Status.QUEUED
    assert bundle.expires_at > timezone.now() + timedelta(days=29)


# -- pages ------------------------------------------------------------------------------------


def test_the_dpo_finds_a_child_by_name_reference_or_date_of_birth(
    client, record, dpo, django_assert_max_num_queries
):
    ChildFactory(first_name="Zed", last_name="Other")
    client.force_login(dpo)
    by_name = client.get("/governance/subject-access/", {"q": "amelia oka"})
    assert "Amelia Okafor" in by_name.content.decode()
    assert "Zed Other" not in by_name.content.decode()
    by_ref = client.get("/governance/subject-access/", {"q": record.case.reference.lower()})
    assert "Amelia Okafor" in by_ref.content.decode()
    dob = record.child.date_of_birth
    with django_assert_max_num_queries(8):
        by_dob = client.get(
            "/governance/subject-access/",
            {"date_of_birth_0": dob.day, "date_of_birth_1": dob.month, "date_of_birth_2": dob.year},
        )
    assert "Amelia Okafor" in by_dob.content.decode()


def test_an_empty_or_impossible_search_is_a_govuk_error_keeping_what_was_typed(client, dpo):
    client.force_login(dpo)
    empty = client.get("/governance/subject-access/", {"q": ""}).content.decode()
    assert "There is a problem" in empty
    assert "Enter a name, a case reference or a date of birth" in empty
    bad = client.get(
        "/governance/subject-access/",
        {
            "q": "Amelia\x00",
            "date_of_birth_0": "31",
            "date_of_birth_1": "2",
            "date_of_birth_2": "99999",
        },
    )
    assert bad.status_code == 200
    page = bad.content.decode()
    assert "There is a problem" in page
    assert 'value="99999"' in page


def test_the_dpo_produces_follows_and_downloads_a_bundle(client, record, dpo, monkeypatch):
    from ehcp_portal.governance import tasks

    monkeypatch.setattr(tasks.subject_access_bundle_task, "delay", lambda pk: None)
    client.force_login(dpo)
    response = client.post(f"/governance/subject-access/children/{record.child.pk}/")
    bundle = SubjectAccessBundle.objects.get()
    assert response.url == f"/governance/subject-access/bundles/{bundle.public_id}/"
    page = client.get(response.url).content.decode()
    assert "Waiting to start" in page and "Download" not in page
    status = client.get(f"{response.url}status/").json()
    assert status == {
        "status": "queued",
        "status_label": "Waiting to start",
        "progress": 0,
        "step": "Waiting for the worker",
        "ready": False,
    }
    assert client.get(f"{response.url}download/").status_code == 404

    subject_access_bundle_build(bundle.pk)
    assert client.get(f"{response.url}status/").json()["ready"] is True
    assert "Download the bundle" in client.get(response.url).content.decode()
    download = client.get(f"{response.url}download/")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert "no-store" in download["Cache-Control"]
    assert zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))).testzip() is None


def test_an_expired_bundle_cannot_be_downloaded(client, record, dpo):
    bundle = _bundle_for(record, dpo)
    SubjectAccessBundle.objects.filter(pk=bundle.pk).update(expires_at=timezone.now())
    client.force_login(dpo)
    assert (
        client.get(f"/governance/subject-access/bundles/{bundle.public_id}/download/").status_code
        == 404
    )


@pytest.mark.parametrize("role", REFUSED)
def test_every_other_role_gets_404_from_every_subject_access_page(
    client, user_of_role, record, dpo, role
):
    bundle = _bundle_for(record, dpo)
    client.force_login(user_of_role(role, is_staff=role == Role.ADMIN))
    base = f"/governance/subject-access/bundles/{bundle.public_id}/"
    assert client.get("/governance/subject-access/", {"q": "Amelia"}).status_code == 404
    assert client.post(f"/governance/subject-access/children/{record.child.pk}/").status_code == 404
    assert client.get(base).status_code == 404
    assert client.get(f"{base}download/").status_code == 404
    status = client.get(f"{base}status/")
    assert status.status_code == 404 and status.json() == {"error": "Not found"}
    assert SubjectAccessBundle.objects.count() == 1


def test_signed_out_visitors_are_sent_to_sign_in(client, record, dpo):
    bundle = _bundle_for(record, dpo)
    response = client.get(f"/governance/subject-access/bundles/{bundle.public_id}/download/")
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_the_dpo_has_a_home_and_the_navigation(client, dpo):
    client.force_login(dpo)
    # The home is the access log once that is merged, subject access until then: either way a
    # page the officer can open.
    assert client.get("/home/", follow=True).status_code == 200
    page = client.get("/governance/subject-access/").content.decode()
    assert 'href="/governance/subject-access/"' in page
    assert 'href="/governance/retention/"' in page
