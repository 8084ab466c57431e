"""Browser tests share the fixtures of tests/conftest.py (browser, page, sign_in_as)."""

from __future__ import annotations

from tests.conftest import WCAG_TAGS, axe_violations

__all__ = ["WCAG_TAGS", "axe_violations"]
