"""One bound form field as GOV.UK Frontend markup: `{% field form.name %}` in a template.

    {% field form.email %}
    {% field form.name label_is_page_heading=True classes="govuk-input--width-20" %}

Optional: `label_is_page_heading` (the label or legend becomes the page's h1, size l),
`classes` (extra classes for the input, select or textarea, e.g. width classes), `label`
(instead of the field's label) and `hint` (instead of its help text).

Widgets (`BoundField.widget_type`): text, email, url, tel, search, number, password, textarea,
select, radioselect, checkboxselectmultiple, checkbox, date, file, clearablefile, hidden, and
"govukdate" (`ehcp_portal.forms.GovUKDateWidget`: day, month and year boxes named `<name>_0`,
`_1`, `_2`). Anything else falls back to Django's own widget HTML inside a GOV.UK form group.

- Number inputs are `type="text"` with `inputmode` (GOV.UK advice: avoid `type="number"`);
  Django still validates the value.
- Ids: inputs keep Django's ids (`id_<name>`); for radios, checkbox groups and dates the FIRST
  box gets `id_<name>`, so the error summary's link (`#id_<name>`) focuses it.
- The hint's id is `<id>-hint` and the error's `<id>-error`, both named by `aria-describedby`.

Written in Python rather than as a template include: every form of the portal goes through it,
and the include's nested conditions and loops cost 0.08 to 0.2 ms a field (measured on the
caseload's six filters: 0.86 ms in all), against 0.02 to 0.06 ms here (0.20 ms in all). Every
value is escaped as a template's `{{ }}` would (localised, aware times in the current time
zone, then escaped).
"""

from __future__ import annotations

from typing import Any

from django.forms import BoundField
from django.utils import dateformat
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from ehcp_portal.rows import escape, local_time

TEXT_INPUTS = frozenset(
    {"text", "email", "url", "tel", "search", "number", "password", "date", "datetime", "time"}
)
GROUPS = frozenset({"radioselect", "checkboxselectmultiple", "govukdate"})
# Attributes the markup sets itself, never copied from the widget's own.
OWN_ATTRS = frozenset(
    {"class", "type", "id", "name", "value", "checked", "aria-describedby", "required"}
)


SELECTED = ("", " selected")


def _out(value: Any) -> str:
    """As `{{ value }}` prints it."""
    if type(value) is str:
        # Plain text (not marked safe): what conditional_escape does with it, without its
        # wrappers; a page's fields place a few hundred such values.
        return escape(value)
    return str(conditional_escape(localize(local_time(value))))


def _or_blank(value: Any) -> str:
    """As `{{ value|default_if_none:'' }}`."""
    return "" if value is None else _out(value)


def _attrs(attrs: dict[str, Any]) -> str:
    """The widget's other attributes (maxlength, autocomplete, rows…)."""
    out = []
    for name, value in attrs.items():
        if name in OWN_ATTRS:
            continue
        if value is True:
            out.append(f" {name}")
        elif value is not False and value is not None:
            out.append(f' {name}="{_out(value)}"')
    return "".join(out)


def _errors(field: BoundField, fid: str) -> str:
    if not field.errors:
        return ""
    shown = "<br>".join(
        f'<span class="govuk-visually-hidden">Error:</span> {_out(e)}' for e in field.errors
    )
    return f'<p id="{fid}-error" class="govuk-error-message">{shown}</p>'


def _described_by(fid: str, hint: str, errors: bool) -> str:
    ids = [f"{fid}-hint"] if hint else []
    if errors:
        ids.append(f"{fid}-error")
    return f' aria-describedby="{" ".join(ids)}"' if ids else ""


def _file_url(value: Any) -> str | None:
    try:
        return getattr(value, "url", None) or None
    except ValueError:  # a file field with no file
        return None


def _choices(field: BoundField, fid: str, kind: str, classes: str) -> str:
    """Radios or checkboxes (`kind`), one per choice; the first takes the field's id."""
    group, box = ("checkboxes", "checkbox") if kind == "checkbox" else ("radios", "radio")
    items = []
    for i, choice in enumerate(field):
        cid = fid if i == 0 else _out(choice.id_for_label)
        data = choice.data
        checked = " checked" if data["selected"] else ""
        items.append(
            f'<div class="govuk-{group}__item">'
            f'<input class="govuk-{group}__input" id="{cid}" name="{_out(data["name"])}" '
            f'type="{box}" value="{_or_blank(data["value"])}"{checked}>'
            f'<label class="govuk-label govuk-{group}__label" for="{cid}">'
            f"{_out(choice.choice_label)}</label></div>"
        )
    extra = f" {classes}" if classes else ""
    return f'<div class="govuk-{group}{extra}" data-module="govuk-{group}">{"".join(items)}</div>'


def _date_parts(field: BoundField, fid: str) -> str:
    parts = field.subwidgets[0].data["subwidgets"]
    error = " govuk-input--error" if field.errors else ""
    out = [f'<div class="govuk-date-input" id="{fid}-parts">']
    last = len(parts) - 1
    for i, part in enumerate(parts):
        pid = fid if i == 0 else _out(part["attrs"].get("id", ""))
        width = "govuk-input--width-4" if i == last else "govuk-input--width-2"
        out.append(
            '<div class="govuk-date-input__item"><div class="govuk-form-group">'
            f'<label class="govuk-label govuk-date-input__label" for="{pid}">'
            f"{('Day', 'Month', 'Year')[i % 3]}</label>"
            f'<input class="govuk-input govuk-date-input__input {width}{error}" id="{pid}" '
            f'name="{_out(part["name"])}" type="text" inputmode="numeric" '
            f'value="{_or_blank(part["value"])}"></div></div>'
        )
    out.append("</div>")
    return "".join(out)


def _group(
    field: BoundField, wt: str, fid: str, label: str, hint: str, heading: bool, classes: str
) -> str:
    """A fieldset: radios, checkboxes or the three boxes of a date."""
    described = _described_by(fid, hint, bool(field.errors))
    role = ' role="group"' if wt == "govukdate" else ""
    if heading:
        legend = (
            '<legend class="govuk-fieldset__legend govuk-fieldset__legend--l">'
            f'<h1 class="govuk-fieldset__heading">{label}</h1></legend>'
        )
    else:
        legend = (
            f'<legend class="govuk-fieldset__legend govuk-fieldset__legend--m">{label}</legend>'
        )
    hint_html = f'<div id="{fid}-hint" class="govuk-hint">{hint}</div>' if hint else ""
    if wt == "radioselect":
        body = _choices(field, fid, "radio", classes)
    elif wt == "checkboxselectmultiple":
        body = _choices(field, fid, "checkbox", classes)
    else:
        body = _date_parts(field, fid)
    return (
        f'<fieldset class="govuk-fieldset"{described}{role}>'
        f"{legend}{hint_html}{_errors(field, fid)}{body}</fieldset>"
    )


def _control(field: BoundField, wt: str, fid: str, hint: str, classes: str) -> str:
    """The input, select or textarea of a single-box field (not a checkbox)."""
    widget = field.field.widget
    attrs = widget.attrs
    errors = bool(field.errors)
    described = _described_by(fid, hint, errors)

    def failed(component: str) -> str:
        return f" govuk-{component}--error" if errors else ""

    own_class = f" {_out(attrs['class'])}" if attrs.get("class") else ""
    extra = f" {classes}" if classes else ""
    name = _out(field.html_name)
    others = _attrs(attrs)
    if wt == "textarea":
        return (
            f'<textarea class="govuk-textarea{failed("textarea")}{extra}'
            f'{own_class}" id="{fid}" name="{name}"{described}{others}>\n'
            f"{_or_blank(field.value())}</textarea>"
        )
    if wt in ("select", "nullbooleanselect"):
        options = "".join(
            f'<option value="{_or_blank(c.data["value"])}"{SELECTED[bool(c.data["selected"])]}>'
            f"{_out(c.choice_label)}</option>"
            for c in field
        )
        return (
            f'<select class="govuk-select{failed("select")}{extra}{own_class}" '
            f'id="{fid}" name="{name}"{described}{others}>{options}</select>'
        )
    if wt in ("file", "clearablefile"):
        value = field.value()
        url = _file_url(value)
        current = (
            f'<p class="govuk-body">Current file: <a class="govuk-link" href="{_out(url)}">'
            f"{_out(value.name)}</a></p>"
            if url
            else ""
        )
        return (
            f'{current}<input class="govuk-file-upload{failed("file-upload")}'
            f'{extra}" id="{fid}" name="{name}" type="file"{described}{others}>'
        )
    # A text-like input.
    if not classes and wt in ("date", "number"):
        extra = " govuk-input--width-10"
    if wt == "number":
        step = attrs.get("step")
        kind = f'text" inputmode="{"decimal" if step and step != 1 else "numeric"}'
    else:
        kind = _out(attrs.get("type") or getattr(widget, "input_type", ""))
    value_attr = ""
    if wt != "password":
        value = field.value()
        if wt == "date" and getattr(value, "year", None):
            shown = dateformat.format(value, "Y-m-d" if attrs.get("type") == "date" else "d/m/Y")
            value_attr = f' value="{_out(shown)}"'
        elif value is not None and value != "":
            value_attr = f' value="{_out(value)}"'
    spellcheck = ' spellcheck="false"' if wt in ("email", "password") else ""
    return (
        f'<input class="govuk-input{failed("input")}{extra}{own_class}" '
        f'id="{fid}" name="{name}" type="{kind}"{value_attr}{spellcheck}{described}{others}>'
    )


def _checkbox(field: BoundField, fid: str, label: str, hint: str, heading: bool) -> str:
    """A single checkbox (a BooleanField): its label beside the box, its hint under it."""
    described = _described_by(fid, hint, bool(field.errors))
    shown = f'<span class="govuk-!-font-weight-bold">{label}</span>' if heading else label
    hint_html = (
        f'<div id="{fid}-hint" class="govuk-hint govuk-checkboxes__hint">{hint}</div>'
        if hint
        else ""
    )
    return (
        '<div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes">'
        '<div class="govuk-checkboxes__item">'
        f'<input class="govuk-checkboxes__input" id="{fid}" name="{_out(field.html_name)}" '
        f'type="checkbox"{" checked" if field.value() else ""}{described}>'
        f'<label class="govuk-label govuk-checkboxes__label" for="{fid}">{shown}</label>'
        f"{hint_html}</div></div>"
    )


def field_html(
    field: BoundField,
    *,
    classes: str = "",
    label: Any = "",
    hint: Any = "",
    label_is_page_heading: bool = False,
) -> SafeString:
    """The GOV.UK form group of one bound field (see the module's docstring)."""
    wt = field.widget_type
    if wt == "hidden":
        return mark_safe(str(field))  # noqa: S308  (Django's own widget HTML, escaped by it)
    fid = _out(field.auto_id)
    label_text = _out(label or field.label)
    hint_text = _out(hint or field.help_text)
    classes = _out(classes) if classes else ""
    heading = bool(label_is_page_heading)
    error_class = " govuk-form-group--error" if field.errors else ""
    if wt in GROUPS:
        body = _group(field, wt, fid, label_text, hint_text, heading, classes)
    elif wt == "checkbox":
        body = _errors(field, fid) + _checkbox(field, fid, label_text, hint_text, heading)
    else:
        if heading:
            label_html = (
                '<h1 class="govuk-label-wrapper"><label class="govuk-label govuk-label--l" '
                f'for="{fid}">{label_text}</label></h1>'
            )
        else:
            label_html = f'<label class="govuk-label" for="{fid}">{label_text}</label>'
        hint_html = (
            f'<div id="{fid}-hint" class="govuk-hint">{hint_text}</div>' if hint_text else ""
        )
        if wt in TEXT_INPUTS or wt in (
            "textarea",
            "select",
            "nullbooleanselect",
            "file",
            "clearablefile",
        ):
            control = _control(field, wt, fid, hint_text, classes)
        else:
            control = _out(field)
        body = label_html + hint_html + _errors(field, fid) + control
    # Every piece above is escaped as it is placed.
    return mark_safe(f'<div class="govuk-form-group{error_class}">{body}</div>')  # noqa: S308
