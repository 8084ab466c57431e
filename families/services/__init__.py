"""Writes of the families app, by sub-domain: the front door (requests), assisted-digital claim
codes (claims) and the family tracker (family). Re-exported here so callers keep
`from families.services import X` and `services.X`."""

from __future__ import annotations

from families.services.claims import (
    CLAIM_CODE_DAYS,
    CLAIM_REFUSED,
    ClaimRefused,
    case_claim,
    claim_code_issue,
)
from families.services.family import consent_revoke, message_send_from_family, request_withdraw
from families.services.requests import (
    INVITE_KEY,
    InviteRefused,
    RequestIncomplete,
    child_add,
    request_draft_start,
    request_evidence_add,
    request_evidence_remove,
    request_invited_email,
    request_parent_invite,
    request_step_save,
    request_submit,
)

__all__ = [
    "CLAIM_CODE_DAYS",
    "CLAIM_REFUSED",
    "INVITE_KEY",
    "ClaimRefused",
    "InviteRefused",
    "RequestIncomplete",
    "case_claim",
    "child_add",
    "claim_code_issue",
    "consent_revoke",
    "message_send_from_family",
    "request_draft_start",
    "request_evidence_add",
    "request_evidence_remove",
    "request_invited_email",
    "request_parent_invite",
    "request_step_save",
    "request_submit",
    "request_withdraw",
]
