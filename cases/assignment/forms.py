from __future__ import annotations

from typing import Any, Literal, cast

from django import forms
from django.db.models import Q, QuerySet
from django.http import QueryDict

from cases.assignment.cohort import CohortFileError, cohort_rows_read
from cases.assignment.decisions import UNCHECKED
from cases.assignment.models import CaseworkerProfile
from cases.assignment.selectors import default_target_once, load_label, with_load
from cases.models import Area
from ehcp_portal.accounts.models import Role, User
from ehcp_portal.forms import ListedModelChoiceField

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


class CaseworkerChoiceField(ListedModelChoiceField):
    # Who the field chooses, as its messages name them.
    noun = "caseworker"
    article = "a"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # One read of the council's default caseload for the whole list of options.
        self.default_target = default_target_once()

    def __deepcopy__(self, memo: dict[int, Any]) -> Any:
        field = super().__deepcopy__(memo)
        field.default_target = default_target_once()
        return field

    def label_from_instance(self, obj: User) -> str:
        if not hasattr(obj, "open_cases"):
            return obj.get_full_name()
        return load_label(obj, self.default_target)

    def to_python(self, value: Any) -> Any:
        """A caseworker's id (the list, or a link such as the team page's), or, where the area
        has too many for a list (`caseworker_choices_fit`), their email or full name."""
        text = str(value or "").strip()
        if "\x00" in text or len(text) > 254:
            raise forms.ValidationError(
                f"Enter the email address or full name of {self.article} {self.noun} in your area",
                code="invalid_choice",
            )
        if text and not text.isdigit():
            assert self.queryset is not None
            matches = list(
                self.queryset.filter(Q(email__iexact=text) | Q(full_name__iexact=text))[:2]
            )
            if len(matches) == 1:
                return matches[0]
            if matches:
                raise forms.ValidationError(
                    f"More than one {self.noun} in your area has that name: enter their email "
                    "address",
                    code="ambiguous",
                )
            raise forms.ValidationError(
                f"Enter the email address or full name of {self.article} {self.noun} in your area",
                code="invalid_choice",
            )
        return super().to_python(value)


# Beyond this many caseworkers a list is too long to read or to send (an area of a national
# service has thousands): the field becomes a box for the caseworker's email or name.
CASEWORKER_LIST_MAX = 200


def caseworker_ids_probe(caseworkers: QuerySet[User]) -> list[int]:
    """Any CASEWORKER_LIST_MAX + 1 of the caseworkers' ids: whether they fit a list."""
    return list(caseworkers.order_by().values_list("pk", flat=True)[: CASEWORKER_LIST_MAX + 1])


def caseworker_choices_fit(
    field: forms.Field, caseworkers: QuerySet[User], ids: list[int] | None = None
) -> None:
    """Give a CaseworkerChoiceField its options, read with their caseloads, when there are at
    most CASEWORKER_LIST_MAX caseworkers; past that, a text box for an email or name. `ids`:
    the same caseworkers' `caseworker_ids_probe`, where a page has two such fields."""
    field = cast(CaseworkerChoiceField, field)
    field.queryset = caseworkers
    # Whether the list fits, from ids alone (any CASEWORKER_LIST_MAX + 1 of them); only then
    # are the caseworkers read with their caseloads. Reading the first 201 with caseloads to
    # find out cost an area of 2,222 caseworkers 8 ms, twice on the manager's caseload page.
    if ids is None:
        ids = caseworker_ids_probe(caseworkers)
    if len(ids) > CASEWORKER_LIST_MAX:
        field.widget = forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"})
        field.help_text = "Their email address or full name"
        return
    field.choices = [("", field.empty_label or "")] + [
        (worker.pk, field.label_from_instance(worker)) for worker in caseworkers.filter(pk__in=ids)
    ]


def _area_caseworkers(area_id: int | None) -> QuerySet[User]:
    caseworkers = with_load(User.objects.filter(role=Role.CASEWORKER, is_active=True))
    if area_id is None:
        # A case with no area yet: as `team__area_id=None` always did, caseworkers in no team.
        return caseworkers.filter(team__area__isnull=True).order_by("full_name", "pk")
    return caseworkers.filter(team__area_id=area_id).order_by("full_name", "pk")


NOBODY = "none"


def based_on_initial(caseworker_id: int | None) -> str:
    """What a reassignment form carries of the caseworker it was based on."""
    return str(caseworker_id) if caseworker_id else NOBODY


def conflict_data(data: QueryDict, current: User | None) -> QueryDict:
    """The manager's answers, re-based on the caseworker the case has now."""
    rebased = data.copy()
    rebased["based_on"] = based_on_initial(current.pk if current else None)
    return rebased


class BasedOnField(forms.CharField):
    """The caseworker the page showed when the manager opened it: the service refuses the
    change if it is no longer so (two managers reassigning the same case)."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, **kwargs)

    def to_python(self, value: Any) -> int | None | Literal["unchecked"]:  # type: ignore[override]
        text = str(value or "").strip()
        if text == NOBODY:
            return None
        return int(text) if text.isdigit() and len(text) < 12 else UNCHECKED


class _Clean(forms.Form):
    def clean_reason(self) -> str:
        reason = (self.cleaned_data.get("reason") or "").replace("\x00", "").strip()
        if not reason:
            raise forms.ValidationError(self.fields["reason"].error_messages["required"])
        return reason


class OverrideForm(_Clean):
    based_on = BasedOnField()
    caseworker = CaseworkerChoiceField(
        queryset=User.objects.none(),
        label="New caseworker",
        empty_label="Choose a caseworker",
        error_messages={
            "required": "Choose the new caseworker",
            "invalid_choice": "Choose a caseworker from the list",
        },
    )
    reason = forms.CharField(
        label="Why are you changing the caseworker?",
        help_text="This is recorded on the case timeline.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        error_messages={"required": "Enter why you are changing the caseworker"},
    )

    def __init__(self, *args: Any, area_id: int | None, current_id: int | None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        caseworkers = _area_caseworkers(area_id)
        if current_id is not None:
            caseworkers = caseworkers.exclude(pk=current_id)
        cast(CaseworkerChoiceField, self.fields["caseworker"]).queryset = caseworkers


class PlacedCaseworkerField(CaseworkerChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.team.area if obj.team else 'No area'}: {load_label(obj, self.default_target)}"


class PlaceForm(forms.Form):
    """A manager places a triage case in an area, and may choose its caseworker there."""

    area = ListedModelChoiceField(
        queryset=Area.objects.order_by("name", "pk"),
        label="Which area should have this case?",
        empty_label="Choose an area",
        error_messages={
            "required": "Choose the area that should have this case",
            "invalid_choice": "Choose an area from the list",
        },
    )
    caseworker = PlacedCaseworkerField(
        queryset=with_load(
            User.objects.filter(role=Role.CASEWORKER, is_active=True, team__isnull=False)
        )
        .select_related("team__area")
        .order_by("team__area__name", "full_name", "pk"),
        label="Caseworker (optional)",
        help_text="Leave empty and the assignment rules choose a caseworker in that area.",
        empty_label="Let the assignment rules choose",
        required=False,
        error_messages={"invalid_choice": "Choose a caseworker from the list"},
    )
    note = forms.CharField(
        label="Note for the timeline (optional)",
        help_text="For example, why this area: the family has moved, or lives on the border.",
        max_length=300,
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        area, caseworker = cleaned.get("area"), cleaned.get("caseworker")
        if area is not None and caseworker is not None and caseworker.team.area_id != area.pk:
            self.add_error("caseworker", f"Choose a caseworker who works in {area}")
        return cleaned


class RebalanceChooseForm(forms.Form):
    caseworker = CaseworkerChoiceField(
        queryset=User.objects.none(),
        label="Whose cases need to move?",
        empty_label="Choose a caseworker",
        error_messages={
            "required": "Choose the caseworker whose cases need to move",
            "invalid_choice": "Choose a caseworker from the list",
        },
    )

    def __init__(self, *args: Any, area_id: int, **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(CaseworkerChoiceField, self.fields["caseworker"]).queryset = _area_caseworkers(area_id)


class RebalanceApplyForm(_Clean):
    WHY_CHOICES = [
        (CaseworkerProfile.NotTakingReason.ABSENT, "They are absent (leave or sickness)"),
        (CaseworkerProfile.NotTakingReason.LEAVING, "They are leaving the team"),
        ("", "Rebalancing only: they keep taking new cases"),
    ]
    caseworker = forms.IntegerField(widget=forms.HiddenInput)
    fingerprint = forms.CharField(widget=forms.HiddenInput, max_length=32)
    why = forms.ChoiceField(
        label="Why are the cases moving?",
        choices=WHY_CHOICES,
        widget=forms.RadioSelect,
        required=False,
    )
    reason = forms.CharField(
        label="Note for the timeline",
        help_text="Recorded on each moved case and sent to the caseworkers receiving cases.",
        max_length=300,
        error_messages={"required": "Enter a note for the timeline"},
    )


class CohortUploadForm(forms.Form):
    file = forms.FileField(
        label="Upload a CSV file of children",
        help_text=(
            "Columns: first_name, last_name, date_of_birth (YYYY-MM-DD), postcode, setting_urn, "
            "looked_after (yes or no), needs (SEN2 codes separated by semicolons), and if known "
            "upn (the child's unique pupil number: a child already known by it is that child)."
        ),
        error_messages={"required": "Select a CSV file", "empty": "The selected file is empty"},
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".csv"):
            raise forms.ValidationError("The selected file must be a CSV")
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The selected file must be smaller than 5MB")
        try:
            self.rows = cohort_rows_read(upload.read())
        except CohortFileError as exc:
            raise forms.ValidationError(str(exc)) from exc
        if not self.rows:
            raise forms.ValidationError("The selected file has no children in it")
        return upload
