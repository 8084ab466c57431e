from __future__ import annotations

from typing import Any

from django import forms

from cases.models import Case, Setting, SettingType
from panels.models import FundingBand, Meeting, MeetingMember, PanelPaper, PanelType


class PaperForm(forms.Form):
    panel_type = forms.ModelChoiceField(
        queryset=PanelType.objects.none(),
        widget=forms.RadioSelect,
        label="Which panel should consider this case?",
        error_messages={"required": "Choose the panel", "invalid_choice": "Choose the panel"},
    )
    summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=4000,
        label="Summary for the panel",
        help_text="The child's needs, the support in place and what has changed.",
        error_messages={"required": "Enter a summary of the case for the panel"},
    )
    recommendation = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        label="Your recommendation",
        error_messages={"required": "Enter your recommendation to the panel"},
    )
    evidence = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Evidence for the panel to read",
        help_text="Documents already on the case.",
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        types = PanelType.objects.filter(active=True)
        ready = [t.pk for t in types if case.stage in t.ready_stages]
        self.fields["panel_type"].queryset = PanelType.objects.filter(pk__in=ready)
        self.fields["evidence"].queryset = case.documents.exclude(kind="minutes")
        self.fields["evidence"].label_from_instance = lambda d: (
            f"{d.title} ({d.get_kind_display()})"
        )
        if not self.fields["evidence"].queryset.exists():
            del self.fields["evidence"]


class AgendaForm(forms.Form):
    papers = forms.ModelMultipleChoiceField(
        queryset=PanelPaper.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Cases ready for this panel",
        help_text="Most urgent statutory deadline first.",
        error_messages={"required": "Choose at least one case to add to the agenda"},
    )

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["papers"].queryset = candidates
        self.fields["papers"].label_from_instance = lambda p: (
            f"{p.case.reference} – {p.case.get_stage_display()} – next deadline "
            f"{p.case.next_deadline_on:%-d %B %Y}"
            if p.case.next_deadline_on
            else f"{p.case.reference} – {p.case.get_stage_display()}"
        )


class AttendanceForm(forms.Form):
    attended = forms.ModelMultipleChoiceField(
        queryset=MeetingMember.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Who attended?",
        help_text="The meeting is quorate when every required discipline is present.",
    )

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attended"].queryset = meeting.members.select_related("user")
        self.fields["attended"].label_from_instance = lambda m: (
            f"{m.user.get_full_name()} ({m.get_discipline_display()})"
        )


class DeclarationForm(forms.Form):
    interest = forms.CharField(
        max_length=500,
        label="Describe your interest in this case",
        help_text="For example: you know the family, or you work at the child's school.",
        error_messages={"required": "Describe your interest in this case"},
    )


TRANSPORT_CHOICES = [("", "Not decided"), ("yes", "Eligible"), ("no", "Not eligible")]


class DecisionForm(forms.Form):
    case = forms.ChoiceField(
        label="Case",
        error_messages={
            "required": "Choose a case from the agenda",
            "invalid_choice": "That case is not on this meeting's agenda: choose a case from "
            "the agenda",
        },
    )
    outcome = forms.ChoiceField(
        widget=forms.RadioSelect,
        label="Decision",
        error_messages={
            "required": "Choose the panel's decision",
            "invalid_choice": "Choose the panel's decision",
        },
    )
    reasons = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=6000,
        label="Reasons",
        help_text="Write for the family: they will read these reasons in their letter.",
        error_messages={
            "required": "Enter the reasons for the decision: the family will read them"
        },
    )
    funding_band = forms.ModelChoiceField(
        queryset=FundingBand.objects.filter(active=True),
        to_field_name="code",
        required=False,
        label="Funding band",
        error_messages={"invalid_choice": "Choose one of the configured funding bands"},
    )
    setting_type = forms.ChoiceField(
        choices=[("", "Not decided")] + list(SettingType.choices),
        required=False,
        label="Type of setting",
        error_messages={"invalid_choice": "Choose a type of setting from the list"},
    )
    named_setting = forms.ModelChoiceField(
        queryset=Setting.objects.all(),
        required=False,
        label="Named school or setting",
        empty_label="Not named yet",
        error_messages={"invalid_choice": "Choose a school or setting from the list"},
    )
    transport = forms.ChoiceField(
        choices=TRANSPORT_CHOICES,
        widget=forms.RadioSelect,
        required=False,
        label="Transport eligibility",
        error_messages={"invalid_choice": "Choose whether the child is eligible for transport"},
    )
    advice_needed = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=3000,
        required=False,
        label="Advice still needed",
    )
    actions = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=3000,
        required=False,
        label="Actions with owners",
        help_text="One action a line, owner first: 'Caseworker: send the draft plan'.",
    )

    def __init__(self, *args: Any, meeting: Meeting, items: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        panel_type = meeting.panel_type
        self.fields["case"].choices = [("", "Choose a case")] + [
            (i.case.reference, f"{i.position}. {i.case.reference} – {i.case.child.full_name}")
            for i in items
        ]
        self.fields["outcome"].choices = [(o["code"], o["label"]) for o in panel_type.outcomes]
        self.fields["funding_band"].label_from_instance = str
        if meeting.area_id:
            self.fields["named_setting"].queryset = Setting.objects.filter(
                area_id=meeting.area_id
            ) | Setting.objects.filter(area__isnull=True)
        if not panel_type.uses("funding_band"):
            del self.fields["funding_band"]
        if not panel_type.uses("setting"):
            del self.fields["setting_type"]
            del self.fields["named_setting"]
        if not panel_type.uses("transport"):
            del self.fields["transport"]
        if not panel_type.uses("advice_needed"):
            del self.fields["advice_needed"]
        if not panel_type.uses("actions"):
            del self.fields["actions"]

    def clean_actions(self) -> list[dict[str, str]]:
        rows = []
        for line in self.cleaned_data.get("actions", "").splitlines():
            line = line.strip()
            if not line:
                continue
            owner, sep, action = line.partition(":")
            rows.append(
                {"owner": owner.strip(), "action": action.strip()}
                if sep
                else {
                    "owner": "",
                    "action": line,
                }
            )
        return rows

    def transport_value(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.cleaned_data.get("transport") or "")
