"""Assisted-digital family accounts (issue 19): a caseworker or team manager sets up an account
for a child's parent who has no email address, with a mobile number and/or the postal address,
and how the council contacts them (text message or post).

The account's sign-in name is an address in `NO_EMAIL_DOMAIN` (never delivered to); the parent
signs in with their mobile number and a texted code (`ehcp_portal.accounts.phone_signin`), or
never signs in and is reached by text or post through the outbox. The postal address is the
child's (`Child.address`), the one address the council holds for the family.

Who may: staff who may work on the case (`access.CASE_WORK`: the caseworker and their team,
team managers of the case's area); for everyone else the page does not exist (404).
"""

from __future__ import annotations

import uuid
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from cases.models import Case
from cases.postal import AddressUnusable, postal_address_lines
from cases.postcodes import postcode_normalise
from cases.services import case_event_record
from ehcp_portal import access
from ehcp_portal.accounts.models import NO_EMAIL_DOMAIN, ContactChannel, Role, User
from ehcp_portal.accounts.phones import uk_mobile_normalise
from ehcp_portal.audit.models import AccessKind
from ehcp_portal.audit.services import access_record
from families.models import FamilyMembership

STAFF = (Role.CASEWORKER, Role.TEAM_MANAGER)


class AssistedAccountForm(forms.Form):
    full_name = forms.CharField(
        label="Full name of the parent or carer",
        max_length=150,
        error_messages={"required": "Enter the name of the parent or carer"},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    relationship = forms.ChoiceField(
        label="Their relationship to the child or young person",
        choices=FamilyMembership.Relationship.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select their relationship to the child or young person"},
    )
    phone = forms.CharField(
        label="Mobile phone number (optional)",
        help_text="A UK mobile number, like 07700 900 982. They can sign in with it.",
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "type": "tel"}),
    )
    address = forms.CharField(
        label="Postal address (optional)",
        help_text="The child's home address: letters to the family go here.",
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off"}),
    )
    postcode = forms.CharField(
        label="Postcode", max_length=10, required=False, widget=forms.TextInput()
    )
    contact_channel = forms.ChoiceField(
        label="How should we contact them?",
        choices=[
            (ContactChannel.SMS, "Text message (with a link to the portal)"),
            (ContactChannel.POST, "Letter by post"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select how we should contact them"},
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name in ("full_name", "phone", "address", "postcode"):
            if name in cleaned:
                cleaned[name] = cleaned[name].replace("\x00", "").strip()
        phone = cleaned.get("phone", "")
        if phone:
            try:
                cleaned["phone"] = uk_mobile_normalise(phone)
            except ValueError as exc:
                self.add_error("phone", str(exc))
        address = cleaned.get("address", "")
        has_address = self._postal_address_checked(cleaned)
        channel = cleaned.get("contact_channel")
        if channel == ContactChannel.SMS and not phone and "phone" not in self.errors:
            self.add_error("phone", "Enter a mobile phone number to contact them by text")
        if channel == ContactChannel.POST and not has_address and not self.errors.get("address"):
            self.add_error("address", "Enter the postal address to contact them by post")
        if not phone and not address and not self.errors:
            self.add_error("phone", "Enter a mobile phone number or a postal address")
        return cleaned

    def _postal_address_checked(self, cleaned: dict[str, Any]) -> bool:
        """Whether letters can be posted to the address typed; adds the errors if not. A
        postcode alone (the child's, filled in for them) is no address and stops nothing."""
        address, postcode = cleaned.get("address", ""), cleaned.get("postcode", "")
        if postcode and postcode_normalise(postcode) is None:
            self.add_error("postcode", "Enter a full UK postcode, like LS1 4AP")
            return False
        if not address:
            return False
        if not postcode:
            self.add_error("postcode", "Enter the postcode of the address")
            return False
        try:
            postal_address_lines(
                name=cleaned.get("full_name") or "Name", address=address, postcode=postcode
            )
        except AddressUnusable as exc:
            self.add_error("address", f"We could not post letters to it. {exc}")
            return False
        return True


class ContactPreferenceForm(forms.Form):
    """Staff change how the council contacts a family member who has no email address."""

    member = forms.IntegerField(widget=forms.HiddenInput)
    contact_channel = forms.ChoiceField(
        label="How should we contact them?",
        choices=[
            (ContactChannel.SMS, "Text message"),
            (ContactChannel.POST, "Letter by post"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select how we should contact them"},
    )


def family_contact_preference_set(
    *, case: Case, member: User, contact_channel: str, actor: User
) -> str:
    """Change a member's contact channel; "" when done, else why it cannot be (no mobile number
    for texts, no address letters can be posted to)."""
    if contact_channel == ContactChannel.SMS and not member.phone:
        return "We do not hold a mobile number for them, so we cannot text them"
    child = case.child
    if contact_channel == ContactChannel.POST:
        try:
            postal_address_lines(
                name=member.get_full_name(), address=child.address, postcode=child.postcode
            )
        except AddressUnusable as exc:
            return f"We cannot post letters to the child's address. {exc}"
    if member.contact_channel != contact_channel:
        member.contact_channel = contact_channel
        member.save(update_fields=["contact_channel"])
        how = "text message" if contact_channel == ContactChannel.SMS else "post"
        case_event_record(
            case=case,
            kind="family_contact",
            summary=f"{member.get_full_name()} to be contacted by {how}",
            actor=actor,
            data={"user": member.pk, "contact_channel": contact_channel},
        )
    return ""


@transaction.atomic
def assisted_family_account_create(
    *,
    case: Case,
    actor: User,
    full_name: str,
    relationship: str,
    phone: str,
    address: str,
    postcode: str,
    contact_channel: str,
) -> tuple[User, bool]:
    """Make the account and link it to the child; (user, created). The same person submitted
    twice (a double click, the back button) is found under the case's row lock and returned."""
    case = Case.objects.select_for_update().select_related("child").get(pk=case.pk)
    child = case.child
    existing = (
        User.objects.filter(
            memberships__child=child,
            full_name__iexact=full_name,
            email__endswith="@" + NO_EMAIL_DOMAIN,
        )
        .order_by("pk")
        .first()
    )
    if existing is not None:
        return existing, False
    user = User(
        email=f"family-{uuid.uuid4().hex[:16]}@{NO_EMAIL_DOMAIN}",
        full_name=full_name,
        role=Role.PARENT,
        phone=phone,
        contact_channel=contact_channel,
    )
    user.set_unusable_password()  # they sign in with their mobile number and a texted code
    user.save()
    FamilyMembership.objects.create(user=user, child=child, relationship=relationship)
    if address:  # the form accepted it as an address letters can be posted to
        child.address, child.postcode = address, postcode_normalise(postcode) or postcode
        child.save(update_fields=["address", "postcode"])
    how = "text message" if contact_channel == ContactChannel.SMS else "post"
    case_event_record(
        case=case,
        kind="family_account",
        summary=f"Account set up for {full_name} without an email address (contact by {how})",
        actor=actor,
        data={"user": user.pk, "contact_channel": contact_channel},
    )
    return user, True


def assisted_account_new(request: HttpRequest, reference: str) -> HttpResponse:
    user = cast(User, request.user)
    access.role_required(user, *STAFF)
    case = access.case_or_404(
        user,
        reference,
        access.CASE_WORK,
        queryset=Case.objects.select_related("child"),
    )
    access_record(user, kind=AccessKind.CASE, case=case, request=request)
    child = case.child
    here = reverse("families:assisted_account_new", args=[case.reference])
    members = list(
        User.objects.filter(memberships__child=child)
        .order_by("pk")
        .only("full_name", "email", "phone", "contact_channel")
    )
    form = AssistedAccountForm(initial={"address": child.address, "postcode": child.postcode})
    preference_form = None
    if request.method == "POST" and "member" in request.POST:
        preference_form = ContactPreferenceForm(request.POST)
        if preference_form.is_valid():
            wanted = preference_form.cleaned_data["member"]
            member = next((m for m in members if m.pk == wanted and not m.has_email), None)
            problem = (
                family_contact_preference_set(
                    case=case,
                    member=member,
                    contact_channel=preference_form.cleaned_data["contact_channel"],
                    actor=user,
                )
                if member is not None
                else "Choose a family member without an email address"
            )
            if not problem and member is not None:
                messages.success(request, f"Contact preference saved for {member.full_name}.")
                return redirect(here)
            preference_form.add_error("contact_channel", problem)
    elif request.method == "POST":
        form = AssistedAccountForm(request.POST)
        if form.is_valid():
            member, created = assisted_family_account_create(
                case=case, actor=user, **form.cleaned_data
            )
            if created:
                messages.success(
                    request,
                    f"Account set up for {member.full_name}. "
                    + (
                        "They can sign in with their mobile number and a code we text them."
                        if member.phone
                        else "We will post them letters."
                    ),
                )
            else:
                messages.info(request, f"{member.full_name} already has an account for this child.")
            return redirect(here)
    return render(
        request,
        "families/assisted_account.html",
        {
            "form": form,
            "preference_form": preference_form,
            "case": case,
            "child": child,
            "members": members,
        },
    )
