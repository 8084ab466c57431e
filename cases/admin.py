from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from cases.models import Area, CouncilProfile, Setting, Team


@admin.register(CouncilProfile)
class CouncilProfileAdmin(admin.ModelAdmin):
    fieldsets = [
        (None, {"fields": ["name", "address", "phone", "email", "website"]}),
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
    autocomplete_fields = ["manager"]


@admin.register(Setting)
class SettingAdmin(admin.ModelAdmin):
    list_display = ["name", "setting_type", "area", "urn"]
    list_filter = ["setting_type", "area"]
    search_fields = ["name", "urn"]
