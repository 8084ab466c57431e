from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms

from cases.models import Case, Document, Setting, SettingType
from ehcp_portal.accounts.models import Role, User
from ehcp_portal.forms import (
    GovUKDateField,
    ListedModelChoiceField,
    ListedModelMultipleChoiceField,
    label_choices_with,
)
from panels.models import FundingBand, Meeting, MeetingMember, PanelPaper, PanelType


class MeetingForm(forms.Form):
    panel_type = ListedModelChoiceField(
        queryset=PanelType.objects.filter(active=True),
        widget=forms.RadioSelect,
        label="Type of panel",
        error_messages={"required": "Choose the type of panel"},
    )
    date = GovUKDateField(
        label="Date of the meeting",
        name_in_errors="The date of the meeting",
        help_text="For example, 27 3 2027",
    )
    location = forms.CharField(max_length=200, required=False, label="Where (optional)")
    chair = ListedModelChoiceField(
        queryset=User.objects.none(),
        label="Chair",
        empty_label="Choose the chair",
        error_messages={"required": "Choose the chair"},
    )
    members = ListedModelMultipleChoiceField(
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Members",
        help_text="Each sits in their own discipline. The chair is always a member.",
        error_messages={"required": "Choose the members of the panel"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        panel_members = User.objects.filter(
            role=Role.PANEL_MEMBER, is_active=True, discipline__gt=""
        ).order_by("full_name", "email")
        chair = cast(forms.ModelChoiceField, self.fields["chair"])
        members = cast(forms.ModelMultipleChoiceField, self.fields["members"])
        chair.queryset = panel_members
        members.queryset = panel_members
        label = lambda u: f"{u.get_full_name()} ({u.get_discipline_display()})"  # noqa: E731
        label_choices_with(chair, label)
        label_choices_with(members, label)


class PaperForm(forms.Form):
    panel_type = ListedModelChoiceField(
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
    evidence: forms.ModelMultipleChoiceField[Document] = ListedModelMultipleChoiceField(
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
        cast(forms.ModelChoiceField, self.fields["panel_type"]).queryset = PanelType.objects.filter(
            pk__in=ready
        )
        evidence = cast(forms.ModelMultipleChoiceField, self.fields["evidence"])
        evidence.queryset = case.documents.exclude(kind="minutes")
        label_choices_with(evidence, lambda d: f"{d.title} ({d.get_kind_display()})")
        if not evidence.queryset.exists():
            del self.fields["evidence"]


class AgendaForm(forms.Form):
    papers = ListedModelMultipleChoiceField(
        queryset=PanelPaper.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Cases ready for this panel",
        help_text="Most urgent statutory deadline first.",
        error_messages={"required": "Choose at least one case to add to the agenda"},
    )

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        papers = cast(forms.ModelMultipleChoiceField, self.fields["papers"])
        papers.queryset = candidates
        label_choices_with(
            papers,
            lambda p: (
                f"{p.case.reference} – {p.case.get_stage_display()} – next deadline "
                f"{p.case.next_deadline_on:%-d %B %Y}"
                if p.case.next_deadline_on
                else f"{p.case.reference} – {p.case.get_stage_display()}"
            ),
        )


class AttendanceForm(forms.Form):
    attended = ListedModelMultipleChoiceField(
        queryset=MeetingMember.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Who attended?",
        help_text="The meeting is quorate when every required discipline is present.",
    )

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        attended = cast(forms.ModelMultipleChoiceField, self.fields["attended"])
        attended.queryset = meeting.members.select_related("user")
        label_choices_with(
            attended, lambda m: f"{m.user.get_full_name()} ({m.get_discipline_display()})"
        )


class DeclarationForm(forms.Form):
    interest = forms.CharField(
        max_length=500,
        label="Describe your interest in this case",
        help_text="For example: you know the family, or you work at the child's school.",
        error_messages={"required": "Describe your interest in this case"},
    )


def setting_choices(preferred: Setting | None, needs: Sequence[str] = ()) -> list[tuple[Any, str]]:
    """Every setting in a plain select (works without JavaScript), with the family's preference
    (s.38(2)(b)) first, then those that meet the most of the child's needs (the needs each
    setting meets are configured in the admin), then by area and name: a child may go to a
    school in any area."""
    choices: list[tuple[Any, str]] = [("", "Not named yet")]
    if preferred is not None:
        choices.append((preferred.pk, f"{preferred.name} (the family's preference)"))
    wanted = set(needs)
    settings = sorted(
        Setting.objects.select_related("area").order_by("area__name", "name"),
        key=lambda s: -len(wanted.intersection(s.needs_met or ())),
    )
    for s in settings:
        if preferred is not None and s.pk == preferred.pk:
            continue
        label = f"{s.name}, {s.area.name if s.area else 'no area'}"
        met = len(wanted.intersection(s.needs_met or ()))
        if met:
            label += f" (meets {met} of the child's {len(wanted)} needs)"
        choices.append((s.pk, label))
    return choices


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
    funding_band = ListedModelChoiceField(
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
    named_setting = ListedModelChoiceField(
        queryset=Setting.objects.all(),
        required=False,
        label="Named school or setting",
        help_text="Every school and setting, by area; the family's preference first.",
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

    def __init__(
        self,
        *args: Any,
        meeting: Meeting,
        items: list[Any],
        preferred_setting: Setting | None = None,
        needs: Sequence[str] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        panel_type = meeting.panel_type
        cast(forms.ChoiceField, self.fields["case"]).choices = [("", "Choose a case")] + [
            (i.case.reference, f"{i.position}. {i.case.reference} – {i.case.child.full_name}")
            for i in items
        ]
        outcome = cast(forms.ChoiceField, self.fields["outcome"])
        outcome.choices = [(o["code"], o["label"]) for o in panel_type.outcomes]
        label_choices_with(self.fields["funding_band"], str)
        self.fields["named_setting"].widget.choices = setting_choices(preferred_setting, needs)
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
