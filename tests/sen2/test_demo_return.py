"""The acceptance check on the demo: its SEN2 return parses, follows the structure and passes
the validation report, bar the cohort imports that do not say who asked (rule R1)."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from cases.sen2.records import sen2_header, sen2_persons
from cases.sen2.scope import sen2_counts
from cases.sen2.validation import sen2_validate
from cases.sen2.xml import sen2_write
from tests.sen2.test_export import check_structure

pytestmark = pytest.mark.django_db


def test_the_demo_return_parses_follows_the_structure_and_validates():
    call_command("seed_demo", "--cases", "300", "--seed", "7", stdout=StringIO())
    on = timezone.localdate()
    counts = sen2_counts(on)
    assert counts["active"] > 0 and counts["total"] > 100
    report = sen2_validate(sen2_header(on), sen2_persons(on))
    assert set(report.by_rule) <= {"R1"}, report.problems[:5]
    assert report.by_rule.get("R1", 0) <= counts["total"] * 0.05
    out = io.StringIO()
    sen2_write(out, sen2_header(on), sen2_persons(on))
    root = ET.fromstring(out.getvalue().encode())
    check_structure(root)
    assert len(root.findall("Persons/Person/Requests")) == counts["total"]
