from __future__ import annotations

from django import forms
from django.http import HttpRequest

from ehcp_portal.accounts.models import Role, User


class SignupDetailsForm(forms.Form):
    """Extra sign-up questions. Public sign-up creates family accounts only; staff,
    professionals and members are created by an administrator."""

    full_name = forms.CharField(
        label="Full name", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    applying_as = forms.ChoiceField(
        label="Who are you?",
        choices=[
            (Role.PARENT, "A parent or carer of a child or young person"),
            (Role.YOUNG_PERSON, "A young person aged 16 to 25 asking for myself"),
        ],
        widget=forms.RadioSelect,
        initial=Role.PARENT,
    )

    def signup(self, request: HttpRequest, user: User) -> None:
        user.full_name = self.cleaned_data["full_name"].strip()
        user.role = self.cleaned_data["applying_as"]
        user.save(update_fields=["full_name", "role"])


def _mobile_clean(raw: str) -> str:
    from ehcp_portal.accounts.phones import uk_mobile_normalise

    try:
        return uk_mobile_normalise(raw)
    except ValueError as exc:
        raise forms.ValidationError(str(exc)) from exc


class SignInCodeForm(forms.Form):
    code = forms.CharField(
        label="Enter your sign-in code",
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
        error_messages={"required": "Enter the code we sent you"},
    )


class SignInCodeSettingsForm(forms.Form):
    """A family member turns sign-in codes on (by email or text) or off."""

    channel = forms.ChoiceField(
        label="Do you want a code each time you sign in?",
        help_text=(
            "After your password we send a 6-digit code, which works once and for 10 minutes. "
            "Someone who learns your password cannot sign in without it."
        ),
        choices=[
            ("", "No, my password is enough"),
            ("email", "Yes, email me a code"),
            ("sms", "Yes, text me a code"),
        ],
        required=False,
        widget=forms.RadioSelect,
    )
    phone = forms.CharField(
        label="Mobile phone number",
        help_text="For a code by text. A UK mobile number, like 07700 900 982.",
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.user = user

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        channel = cleaned.get("channel", "")
        raw_phone = (cleaned.get("phone") or "").replace("\x00", "")
        if channel == "sms":
            if not raw_phone.strip():
                self.add_error("phone", "Enter a mobile phone number to get codes by text")
            else:
                try:
                    cleaned["phone"] = _mobile_clean(raw_phone)
                except forms.ValidationError as exc:
                    self.add_error("phone", exc)
        elif raw_phone.strip():
            try:
                cleaned["phone"] = _mobile_clean(raw_phone)
            except forms.ValidationError as exc:
                self.add_error("phone", exc)
        if channel == "email" and not self.user.has_email:
            self.add_error("channel", "We do not have your email address: choose a code by text")
        return cleaned


class PhoneSignInForm(forms.Form):
    """A family member without email signs in with their mobile number (issue 19)."""

    phone = forms.CharField(
        label="Your mobile phone number",
        help_text="The number you gave the council. A UK mobile number, like 07700 900 982.",
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
        error_messages={"required": "Enter your mobile phone number"},
    )

    def clean_phone(self) -> str:
        return _mobile_clean((self.cleaned_data["phone"] or "").replace("\x00", ""))
