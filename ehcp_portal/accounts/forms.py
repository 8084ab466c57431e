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
