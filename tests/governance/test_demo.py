"""Acceptance (issue 14): on the demo, the retention dry run lists what it would remove, and the
bundle for a demo child opens and holds what is listed."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from cases.models import Case
from ehcp_portal.accounts.models import User
from ehcp_portal.governance.models import ErasureRecord, SubjectAccessBundle
from ehcp_portal.governance.subject_access import subject_access_bundle_build
from families.models import Child


def test_the_demo_dry_run_lists_old_records_and_removes_nothing(db):
    call_command("seed_demo", "--cases", "40", "--seed", "5", stdout=StringIO())
    children = Child.objects.count()
    out = StringIO()
    call_command("retention_run", "--dry-run", stdout=out)
    printed = out.getvalue()

    # two adults past 31 years from birth and a request never sent; the third adult is held
    assert "3 would be removed" in printed
    old = Case.objects.filter(reference__regex=r"^EHC-\d{4}-9\d{5}$").order_by("reference")
    assert old.count() == 3
    for case in old:
        assert case.reference in printed
    assert printed.count("would anonymise") == 2
    assert f"{old.last().reference}), past its period" in printed
    assert "kept: legal hold" in printed.split(old.last().reference)[1].split("\n")[0]
    assert "1 request started but never sent made before" in printed
    assert Child.objects.count() == children
    assert not ErasureRecord.objects.exists()


def test_the_bundle_for_a_demo_child_opens_with_everything_listed(db):
    call_command("seed_demo", "--cases", "40", "--seed", "5", stdout=StringIO())
    parent = User.objects.get(email="parent@demo.ehcp.test")
    child = Child.objects.filter(memberships__user=parent).order_by("pk").first()
    dpo = User.objects.get(email="dpo@demo.ehcp.test")
    bundle = SubjectAccessBundle.objects.create(
        child=child, requested_by=dpo, expires_at=timezone.now() + timedelta(days=30)
    )
    bundle = subject_access_bundle_build(bundle.pk)

    with bundle.file.open("rb") as fh:
        zf = zipfile.ZipFile(io.BytesIO(fh.read()))
    assert zf.testzip() is None
    data = json.loads(zf.read("data.json"))
    assert data["child"]["first_name"] == child.first_name
    assert [m["name"] for m in data["family"]] == [parent.get_full_name()]
    assert data["cases"] and data["timeline"]
    assert zf.read("summary.pdf").startswith(b"%PDF")
    assert len([n for n in zf.namelist() if n.startswith(("letters/", "documents/"))]) == (
        bundle.files_included
    )
