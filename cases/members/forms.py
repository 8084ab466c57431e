"""GOV.UK forms for member queries. NUL bytes are stripped at the boundary (PostgreSQL
rejects them in text) before any field sees the data."""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from cases.assignment.forms import CaseworkerChoiceField, caseworker_choices_fit
from cases.members.models import EnquiryCategory
from ehcp_portal.accounts.models import User
from ehcp_portal.forms import GovUKDateField, ListedModelChoiceField

if TYPE_CHECKING:
    from cases.models import Area

REFERENCE = re.compile(r"^EHC-\d{4}-\d{6}$")


def without_nul(data: Any) -> Any:  # a QueryDict, MultiValueDict or dict
    if data is None:
        return None
    if hasattr(data, "getlist"):
        clean = data.copy()
        for key in list(clean.keys()):
            clean.setlist(
                key,
                [v.replace("\x00", "") if isinstance(v, str) else v for v in data.getlist(key)],
            )
        return clean
    return {k: v.replace("\x00", "") if isinstance(v, str) else v for k, v in data.items()}


class NulStrippingForm(forms.Form):
    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(without_nul(data), *args, **kwargs)


class MemberEnquiryForm(NulStrippingForm):
    has_reference = forms.ChoiceField(
        label="Did the family give you their EHC case reference?",
        choices=[("yes", "Yes"), ("no", "No")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes if the family gave you their case reference"},
    )
    case_reference = forms.CharField(
        label="Case reference",
        help_text="For example, EHC-2026-000123",
        required=False,
        max_length=40,
    )
    parent_name = forms.CharField(
        label="Parent or carer's full name",
        help_text="Needed if you do not have the case reference",
        required=False,
        max_length=150,
    )
    child_name = forms.CharField(
        label="Child or young person's full name",
        help_text="Needed if you do not have the case reference",
        required=False,
        max_length=150,
    )
    child_date_of_birth = GovUKDateField(
        label="Child or young person's date of birth",
        help_text="For example, 27 3 2015. Needed if you do not have the case reference",
        required=False,
        name_in_errors="Date of birth",
    )
    address = forms.CharField(
        label="Family's address, including postcode",
        help_text="Needed if you do not have the case reference",
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    category = forms.ChoiceField(
        label="What is the concern about?",
        choices=EnquiryCategory.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what the concern is about"},
    )
    concern = forms.CharField(
        label="Describe the concern",
        help_text="What the family told you and what they would like to happen",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={
            "required": "Describe the concern",
            "max_length": "The concern must be 5,000 characters or fewer",
        },
    )
    declaration = forms.BooleanField(
        label="The constituent asked me to raise this on their behalf",
        error_messages={
            "required": "Confirm that the constituent asked you to act on their behalf"
        },
    )

    def clean_case_reference(self) -> str:
        return self.cleaned_data["case_reference"].strip().upper().replace(" ", "")

    def clean_child_date_of_birth(self) -> date | None:
        dob = self.cleaned_data.get("child_date_of_birth")
        if dob and dob >= timezone.localdate():
            raise forms.ValidationError("Date of birth must be in the past")
        if dob and dob.year < 1900:
            raise forms.ValidationError("Date of birth must be a real date")
        return dob

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("has_reference") == "yes":
            reference = data.get("case_reference", "")
            if not reference and "case_reference" not in self.errors:
                self.add_error("case_reference", "Enter the case reference")
            elif reference and not REFERENCE.match(reference):
                self.add_error(
                    "case_reference",
                    "Enter the case reference in the format EHC-2026-000123",
                )
        elif data.get("has_reference") == "no":
            data["case_reference"] = ""
            needed = {
                "parent_name": "Enter the parent or carer's full name",
                "child_name": "Enter the child or young person's full name",
                "child_date_of_birth": "Enter the child or young person's date of birth",
                "address": "Enter the family's address",
            }
            for name, message in needed.items():
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, message)
        return data


class MatchForm(NulStrippingForm):
    case_reference = forms.CharField(
        label="Case reference",
        help_text="For example, EHC-2026-000123",
        max_length=40,
        error_messages={"required": "Enter the case reference"},
    )

    def clean_case_reference(self) -> str:
        return self.cleaned_data["case_reference"].strip().upper().replace(" ", "")


class RouteForm(NulStrippingForm):
    area: forms.ModelChoiceField[Area] = ListedModelChoiceField(
        label="Send to the team for",
        queryset=None,
        empty_label="Choose an area",
        error_messages={
            "required": "Choose the area to send the query to",
            "invalid_choice": "Choose the area to send the query to",
        },
    )

    def __init__(self, *args: Any, areas: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["area"]).queryset = areas


class OfficerChoiceField(CaseworkerChoiceField):
    noun = "officer"
    article = "an"

    def label_from_instance(self, obj: User) -> str:
        return f"{obj.get_full_name()} ({obj.get_role_display()})"


class AssignForm(NulStrippingForm):
    officer = OfficerChoiceField(
        label="Officer",
        queryset=None,
        empty_label="Choose an officer",
        error_messages={
            "required": "Choose the officer to handle the query",
            "invalid_choice": "Choose the officer to handle the query",
        },
    )

    def __init__(self, *args: Any, officers: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A list while it is short enough to read; an area of a national service has
        # thousands of officers, so past that a box for the officer's email or name.
        caseworker_choices_fit(self.fields["officer"], officers)


class ReplyForm(NulStrippingForm):
    reply = forms.CharField(
        label="Reply to the member",
        help_text=(
            "The member sees this reply. Only share personal details the family has agreed "
            "the member may know."
        ),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={
            "required": "Enter the reply to the member",
            "max_length": "The reply must be 10,000 characters or fewer",
        },
    )


class CloseForm(NulStrippingForm):
    reason = forms.CharField(
        label="Reason for closing without a reply",
        help_text="The member sees this reason",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Enter the reason for closing the query",
            "max_length": "The reason must be 2,000 characters or fewer",
        },
    )


class ConsentForm(NulStrippingForm):
    enquiry = forms.UUIDField()
    decision = forms.ChoiceField(choices=[("grant", "Grant"), ("withdraw", "Withdraw")])
