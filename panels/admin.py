"""Configuration of panels for administrators: panel types, funding bands and meetings.

Decisions are read-only here: they are recorded (and versioned) through the panel pages so the
case moves on and the family gets their letter.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin

from cases.models import Stage
from ehcp_portal.accounts.models import Discipline
from panels.models import (
    DECISION_FIELDS,
    AgendaItem,
    Decision,
    FundingBand,
    Meeting,
    MeetingMember,
    PanelPaper,
    PanelType,
)


class PanelTypeForm(forms.ModelForm):
    """Checkbox lists for the list-valued settings an administrator picks from; the outcomes
    (code, label, workflow action, letter text) stay structured JSON, validated by the model."""

    required_disciplines = forms.MultipleChoiceField(
        choices=Discipline.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Disciplines that must attend",
        help_text="The panel is quorate only when someone from each of these is present.",
    )
    decision_fields = forms.MultipleChoiceField(
        choices=list(DECISION_FIELDS.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="What the decision records",
    )
    ready_stages = forms.MultipleChoiceField(
        choices=Stage.choices,
        widget=forms.CheckboxSelectMultiple,
        label="Case stages at which a case can go on the agenda",
        error_messages={"required": "Choose at least one case stage"},
    )

    class Meta:
        model = PanelType
        fields = [
            "name",
            "slug",
            "description",
            "required_disciplines",
            "decision_fields",
            "ready_stages",
            "outcomes",
            "active",
        ]


@admin.register(PanelType)
class PanelTypeAdmin(admin.ModelAdmin):
    form = PanelTypeForm
    list_display = ["name", "slug", "disciplines_in_words", "active"]
    list_filter = ["active"]
    prepopulated_fields = {"slug": ["name"]}

    @admin.display(description="Disciplines that must attend")
    def disciplines_in_words(self, obj: PanelType) -> str:
        return ", ".join(obj.discipline_labels())


@admin.register(FundingBand)
class FundingBandAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "annual_amount", "active"]
    list_filter = ["active"]


class MeetingMemberInline(admin.TabularInline):
    model = MeetingMember
    extra = 4
    autocomplete_fields = ["user"]


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0
    fields = ["position", "case", "paper"]
    readonly_fields = ["position", "case", "paper"]
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["date", "panel_type", "area", "chair", "status", "quorate"]
    list_filter = ["status", "panel_type", "area"]
    date_hierarchy = "date"
    autocomplete_fields = ["chair"]
    readonly_fields = ["status", "published_at", "held_at", "quorate", "closed_at", "minutes"]
    inlines = [MeetingMemberInline, AgendaItemInline]


@admin.register(PanelPaper)
class PanelPaperAdmin(admin.ModelAdmin):
    list_display = ["case", "panel_type", "author", "created_at"]
    list_filter = ["panel_type"]
    raw_id_fields = ["case", "evidence", "author"]


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ["item", "version", "outcome_label", "is_current", "needs_ratification"]
    list_filter = ["is_current", "needs_ratification", "outcome"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
