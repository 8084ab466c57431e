"""Elected members' casework inbox: councillors' and MPs' queries about a constituent's EHC case.

The Leeds Scrutiny Board asked for a dedicated SEND inbox for elected members (recommendation 4)
that shares personal information only with the family's consent (recommendation 5); see
docs/requirements.md R3 and R4.
"""
