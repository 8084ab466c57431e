"""`{% field %}` (ehcp_portal.fields): one bound field as GOV.UK markup, escaped as a template
would escape it, with the ids the error summary links to."""

from __future__ import annotations

from datetime import date

from django import forms
from django.template import engines

from ehcp_portal.forms import GovUKDateField

HOSTILE = '"><script>alert(1)</script>'


class Everything(forms.Form):
    name = forms.CharField(label="Child's name", help_text="As on the birth certificate")
    email = forms.EmailField(required=False)
    count = forms.IntegerField(required=False)
    notes = forms.CharField(widget=forms.Textarea, required=False)
    colour = forms.ChoiceField(choices=[("", "Choose"), ("r", "Red"), ("g", HOSTILE)])
    size = forms.ChoiceField(choices=[("s", "Small"), ("l", "Large")], widget=forms.RadioSelect)
    days = forms.MultipleChoiceField(
        choices=[("mon", "Monday"), ("tue", "Tuesday")],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    agree = forms.BooleanField(required=False, help_text="Tick to agree")
    born = GovUKDateField(label="Date of birth")
    secret = forms.CharField(widget=forms.PasswordInput, required=False)
    token = forms.CharField(widget=forms.HiddenInput, required=False)


def _render(source: str, **context) -> str:
    return engines["django"].from_string("{% load portal %}" + source).render(context)


def test_values_labels_and_errors_are_escaped():
    form = Everything(
        {"name": HOSTILE, "notes": HOSTILE, "colour": "nonsense", "secret": "hunter2"}
    )
    form.is_valid()
    html = _render(
        "{% field form.name %}{% field form.notes %}{% field form.colour %}"
        "{% field form.secret %}{% field form.colour label=label %}",
        form=form,
        label=HOSTILE,
    )
    assert "<script>" not in html
    assert 'value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in html
    assert ">\n&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;</textarea>" in html
    # A password is never written back into the page.
    assert "hunter2" not in html
    # The field in error: its group, its message linked by aria-describedby, its control.
    assert "govuk-form-group--error" in html
    assert 'id="id_colour-error" class="govuk-error-message"' in html
    assert 'class="govuk-select govuk-select--error"' in html
    assert 'aria-describedby="id_colour-error"' in html


def test_hint_and_error_are_both_described():
    form = Everything({"name": ""})
    form.is_valid()
    html = _render("{% field form.name classes='govuk-input--width-20' %}", form=form)
    assert 'aria-describedby="id_name-hint id_name-error"' in html
    assert '<div id="id_name-hint" class="govuk-hint">As on the birth certificate</div>' in html
    assert 'class="govuk-input govuk-input--error govuk-input--width-20"' in html
    assert "This field is required." in html


def test_choices_keep_what_was_chosen_and_the_first_box_takes_the_fields_id():
    form = Everything({"colour": "r", "size": "l", "days": ["tue"], "agree": "on"})
    html = _render(
        "{% field form.colour %}{% field form.size %}{% field form.days %}{% field form.agree %}",
        form=form,
    )
    assert '<option value="r" selected>Red</option>' in html
    assert '<option value="g">&quot;&gt;&lt;script&gt;' in html
    assert 'id="id_size" name="size" type="radio" value="s">' in html
    assert 'id="id_size_1" name="size" type="radio" value="l" checked>' in html
    assert 'id="id_days" name="days" type="checkbox" value="mon">' in html
    assert 'id="id_days_1" name="days" type="checkbox" value="tue" checked>' in html
    assert (
        'id="id_agree" name="agree" type="checkbox" checked aria-describedby="id_agree-hint"'
        in html
    )


def test_a_date_is_three_boxes_and_a_number_is_text_with_a_numeric_keyboard():
    form = Everything(initial={"born": date(2015, 3, 9), "count": 1200})
    html = _render(
        "{% field form.born label_is_page_heading=True %}{% field form.count %}", form=form
    )
    assert '<h1 class="govuk-fieldset__heading">Date of birth</h1>' in html
    assert 'role="group"' in html
    for box, name, value in (("id_born", "born_0", "9"), ("id_born_1", "born_1", "3")):
        assert f'id="{box}" name="{name}" type="text" inputmode="numeric" value="{value}"' in html
    assert 'name="born_2" type="text" inputmode="numeric" value="2015"' in html
    assert 'type="text" inputmode="numeric" value="1200"' in html


def test_a_hidden_field_is_djangos_own_input():
    html = _render("{% field form.token %}", form=Everything(initial={"token": "abc"}))
    assert html == '<input type="hidden" name="token" value="abc" id="id_token">'
