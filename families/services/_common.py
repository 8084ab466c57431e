from __future__ import annotations


def strip_nul(value: str) -> str:
    # PostgreSQL rejects NUL in text and JSON: remove it at the boundary.
    return value.replace("\x00", "")
