"""Answers with a fixed meaning that both the question pages and the services read."""

from __future__ import annotations

SETTING_NONE = "none"  # not attending a school, college or nursery
SETTING_HOME = "home"  # home educated
