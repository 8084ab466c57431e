from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from cases.advice.models import AdviceRequest, AdviceSource, AdviceTeam
from cases.advice.services import AdviceAsk
from cases.models import Setting
from ehcp_portal.accounts.models import User

ALLOWED_TYPES = {
    "application/pdf",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "image/jpeg",
    "image/png",
}
MAX_FILES = 5


def _no_nul(value: str) -> str:
    # PostgreSQL refuses NUL in text.
    return value.replace("\x00", "")


class AdviceRequestForm(forms.Form):
    """One form for every kind of advice the case needs (reg 6(1)): pick who to ask for each."""

    def __init__(
        self, *args: Any, choices: dict[str, list[tuple[str, str]]], pfa: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        for value, label in AdviceSource.choices:
            if value == AdviceSource.PREPARATION_FOR_ADULTHOOD and not pfa:
                continue
            self.fields[f"to_{value}"] = forms.ChoiceField(
                label=label,
                required=False,
                choices=[("", "Do not ask for this advice")] + choices.get(value, []),
                error_messages={"invalid_choice": "Choose someone from the list"},
            )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not self.errors and not any(data.get(f) for f in self.fields):
            raise forms.ValidationError("Choose who to ask for at least one kind of advice")
        return data

    def asks(self) -> list[AdviceAsk]:
        """The choices' values are "u<user id>", "t<team id>" or "s<setting id>"."""
        picked = {
            name[3:]: value
            for name, value in self.cleaned_data.items()
            if value and name[:3] == "to_"
        }

        def ids(kind: str) -> list[int]:
            return [int(v[1:]) for v in picked.values() if v[0] == kind]

        users = User.objects.in_bulk(ids("u"))
        teams = AdviceTeam.objects.in_bulk(ids("t"))
        settings_asked = Setting.objects.in_bulk(ids("s"))
        return [
            AdviceAsk(
                source=source,
                addressee=users.get(int(v[1:])) if v[0] == "u" else None,
                team=teams.get(int(v[1:])) if v[0] == "t" else None,
                setting=settings_asked.get(int(v[1:])) if v[0] == "s" else None,
            )
            for source, v in picked.items()
        ]


class FileInput(forms.ClearableFileInput):
    """Several files in one input (named so the GOV.UK field include renders it as a file)."""

    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", FileInput(attrs={"multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        if len(files) > MAX_FILES:
            raise forms.ValidationError(f"You can attach up to {MAX_FILES} files")
        cleaned = [super(MultipleFileField, self).clean(f, initial) for f in files]
        for f in cleaned:
            if f.size > settings.UPLOAD_MAX_BYTES:
                raise forms.ValidationError(
                    f"{f.name} must be smaller than {settings.UPLOAD_MAX_BYTES // (1024 * 1024)}MB"
                )
            if f.content_type not in ALLOWED_TYPES:
                raise forms.ValidationError(f"{f.name} must be a PDF, Word document, JPG or PNG")
        return cleaned


class AdviceSubmitForm(forms.Form):
    needs = forms.CharField(
        label="The child's special educational needs, health and social care needs",
        help_text="What the child needs, in plain English; it feeds sections B, C and D.",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20000,
        error_messages={"required": "Describe the child's needs"},
    )
    outcomes = forms.CharField(
        label="Outcomes",
        help_text="What the child should achieve with the right support (section E).",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=20000,
        error_messages={"required": "Describe the outcomes you recommend"},
    )
    provision = forms.CharField(
        label="Provision",
        help_text="The support that will meet the needs: what, how often, by whom (section F).",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20000,
        error_messages={"required": "Describe the provision you recommend"},
    )
    attachments = MultipleFileField(
        label="Attach reports (optional)",
        required=False,
        help_text=f"Up to {MAX_FILES} files: PDF, Word, JPG or PNG.",
    )

    def clean_needs(self) -> str:
        return _no_nul(self.cleaned_data["needs"]).strip()

    def clean_outcomes(self) -> str:
        return _no_nul(self.cleaned_data["outcomes"]).strip()

    def clean_provision(self) -> str:
        return _no_nul(self.cleaned_data["provision"]).strip()


class AdviceDeclineForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why can you not give this advice?",
        choices=AdviceRequest.DeclineReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select why you cannot give this advice"},
    )
    detail = forms.CharField(
        label="Give details",
        help_text=(
            "For advice given in the last year, say when and to whom; the council will check "
            "that you, it and the family all agree it can be used (reg 6(4))."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages={"required": "Give details of why you cannot give this advice"},
    )

    def clean_detail(self) -> str:
        return _no_nul(self.cleaned_data["detail"]).strip()


class SignInLinkForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        help_text="The address your council account uses.",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )

    def clean_email(self) -> str:
        return _no_nul(self.cleaned_data["email"]).strip().lower()
