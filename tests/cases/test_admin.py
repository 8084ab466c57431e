"""The council configures itself in the admin: its profile (printed on every decision letter),
areas, teams and settings. Nobody but an administrator reaches those pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cases.models import Area, CouncilProfile, Setting
from ehcp_portal.accounts.models import Role
from tests.factories import SettingFactory, TeamFactory


@pytest.mark.parametrize("model", ["area", "team", "setting", "councilprofile"])
def test_the_administrator_lists_each_configuration_page(admin_client, model):
    TeamFactory()
    SettingFactory()
    CouncilProfile.current()
    assert admin_client.get(reverse(f"admin:cases_{model}_changelist")).status_code == 200


def _school(area: Area, **extra: object) -> dict[str, object]:
    return {
        "name": "Temple Newsam Primary",
        "urn": "107999",
        "setting_type": "primary",
        "phase": "Primary",
        "needs_met": ["ASD", "SLCN"],
        "capacity": "420",
        "places_taken": "400",
        "area": str(area.pk),
        "postcode": "LS15 0AA",
        "resourced_provision": "Autism resource base",
        "resourced_provision_needs": ["ASD"],
        "resourced_provision_places": "12",
        **extra,
    }


def test_the_administrator_adds_a_school_with_the_needs_it_meets(admin_client):
    area = Area.objects.create(name="Outer East", postcode_districts=["LS15"])
    response = admin_client.post(reverse("admin:cases_setting_add"), _school(area))
    assert response.status_code == 302
    school = Setting.objects.get(name="Temple Newsam Primary", area=area)
    assert school.needs_met == ["SLCN", "ASD"]  # SEN2's order, whatever order they were ticked
    assert school.resourced_provision == "Autism resource base"
    assert (school.resourced_provision_needs, school.resourced_provision_places) == (["ASD"], 12)
    listing = admin_client.get(reverse("admin:cases_setting_changelist")).content.decode()
    assert "Speech, language and communication needs, Autistic spectrum disorder" in listing


def test_the_needs_are_checkboxes_in_words(admin_client):
    page = admin_client.get(reverse("admin:cases_setting_add")).content.decode()
    assert 'type="checkbox" name="needs_met" value="SEMH"' in page
    assert "Social, emotional and mental health" in page


def test_a_need_that_is_not_a_sen2_code_is_refused(admin_client):
    area = Area.objects.create(name="Outer East", postcode_districts=["LS15"])
    response = admin_client.post(
        reverse("admin:cases_setting_add"), _school(area, needs_met=["ASD", "XYZ"])
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Setting.objects.exists()


def test_resourced_places_need_the_provision_named(admin_client):
    area = Area.objects.create(name="Outer East", postcode_districts=["LS15"])
    response = admin_client.post(
        reverse("admin:cases_setting_add"), _school(area, resourced_provision="")
    )
    assert response.status_code == 200
    assert "Enter the name of the resourced provision or SEN unit" in response.content.decode()
    assert not Setting.objects.exists()


def test_the_council_profile_is_one_row_that_cannot_be_deleted(admin_client):
    profile = CouncilProfile.current()
    assert admin_client.get(reverse("admin:cases_councilprofile_add")).status_code == 403
    delete = reverse("admin:cases_councilprofile_delete", args=[profile.pk])
    assert admin_client.get(delete).status_code == 403


@pytest.mark.parametrize("role", [r for r in Role if r != Role.ADMIN])
def test_other_roles_do_not_reach_the_configuration(client, user_of_role, role):
    client.force_login(user_of_role(role))
    response = client.get(reverse("admin:cases_councilprofile_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def _profile_post(**extra: object) -> dict[str, object]:
    return {"name": "Leeds City Council", "default_target_caseload": "35", **extra}


def _png() -> bytes:
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (40, 20), "#1d70b8").save(out, format="PNG")
    return out.getvalue()


def test_the_council_uploads_its_logo_and_letters_show_it(admin_client, tmp_path, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    profile = CouncilProfile.current()
    url = reverse("admin:cases_councilprofile_change", args=[profile.pk])
    logo = SimpleUploadedFile("logo.png", _png(), content_type="image/png")
    response = admin_client.post(url, _profile_post(logo=logo))
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.default_target_caseload == 35
    assert profile.logo_data_uri().startswith("data:image/png;base64,")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"%PDF-1.4 not an image", "Upload a valid image"),
        (b"GIF89a" + b"\x00" * 10, "Upload a valid image"),
    ],
)
def test_a_logo_that_is_not_a_png_or_jpeg_is_refused(admin_client, content, message):
    from django.core.files.uploadedfile import SimpleUploadedFile

    profile = CouncilProfile.current()
    url = reverse("admin:cases_councilprofile_change", args=[profile.pk])
    logo = SimpleUploadedFile("logo.png", content, content_type="image/png")
    response = admin_client.post(url, _profile_post(logo=logo))
    assert response.status_code == 200
    assert message in response.content.decode()
    profile.refresh_from_db()
    assert not profile.logo


def test_a_gif_logo_is_refused(admin_client):
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (10, 10)).save(out, format="GIF")
    profile = CouncilProfile.current()
    url = reverse("admin:cases_councilprofile_change", args=[profile.pk])
    logo = SimpleUploadedFile("logo.gif", out.getvalue(), content_type="image/gif")
    response = admin_client.post(url, _profile_post(logo=logo))
    assert response.status_code == 200
    assert "The logo must be a PNG or JPEG image" in response.content.decode()
