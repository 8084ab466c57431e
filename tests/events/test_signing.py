"""The signature scheme, and the verification example a council copies from docs/api.md."""

from __future__ import annotations

import re
import time
from pathlib import Path

from cases.events import signing

DOCS = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def _documented_check():
    section = DOCS.read_text().split("## Events and webhooks", 1)[1].split("\n## ", 1)[0]
    (code,) = re.findall(r"```python\n(.*?)```", section, re.S)
    namespace: dict = {}
    exec(code, namespace)  # our own documentation, run to prove it is right
    return namespace["ehcp_signature_valid"]


def test_the_documented_example_accepts_what_the_portal_signs_and_nothing_else():
    check = _documented_check()
    body = b'{"id": 1, "type": "case.opened"}'
    header = signing.signature_header("secret", body, int(time.time()))
    assert check("secret", body, header)
    assert not check("secret", body.replace(b"1", b"2"), header)
    assert not check("other", body, header)
    assert not check("secret", body, signing.signature_header("secret", body, 1_000_000))
    assert not check("secret", body, "garbage")


def test_the_signature_covers_the_timestamp():
    body = b"{}"
    header = signing.signature_header("k", body, 1_800_000_000)
    moved = header.replace("t=1800000000", "t=1800000100")
    assert signing.signature_valid("k", body, header, now=1_800_000_000)
    assert not signing.signature_valid("k", body, moved, now=1_800_000_100)
