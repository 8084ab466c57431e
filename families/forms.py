"""The question pages of the front door, one form per page, plus the family's other forms.

Error messages follow the GOV.UK Design System patterns ("Enter ...", "Select ...").
"""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django import forms
from django.utils import timezone

from cases import sen2_codes
from cases.models import SenNeed, Setting
from cases.postcodes import postcode_normalise
from cases.pupil_numbers import uln_problem, upn_normalise, upn_problem
from ehcp_portal.forms import GovUKDateField
from families.choices import SETTING_HOME, SETTING_NONE
from families.models import Consent, FamilyMembership

MAX_AGE = 25

YEAR_GROUPS = [
    ("", "Select a year group"),
    ("nursery", "Nursery or early years"),
    ("reception", "Reception"),
    *[(f"year{n}", f"Year {n}") for n in range(1, 14)],
    ("post16", "Post-16 (college, training or apprenticeship)"),
    ("not_in_education", "Not in education"),
]


TOLD_HOW = [
    ("meeting", "In a meeting"),
    ("phone", "By phone"),
    ("letter", "By letter"),
    ("email", "By email"),
]

CHANNELS = [
    ("paper", "Paper form or letter"),
    ("phone", "Phone call"),
    ("email", "Email"),
]


def _today() -> date:
    return timezone.localdate()


def validate_date_of_birth(value: date) -> None:
    today = _today()
    if value > today:
        raise forms.ValidationError("Date of birth must be today or in the past")
    years = today.year - value.year - ((today.month, today.day) < (value.month, value.day))
    if years > MAX_AGE:
        # s.83(2) CFA 2014: EHC plans are for children and young people up to 25.
        raise forms.ValidationError(
            "The child or young person must be 25 or under to ask for an EHC needs assessment"
        )


class StepForm(forms.Form):
    """A question page. `draft` and `user` are there for pages whose choices depend on them."""

    def __init__(self, *args: Any, draft: Any = None, user: Any = None, **kwargs: Any) -> None:
        self.draft = draft
        self.user = user
        super().__init__(*args, **kwargs)

    def summary(self) -> list[tuple[str, str]]:
        """(question, answer) rows for "check your answers"."""
        rows = []
        for name, field in self.fields.items():
            value = self.cleaned_data.get(name)
            rows.append((str(field.label), display_value(field, value)))
        return rows


def display_value(field: forms.Field, value: Any) -> str:
    if value in (None, "", [], ()):
        return "Not given"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, date):
        return f"{value:%-d %B %Y}"
    choices = dict(getattr(field, "choices", []) or [])
    if isinstance(value, list | tuple):
        return ", ".join(str(choices.get(v, v)) for v in value)
    if choices:
        return str(choices.get(value, value))
    return str(value)


class ChildNameForm(StepForm):
    first_name = forms.CharField(
        label="First name",
        max_length=100,
        error_messages={"required": "Enter the child or young person's first name"},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    last_name = forms.CharField(
        label="Last name",
        max_length=100,
        error_messages={"required": "Enter the child or young person's last name"},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class ChildDobForm(StepForm):
    date_of_birth = GovUKDateField(
        name_in_errors="Date of birth",
        label="What is their date of birth?",
        help_text="For example, 27 3 2015",
    )

    def clean_date_of_birth(self) -> date:
        value = self.cleaned_data["date_of_birth"]
        validate_date_of_birth(value)
        return value


class ChildAddressForm(StepForm):
    address = forms.CharField(
        label="Address",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
        error_messages={"required": "Enter the address where they live"},
    )
    postcode = forms.CharField(
        label="Postcode",
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
        error_messages={"required": "Enter a postcode"},
    )

    def clean_postcode(self) -> str:
        normalised = postcode_normalise(self.cleaned_data["postcode"])
        if normalised is None:
            raise forms.ValidationError("Enter a full UK postcode, like LS1 4AP")
        return normalised


class ChildSexEthnicityForm(StepForm):
    """Asked for the DfE's SEN2 return, as schools ask it for the school census."""

    sex = forms.ChoiceField(
        label="What is their sex?",
        choices=sen2_codes.SEX,
        widget=forms.RadioSelect,
        error_messages={"required": "Select their sex, or 'Not known'"},
    )
    ethnicity = forms.ChoiceField(
        label="What is their ethnic group?",
        help_text="Choose 'Refused' if you would rather not say.",
        choices=[("", "Select an ethnic group")] + sen2_codes.ETHNICITY,
        error_messages={"required": "Select their ethnic group, or 'Refused'"},
    )


class ChildPupilNumberForm(StepForm):
    """The child's national identifiers, if known: schools hold them, families often do not."""

    upn = forms.CharField(
        label="Unique pupil number (UPN), if you know it",
        help_text="13 characters from the school's records, like B201567815001",
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    uln = forms.CharField(
        label="Unique learner number (ULN), if you know it",
        help_text="10 numbers, used by colleges and training providers",
        required=False,
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "inputmode": "numeric"}
        ),
    )

    def clean_upn(self) -> str:
        value = upn_normalise(self.cleaned_data["upn"])
        problem = upn_problem(value) if value else None
        if problem:
            raise forms.ValidationError(problem)
        return value

    def clean_uln(self) -> str:
        value = upn_normalise(self.cleaned_data["uln"])
        problem = uln_problem(value) if value else None
        if problem:
            raise forms.ValidationError(problem)
        return value


class ChildLanguageForm(StepForm):
    home_language = forms.CharField(
        label="What language do they mainly speak at home?",
        max_length=60,
        help_text="For example, English, Urdu or British Sign Language",
        error_messages={"required": "Enter the language they mainly speak at home"},
    )


YES_NO = [("yes", "Yes"), ("no", "No")]


class ChildLookedAfterForm(StepForm):
    looked_after = forms.ChoiceField(
        label="Are they looked after by the council?",
        help_text="This means in the care of a local authority, for example living with foster "
        "carers or in a children's home.",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes if they are looked after by the council"},
    )


class ChildYearGroupForm(StepForm):
    year_group = forms.ChoiceField(
        label="What year group are they in?",
        choices=YEAR_GROUPS,
        error_messages={"required": "Select their year group"},
    )


class ParentsForm(StepForm):
    your_name = forms.CharField(
        label="Your full name",
        max_length=150,
        error_messages={"required": "Enter your full name"},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    relationship = forms.ChoiceField(
        label="Your relationship to the child or young person",
        choices=FamilyMembership.Relationship.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select your relationship to the child or young person"},
    )
    phone = forms.CharField(
        label="Phone number (optional)",
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    other_carers = forms.CharField(
        label="Other parents or carers (optional)",
        help_text="Their names, how they are related and how we can contact them.",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.draft is not None and self.draft.route == "assisted":
            self.fields["your_name"].label = "Name of the parent or carer"
            self.fields["your_name"].error_messages["required"] = (
                "Enter the name of the parent or carer"
            )
            self.fields["relationship"].label = "Their relationship to the child or young person"
            self.fields["phone"].label = "Their phone number (optional)"
            self.fields["your_name"].widget.attrs["autocomplete"] = "off"


class ParentContactForm(StepForm):
    """School route: the parent the school has told, who is invited to add views and consent."""

    parent_name = forms.CharField(
        label="Parent or carer's full name",
        max_length=150,
        error_messages={"required": "Enter the parent or carer's full name"},
    )
    parent_email = forms.EmailField(
        label="Parent or carer's email address",
        help_text="We will email them to add their views and give consent.",
        error_messages={
            "required": "Enter the parent or carer's email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class SettingForm(StepForm):
    setting = forms.ChoiceField(
        label="Which school, college or nursery do they go to?",
        help_text="Choose from the list, or tell us they do not attend one.",
        error_messages={"required": "Select their school, college or nursery"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["setting"]).choices = [
            ("", "Select a school, college or nursery"),
            (SETTING_NONE, "Not attending a school, college or nursery"),
            (SETTING_HOME, "Home educated"),
            *[(str(pk), name) for pk, name in Setting.objects.values_list("pk", "name")],
        ]


NEED_CHOICES = SenNeed.choices


class NeedsPrimaryForm(StepForm):
    primary_need = forms.ChoiceField(
        label="What is their main area of need?",
        help_text="Choose the one that best describes their main need. You can add others next.",
        choices=NEED_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Select their main area of need"},
    )


class NeedsSecondaryForm(StepForm):
    secondary_needs = forms.MultipleChoiceField(
        label="Do they have any other areas of need? (optional)",
        help_text="Select all that apply.",
        choices=NEED_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def clean_secondary_needs(self) -> list[str]:
        chosen = self.cleaned_data["secondary_needs"]
        primary = (
            (self.draft.answer("needs-primary").get("primary_need") or [""])[0]
            if (self.draft)
            else ""
        )
        return [c for c in chosen if c != primary]


class NeedsDescriptionForm(StepForm):
    needs_description = forms.CharField(
        label="Describe their needs in your own words",
        help_text="What they find difficult, at school and at home, and how it affects them.",
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": "Describe their needs"},
    )


class ChildViewsForm(StepForm):
    child_views = forms.CharField(
        label="All about me: the child or young person's views",
        help_text="What they like and are good at, what they find hard, what helps them and "
        "what they hope for. Use their own words if you can.",
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": "Enter the child or young person's views"},
    )


class ParentViewsForm(StepForm):
    parent_views = forms.CharField(
        label="Your views and hopes",
        help_text="What you would like to change for them, and your hopes for their future.",
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": "Enter your views and hopes"},
    )


class SupportForm(StepForm):
    support_in_place = forms.CharField(
        label="What support do they already get?",
        help_text="For example, SEN support at school, a teaching assistant, speech and language "
        "therapy, or a support plan.",
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter the support they already get, or write 'none'"},
    )


class ProfessionalsForm(StepForm):
    professionals = forms.CharField(
        label="Which professionals are already involved? (optional)",
        help_text="For example, a paediatrician, educational psychologist or social worker. "
        "Give their names and services if you know them.",
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


CONSENT_PARTIES = [
    (Consent.Party.EDUCATIONAL_PSYCHOLOGY, "The educational psychology service"),
    (Consent.Party.HEALTH, "Health services (NHS), for example doctors and therapists"),
    (Consent.Party.SOCIAL_CARE, "Children's social care"),
    (Consent.Party.SETTING, "Their school, college or nursery"),
    (Consent.Party.OTHER, "Other agencies we need advice from"),
]


class ConsentForm(StepForm):
    parties = forms.MultipleChoiceField(
        label="Who may we share information with? (optional)",
        help_text="We ask these services for advice during an assessment. Select each one you "
        "agree to. You can change your mind at any time from your request's page.",
        choices=CONSENT_PARTIES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    other_agency = forms.CharField(
        label="If you chose other agencies, which ones? (optional)",
        help_text="For example, the hearing support team or CAMHS.",
        max_length=200,
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        other = (cleaned.get("other_agency") or "").strip()
        if Consent.Party.OTHER in (cleaned.get("parties") or []) and not other:
            self.add_error(
                "other_agency", "Name the other agencies you agree we may share information with"
            )
        cleaned["other_agency"] = other
        return cleaned


class ReceivedForm(StepForm):
    """Assisted digital: the clock starts on the date the council received the request."""

    received_on = GovUKDateField(
        name_in_errors="The date we received the request",
        label="When did the council receive the request?",
        help_text="The date on the post stamp, the phone call or the email, not today's date if "
        "it came earlier. For example, 27 3 2026",
    )
    channel = forms.ChoiceField(
        label="How did the request reach us?",
        choices=CHANNELS,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the request reached us"},
    )
    # SEN2 RequestSource: online requests know it from their route; a paper or phone one is asked.
    request_source = forms.ChoiceField(
        label="Who made the request?",
        choices=sen2_codes.REQUEST_SOURCE,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who made the request"},
    )

    def clean_received_on(self) -> date:
        value = self.cleaned_data["received_on"]
        if value > _today():
            raise forms.ValidationError(
                "The date we received the request must be today or in the past"
            )
        if value.year < 2014:
            raise forms.ValidationError("The date we received the request must be after 2014")
        return value


class ParentToldForm(StepForm):
    """School route: CoP 9.9 — the parent should know a school is asking for an assessment."""

    told_on = GovUKDateField(
        name_in_errors="The date you told the parent",
        label="When did you tell the parent or carer about this request?",
        help_text="For example, 27 3 2026",
    )
    told_how = forms.ChoiceField(
        label="How did you tell them?",
        choices=TOLD_HOW,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how you told the parent or carer"},
    )

    def clean_told_on(self) -> date:
        value = self.cleaned_data["told_on"]
        if value > _today():
            raise forms.ValidationError("The date you told the parent must be today or in the past")
        return value


class DeclarationForm(StepForm):
    confirm = forms.BooleanField(
        label="I confirm that the information I have given is correct to the best of my knowledge",
        error_messages={"required": "Confirm that the information you have given is correct"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        route = getattr(self.draft, "route", "family")
        if route == "assisted":
            self.fields[
                "confirm"
            ].label = "I confirm that I have entered the request as the family gave it to us"
        elif route == "school":
            self.fields["confirm"].label = (
                "I confirm that the information is correct and that the parent or carer knows "
                "the school is asking for this assessment"
            )


# --- Forms outside the question pages ---------------------------------------------------------


YOUNG_PERSON_MIN_AGE = 16


class ChildAddForm(forms.Form):
    first_name = ChildNameForm.base_fields["first_name"]
    last_name = ChildNameForm.base_fields["last_name"]
    date_of_birth = GovUKDateField(
        name_in_errors="Date of birth", label="Date of birth", help_text="For example, 27 3 2015"
    )

    def __init__(self, *args: Any, young_person: bool = False, **kwargs: Any) -> None:
        self.young_person = young_person
        super().__init__(*args, **kwargs)

    def clean_date_of_birth(self) -> date:
        value = self.cleaned_data["date_of_birth"]
        validate_date_of_birth(value)
        today = _today()
        age = today.year - value.year - ((today.month, today.day) < (value.month, value.day))
        if self.young_person and age < YOUNG_PERSON_MIN_AGE:
            # s.36(1), s.83(2) CFA 2014: a young person (over compulsory school age) asks for
            # themselves; for a younger child the parent asks.
            raise forms.ValidationError(
                "You must be 16 or over to ask for an assessment for yourself. A parent or carer "
                "can ask for you"
            )
        return value


class StartRequestForm(forms.Form):
    child = forms.ChoiceField(
        label="Who is this request for?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select who this request is for"},
    )

    def __init__(self, *args: Any, children: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["child"]).choices = [
            (str(c.pk), c.full_name) for c in children
        ]


class ClaimForm(forms.Form):
    reference = forms.CharField(
        label="Request reference",
        help_text="It is in the letter we sent you and looks like EHC-2026-000123.",
        max_length=20,
        error_messages={"required": "Enter the request reference"},
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )
    code = forms.CharField(
        label="Claim code",
        help_text="The 12 letters and numbers in the letter, like ABCD-EFGH-JKMN.",
        max_length=20,
        error_messages={"required": "Enter the claim code"},
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )
    date_of_birth = GovUKDateField(
        name_in_errors="Date of birth",
        label="The child or young person's date of birth",
        help_text="For example, 27 3 2015",
    )

    def clean_reference(self) -> str:
        return self.cleaned_data["reference"].strip().upper()


class MessageForm(forms.Form):
    body = forms.CharField(
        label="Your message",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter your message"},
    )
    attachment = forms.FileField(
        label="Attach a file (optional)",
        help_text="A PDF, Word document or picture.",
        required=False,
    )


class WithdrawForm(forms.Form):
    reasons = forms.CharField(
        label="Why do you want to withdraw the request?",
        help_text="This helps your caseworker. You can ask for an assessment again at any time.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Tell us why you want to withdraw the request"},
    )
    confirm = forms.BooleanField(
        label="I understand that withdrawing stops the request",
        error_messages={"required": "Confirm that you want to withdraw the request"},
    )
