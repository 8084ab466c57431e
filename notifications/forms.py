from __future__ import annotations

from django import forms

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
