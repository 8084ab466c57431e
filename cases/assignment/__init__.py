"""Caseworker assignment and case prioritisation by configurable business rules."""
