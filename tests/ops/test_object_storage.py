"""Private files in an S3-compatible object store (issue 21): the same upload checks, the same
access policy on every download, never a bucket URL, and no file ever replacing another.

The store is moto's server on loopback, reached over HTTP by boto3 through django-storages, so
these tests exercise the same code a council's bucket would.
"""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from cases.letters import decision_letter_create
from cases.models import CouncilProfile, Message
from ehcp_portal.audit.models import AccessRecord
from ehcp_portal.storage import object_storage
from tests.factories import CaseFactory, family_for
from tests.families.helpers import EXE_BYTES, PDF_BYTES
from tests.objectstore import ACCESS_KEY, REGION, SECRET_KEY

pytestmark = pytest.mark.django_db


def _download(client, document) -> tuple[int, bytes, dict[str, str]]:
    response = client.get(reverse("cases:document_download", args=[document.public_id]))
    body = b"".join(response.streaming_content) if response.status_code == 200 else b""
    return response.status_code, body, dict(response.headers)


def test_a_family_upload_is_kept_in_the_bucket_and_downloaded_through_the_portal(
    client, case, parent, in_bucket
):
    client.force_login(parent)
    response = client.post(
        reverse("families:track_message_send", args=[case.reference]),
        {"body": "The speech therapy report", "attachment": SimpleUploadedFile("r.pdf", PDF_BYTES)},
    )
    assert response.status_code == 302
    document = Message.objects.get(case=case).attachment
    name = document.file.name
    # In the bucket, under a random name; not on this machine's disk.
    assert in_bucket.object_names() == [name]
    assert in_bucket.read(name) == PDF_BYTES
    assert not (settings.VAR_DIR / "test-private" / name).exists()

    status, body, headers = _download(client, document)
    assert status == 200
    assert body == PDF_BYTES
    assert headers["Content-Disposition"].startswith("attachment;")
    assert headers["Cache-Control"] == "private, no-store"
    assert in_bucket.bucket not in repr(headers)  # streamed by the portal, never a bucket URL
    assert AccessRecord.objects.filter(user=parent, case_id=case.pk, kind="document").exists()


def test_a_family_of_another_case_cannot_learn_the_document_exists(client, case, parent, in_bucket):
    client.force_login(parent)
    client.post(
        reverse("families:track_message_send", args=[case.reference]),
        {"body": "Report", "attachment": SimpleUploadedFile("r.pdf", PDF_BYTES)},
    )
    document = Message.objects.get(case=case).attachment
    stranger = family_for(CaseFactory())
    client.force_login(stranger)
    assert _download(client, document)[0] == 404
    client.logout()
    assert _download(client, document)[0] == 302  # to the sign-in page


def test_the_upload_checks_still_refuse_a_file_before_it_reaches_the_bucket(
    client, case, parent, in_bucket
):
    client.force_login(parent)
    response = client.post(
        reverse("families:track_message_send", args=[case.reference]),
        {"body": "See attached", "attachment": SimpleUploadedFile("x.pdf", EXE_BYTES)},
    )
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert in_bucket.object_names() == []


def test_a_document_missing_from_the_bucket_is_not_found_not_a_server_error(
    client, case, parent, in_bucket
):
    client.force_login(parent)
    client.post(
        reverse("families:track_message_send", args=[case.reference]),
        {"body": "Report", "attachment": SimpleUploadedFile("r.pdf", PDF_BYTES)},
    )
    document = Message.objects.get(case=case).attachment
    in_bucket.client().delete_object(Bucket=in_bucket.bucket, Key=document.file.name)
    assert _download(client, document)[0] == 404


def test_two_letters_of_the_same_name_are_two_files_with_the_councils_logo(case, in_bucket):
    png = BytesIO()
    Image.new("RGB", (40, 20), "#1d70b8").save(png, format="PNG")
    profile = CouncilProfile.current()
    profile.logo.save("logo.png", ContentFile(png.getvalue()))
    assert profile.logo.name in in_bucket.object_names()
    assert profile.logo_data_uri().startswith("data:image/png;base64,")  # read from the bucket

    # The same decision recorded twice on one day makes two letters with one file name.
    first, second = (
        decision_letter_create(
            case=case, letter="agree_to_assess", decision_on=date(2026, 3, 2), reasons="Needs"
        ).document
        for _ in range(2)
    )
    assert first.file.name != second.file.name
    assert {first.file.name, second.file.name} <= set(in_bucket.object_names())
    for letter in (first, second):
        assert in_bucket.read(letter.file.name).startswith(b"%PDF")


def _store_down(settings) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": object_storage(
            bucket="ehcp-private",
            endpoint_url="http://127.0.0.1:1",  # nothing listens on port 1
            region=REGION,
            access_key_id=ACCESS_KEY,
            secret_access_key=SECRET_KEY,
        ),
    }


def test_an_upload_while_the_store_is_down_says_so_and_saves_nothing(
    client, case, parent, settings
):
    _store_down(settings)
    client.force_login(parent)
    response = client.post(
        reverse("families:track_message_send", args=[case.reference]),
        {"body": "The report", "attachment": SimpleUploadedFile("r.pdf", PDF_BYTES)},
    )
    assert response.status_code == 503
    assert "Sorry, the service is unavailable" in response.content.decode()
    assert response["Retry-After"] == "60"
    assert not Message.objects.filter(case=case).exists()


def test_a_download_while_the_store_is_down_is_unavailable_not_a_server_error(
    client, case, parent, in_bucket, settings
):
    client.force_login(parent)
    client.post(
        reverse("families:track_message_send", args=[case.reference]),
        {"body": "Report", "attachment": SimpleUploadedFile("r.pdf", PDF_BYTES)},
    )
    document = Message.objects.get(case=case).attachment
    _store_down(settings)
    response = client.get(reverse("cases:document_download", args=[document.public_id]))
    assert response.status_code == 503
    assert "Try again in a few minutes" in response.content.decode()


def test_only_an_outage_of_the_store_is_unavailable():
    from botocore.exceptions import ClientError, EndpointConnectionError, NoCredentialsError

    from ehcp_portal.storage import storage_unavailable

    def client_error(status: int) -> ClientError:
        return ClientError({"ResponseMetadata": {"HTTPStatusCode": status}}, "GetObject")

    assert storage_unavailable(EndpointConnectionError(endpoint_url="http://127.0.0.1:1"))
    assert storage_unavailable(client_error(503))
    # A misconfigured deployment or a refused request stays a server error to fix.
    assert not storage_unavailable(client_error(403))
    assert not storage_unavailable(NoCredentialsError())
    assert not storage_unavailable(ValueError("not the store"))
