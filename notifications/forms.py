from __future__ import annotations

from typing import Any

from django import forms

from ehcp_portal.accounts.models import User
from ehcp_portal.accounts.phones import uk_mobile_normalise, uk_mobile_or_blank
from notifications.defaults import DEFAULTS
from notifications.models import NotificationTemplate
from notifications.services import wording_render


class EmailPreferenceForm(forms.Form):
    email_opt_in = forms.TypedChoiceField(
        label="Do you want emails about updates that are not legal notices?",
        help_text=(
            "We always email you statutory notices, such as decisions and deadlines the law "
            "sets. Everything is also in your notifications in the portal."
        ),
        choices=[
            ("yes", "Yes, email me about updates and reminders"),
            ("no", "No, only email me statutory notices"),
        ],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether you want emails about updates"},
    )


class ContactPreferenceForm(EmailPreferenceForm):
    """Everyone chooses whether to get updates; a family member also chooses how (issue 19)."""

    contact_channel = forms.ChoiceField(
        label="How should we send you letters and updates?",
        help_text="Everything is also in the portal.",
        choices=[
            ("email", "By email"),
            ("sms", "By text message, with a link to the portal"),
            ("post", "By post (letters about your child's request)"),
        ],
        widget=forms.RadioSelect,
        required=False,  # unchanged when not answered
    )
    phone = forms.CharField(
        label="Mobile phone number",
        help_text="For text messages. A UK mobile number, like 07700 900 982.",
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if not user.is_family:
            # Staff are reached by email at work.
            del self.fields["contact_channel"]
            del self.fields["phone"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "contact_channel" not in self.fields:
            return cleaned
        raw_phone = (cleaned.get("phone") or "").replace("\x00", "").strip()
        if raw_phone:
            try:
                cleaned["phone"] = uk_mobile_normalise(raw_phone)
            except ValueError as exc:
                self.add_error("phone", str(exc))
        channel = cleaned.get("contact_channel")
        if channel == "sms" and not raw_phone and not uk_mobile_or_blank(self.user.phone):
            self.add_error("phone", "Enter a mobile phone number to get text messages")
        if channel == "email" and not self.user.has_email:
            self.add_error(
                "contact_channel", "We do not have your email address: choose another way"
            )
        return cleaned


class NotificationTemplateAdminForm(forms.ModelForm):
    """Refuse wording that cannot be filled in (a stray brace) before it reaches anyone."""

    class Meta:
        model = NotificationTemplate
        fields = ["purpose", "name", "subject", "body", "statutory", "placeholders"]

    def _check(self, field: str) -> str:
        text = self.cleaned_data.get(field, "").replace("\x00", "")
        try:
            wording_render(text, {})
        except (ValueError, IndexError) as exc:
            raise forms.ValidationError(
                "Use {placeholder} with matching braces; write {{ or }} for a brace itself."
            ) from exc
        return text

    def clean_subject(self) -> str:
        return self._check("subject")

    def clean_body(self) -> str:
        return self._check("body")

    def clean_purpose(self) -> str:
        purpose = self.cleaned_data["purpose"]
        if purpose not in DEFAULTS:
            raise forms.ValidationError(
                "Choose one of the purposes the portal sends: " + ", ".join(sorted(DEFAULTS))
            )
        return purpose
