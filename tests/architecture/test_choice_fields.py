"""Every model choice field of the portal reads its options with one plain query
(`ehcp_portal.forms.ListedModelChoiceField` and its multiple-choice twin): Django's own read
them through a server-side cursor on PostgreSQL, three round trips for each select rendered."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.architecture.test_dependencies import ROOT, source_files

DJANGO_FIELDS = {"ModelChoiceField", "ModelMultipleChoiceField"}
DEFINED_IN = ROOT / "ehcp_portal" / "forms.py"


def django_choice_fields_used(path: Path) -> list[tuple[int, str]]:
    """(line, field) wherever `path` makes or subclasses one of Django's model choice fields."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        made = [node.func] if isinstance(node, ast.Call) else []
        bases = node.bases if isinstance(node, ast.ClassDef) else []
        for target in [*made, *bases]:
            name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
            if name in DJANGO_FIELDS:
                found.append((node.lineno, name))
    return found


def test_model_choice_fields_are_the_listed_ones():
    used = [
        f"{path.relative_to(ROOT)}:{line}: {name}"
        for path in source_files()
        if path != DEFINED_IN
        for line, name in django_choice_fields_used(path)
    ]
    assert used == []


def test_the_check_catches_a_django_choice_field(tmp_path):
    module = tmp_path / "forms.py"
    module.write_text(
        "from django import forms\n"
        "class F(forms.Form):\n"
        "    area = forms.ModelChoiceField(queryset=None)\n"
        "class G(forms.ModelMultipleChoiceField):\n"
        "    pass\n"
    )
    assert sorted(django_choice_fields_used(module)) == [
        (3, "ModelChoiceField"),
        (4, "ModelMultipleChoiceField"),
    ]
