from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest

from cases.models import Area, CouncilProfile, SenNeed, Setting, Team

LOGO_MAX_BYTES = 1024 * 1024
LOGO_FORMATS = {"PNG", "JPEG"}


class CouncilProfileForm(forms.ModelForm):
    class Meta:
        model = CouncilProfile
        fields = ["logo"]  # the admin's fieldsets choose the rest

    def clean_logo(self) -> Any:
        # ImageField has already opened the file with Pillow (so it is a real image); the
        # letters embed it, so keep it small and in a format every PDF reader shows.
        logo = self.cleaned_data.get("logo")
        if isinstance(logo, UploadedFile):
            if logo.size and logo.size > LOGO_MAX_BYTES:
                raise ValidationError("The logo must be smaller than 1 MB")
            image = getattr(logo, "image", None)
            if image is None or image.format not in LOGO_FORMATS:
                raise ValidationError("The logo must be a PNG or JPEG image")
        return logo


@admin.register(CouncilProfile)
class CouncilProfileAdmin(admin.ModelAdmin):
    form = CouncilProfileForm
    fieldsets = [
        (None, {"fields": ["name", "logo", "address", "phone", "email", "website"]}),
        ("Caseworkers", {"fields": ["default_target_caseload"]}),
        (
            "Independent mediation adviser",
            {
                "fields": [
                    "mediation_adviser_name",
                    "mediation_adviser_phone",
                    "mediation_adviser_email",
                    "mediation_adviser_website",
                ]
            },
        ),
        (
            "SEND information, advice and support service (SENDIASS)",
            {"fields": ["sendiass_name", "sendiass_phone", "sendiass_email", "sendiass_website"]},
        ),
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not CouncilProfile.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["name", "postcode_districts"]
    search_fields = ["name"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "area", "manager"]
    list_filter = ["area"]
    search_fields = ["name"]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        # A plain select of the team managers (a handful) instead of the autocomplete widget,
        # whose combobox has no accessible name (axe: aria-input-field-name).
        if db_field.name == "manager":
            from ehcp_portal.accounts.models import Role, User

            kwargs["queryset"] = User.objects.filter(
                role=Role.TEAM_MANAGER, is_active=True
            ).order_by("full_name")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class SettingForm(forms.ModelForm):
    """Needs as a list of checkboxes in words (the model keeps SEN2 codes)."""

    needs_met = forms.MultipleChoiceField(
        choices=SenNeed.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Needs the setting meets",
    )
    resourced_provision_needs = forms.MultipleChoiceField(
        choices=SenNeed.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Needs the resourced provision is for",
    )

    class Meta:
        model = Setting
        fields = ["needs_met", "resourced_provision_needs"]  # the admin's fieldsets add the rest

    @staticmethod
    def _in_sen2_order(codes: list[str]) -> list[str]:
        return [code for code in SenNeed.values if code in codes]

    def clean_needs_met(self) -> list[str]:
        return self._in_sen2_order(self.cleaned_data.get("needs_met") or [])

    def clean_resourced_provision_needs(self) -> list[str]:
        return self._in_sen2_order(self.cleaned_data.get("resourced_provision_needs") or [])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("resourced_provision_places") and not data.get("resourced_provision"):
            self.add_error(
                "resourced_provision", "Enter the name of the resourced provision or SEN unit"
            )
        return data


@admin.register(Setting)
class SettingAdmin(admin.ModelAdmin):
    form = SettingForm
    list_display = ["name", "setting_type", "area", "urn", "needs_in_words"]
    list_filter = ["setting_type", "area"]
    search_fields = ["name", "urn"]
    fieldsets = [
        (None, {"fields": ["name", "urn", "setting_type", "phase", "area", "postcode", "email"]}),
        ("Needs and places", {"fields": ["needs_met", "capacity", "places_taken"]}),
        (
            "Resourced provision or SEN unit",
            {
                "fields": [
                    "resourced_provision",
                    "resourced_provision_needs",
                    "resourced_provision_places",
                ]
            },
        ),
    ]

    @admin.display(description="Needs met")
    def needs_in_words(self, obj: Setting) -> str:
        return ", ".join(obj.needs_met_in_words())
