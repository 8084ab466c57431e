"""Admin screens: rules, weights and caseworker profiles change without a deploy."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin

from cases.assignment import rules
from cases.assignment.models import (
    AssignmentDecision,
    AssignmentRule,
    CaseworkerProfile,
    CohortImport,
    PriorityIndicator,
)
from ehcp_portal.admin_forms import LabelledListEditableMixin


class CaseworkerProfileForm(forms.ModelForm):
    specialisms = forms.MultipleChoiceField(
        choices=list(rules.SPECIALISMS.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    languages = forms.CharField(
        required=False,
        help_text="Languages spoken besides English, separated by commas (e.g. Urdu, Polish).",
    )

    class Meta:
        model = CaseworkerProfile
        fields = [
            "user",
            "fte",
            "target_caseload",
            "specialisms",
            "languages",
            "taking_new_cases",
            "not_taking_reason",
            "not_taking_note",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and isinstance(self.instance.languages, list):
            self.initial["languages"] = ", ".join(self.instance.languages)

    def clean_languages(self) -> list[str]:
        text = self.cleaned_data.get("languages") or ""
        return [p.strip() for p in text.replace("\x00", "").split(",") if p.strip()]


@admin.register(CaseworkerProfile)
class CaseworkerProfileAdmin(admin.ModelAdmin):
    form = CaseworkerProfileForm
    list_display = ["user", "fte", "target_caseload", "capacity", "taking_new_cases"]
    list_filter = ["taking_new_cases", "user__team__area"]
    search_fields = ["user__full_name", "user__email"]
    autocomplete_fields = ["user"]
    list_select_related = ["user"]


@admin.register(AssignmentRule)
class AssignmentRuleAdmin(LabelledListEditableMixin, admin.ModelAdmin):
    list_display = ["key", "weight", "enabled", "hard"]
    list_editable = ["weight", "enabled", "hard"]


@admin.register(PriorityIndicator)
class PriorityIndicatorAdmin(LabelledListEditableMixin, admin.ModelAdmin):
    list_display = ["key", "weight", "enabled"]
    list_editable = ["weight", "enabled"]


@admin.register(AssignmentDecision)
class AssignmentDecisionAdmin(admin.ModelAdmin):
    list_display = ["case", "kind", "caseworker", "total", "decided_by", "created_at"]
    list_filter = ["kind"]
    search_fields = ["case__reference"]
    raw_id_fields = ["case", "caseworker", "previous_caseworker", "decided_by"]
    list_select_related = ["case", "caseworker", "decided_by"]

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False  # a decision is a record of what happened


@admin.register(CohortImport)
class CohortImportAdmin(admin.ModelAdmin):
    list_display = ["filename", "uploaded_by", "created_at", "created_count", "rejected_count"]
    exclude = ["report"]

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False
