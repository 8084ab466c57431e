"""The one GOV.UK date input: whatever is typed in its three boxes ends in a date, nothing (an
optional date left blank) or the Design System's message, never an exception."""

from __future__ import annotations

from datetime import date

import pytest
from django import forms

from ehcp_portal.forms import GovUKDateField


class _DatesForm(forms.Form):
    born_on = GovUKDateField(label="Date of birth")
    hearing_on = GovUKDateField(
        label="When is the hearing?", name_in_errors="The hearing date", required=False
    )


def _errors(day: str, month: str, year: str) -> dict[str, list[str]]:
    form = _DatesForm({"born_on_0": day, "born_on_1": month, "born_on_2": year})
    form.is_valid()
    return {name: list(messages) for name, messages in form.errors.items()}


@pytest.mark.parametrize(
    "day,month,year,message",
    [
        ("", "", "", "Enter date of birth"),
        (" ", "\t", "\x00", "Enter date of birth"),
        ("", "5", "2016", "Date of birth must include a day"),
        ("4", "", "2016", "Date of birth must include a month"),
        ("4", "5", "", "Date of birth must include a year"),
        ("", "", "2016", "Date of birth must include a day and month"),
        ("4", "", "", "Date of birth must include a month and year"),
        ("31", "2", "2027", "Date of birth must be a real date"),
        ("4", "13", "2016", "Date of birth must be a real date"),
        ("0", "5", "2016", "Date of birth must be a real date"),
        ("four", "5", "2016", "Date of birth must be a real date"),
        ("4", "May", "2016", "Date of birth must be a real date"),
        ("4", "5", "20l6", "Date of birth must be a real date"),
        ("-4", "5", "2016", "Date of birth must be a real date"),
        ("4.0", "5", "2016", "Date of birth must be a real date"),
        ("4\x005", "5", "2016", "Date of birth must be a real date"),  # 45 once NUL is gone
        ("\u0664", "5", "2016", "Date of birth must be a real date"),  # Arabic-Indic four
        ("99999999999", "5", "2016", "Date of birth must be a real date"),
        ("4", "99999999999999999999999", "2016", "Date of birth must be a real date"),
        ("9" * 5000, "5", "2016", "Date of birth must be a real date"),  # past int()'s limit
        ("4", "5", "99999999999", "Year must include 4 numbers"),
        ("4", "5", "16", "Year must include 4 numbers"),
        ("4", "5", "016", "Year must include 4 numbers"),
        ("4", "5", "0000", "Date of birth must be a real date"),
        ("4", "5", "1899", "Date of birth must be the same as or after 1 January 1900"),
        ("4", "5", "9999", "Date of birth must be the same as or before 31 December 2199"),
    ],
)
def test_a_bad_date_gets_the_govuk_message(day, month, year, message):
    assert _errors(day, month, year) == {"born_on": [message]}


@pytest.mark.parametrize(
    "day,month,year,message",
    [
        ("", "", "", None),
        ("\x00", "", " ", None),
        ("", "3", "", "The hearing date must include a day and year"),
        ("30", "2", "2027", "The hearing date must be a real date"),
        ("1", "2", "27", "Year must include 4 numbers"),
    ],
)
def test_an_optional_date_may_be_left_blank_but_not_half_typed(day, month, year, message):
    form = _DatesForm(
        {
            "born_on_0": "4",
            "born_on_1": "5",
            "born_on_2": "2016",
            "hearing_on_0": day,
            "hearing_on_1": month,
            "hearing_on_2": year,
        }
    )
    if message is None:
        assert form.is_valid() and form.cleaned_data["hearing_on"] is None
    else:
        assert form.errors == {"hearing_on": [message]}


@pytest.mark.parametrize(
    "day,month,year",
    [("4", "5", "2016"), ("04", "05", "2016"), (" 4 ", "5\t", " 2016"), ("4\x00", "5", "2016")],
)
def test_a_real_date_is_read_with_spaces_leading_zeros_and_nul_ignored(day, month, year):
    form = _DatesForm({"born_on_0": day, "born_on_1": month, "born_on_2": year})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["born_on"] == date(2016, 5, 4)


def test_the_form_shows_a_date_in_three_boxes_and_what_was_typed_again_without_nul():
    unbound = str(_DatesForm(initial={"born_on": date(2016, 5, 4)})["born_on"])
    assert 'name="born_on_0" value="4"' in unbound
    assert 'name="born_on_1" value="5"' in unbound
    assert 'name="born_on_2" value="2016"' in unbound
    bound = str(_DatesForm({"born_on_0": "3\x00", "born_on_1": "x", "born_on_2": ""})["born_on"])
    assert 'value="3"' in bound and 'value="x"' in bound and "\x00" not in bound


def test_the_required_message_can_be_worded_by_the_form():
    field = GovUKDateField(
        label="Date", error_messages={"required": "Enter the date you told the family"}
    )
    with pytest.raises(forms.ValidationError) as refused:
        field.clean(["", "", ""])
    assert refused.value.messages == ["Enter the date you told the family"]


def test_a_question_for_a_label_must_come_with_a_name_for_the_messages():
    with pytest.raises(ValueError, match="name_in_errors"):
        GovUKDateField(label="When did it start?")
