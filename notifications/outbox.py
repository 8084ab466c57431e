"""Bulk writes to the outbox: many messages in one statement, for the daily sweep.

`notification_queue` writes one event's messages inside that event's transaction. A sweep over
100,000 cases cannot afford a query per message, so it collects its messages in a
`NotificationBatch` and `notifications_queue_bulk` writes them all with ONE
`INSERT ... SELECT FROM unnest(...) ON CONFLICT DO NOTHING`. The idempotency key (event +
recipient + purpose + channel) is unique, so a second run, or a beat that fires twice, writes
nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db import connection, transaction
from django.utils import timezone

from cases.models import Case
from cases.postal import address_usable
from ehcp_portal.accounts.models import User
from ehcp_portal.accounts.phones import uk_mobile_or_blank
from notifications.channels import Reach, outward_channel
from notifications.defaults import Wording
from notifications.models import Notification
from notifications.services import (
    notification_first_status,
    notification_wording,
    outbox_drain_soon,
)

# The embedded SQLite default limits the number of parameters in one statement.
_PORTABLE_BATCH = 500


class _Row(NamedTuple):
    recipient_id: int
    channel: str
    purpose: str
    key: str
    subject: str
    body: str
    link: str
    statutory: bool
    case_id: int | None


# What a message says, or how to work it out: the sweep passes a function, called only for a
# message not in the outbox already (most of a day's breaches were alerted on an earlier day).
Context = Mapping[str, Any] | Callable[[], Mapping[str, Any]]


class _Message(NamedTuple):
    """A message as the sweep finds it: worded only if it is not in the outbox already."""

    recipient_id: int
    purpose: str
    event_key: str
    context: Context
    link: str
    case_id: int | None


_CHANNELS = (Notification.Channel.IN_APP, Notification.Channel.EMAIL)


def _key(message: _Message, channel: str) -> str:
    return f"{message.event_key}:{message.recipient_id}:{message.purpose}:{channel}"[:200]


@dataclass
class NotificationBatch:
    """Messages collected before one bulk write, keyed by idempotency key (deduplicated)."""

    wordings: Mapping[str, Wording]
    messages: dict[str, _Message] = field(default_factory=dict)

    def add(
        self,
        *,
        recipient_id: int,
        purpose: str,
        event_key: str,
        context: Context,
        link: str,
        case_id: int | None,
    ) -> str:
        """Add the in-app and email message; returns the email message's idempotency key."""
        message = _Message(recipient_id, purpose, event_key, context, link, case_id)
        email_key = _key(message, Notification.Channel.EMAIL)
        self.messages[email_key] = message
        return email_key

    def __len__(self) -> int:
        return len(self.messages)


def notifications_queue_bulk(*, batch: NotificationBatch) -> set[str]:
    """Write every message of the batch not already in the outbox; returns the new keys.

    The keys already in the outbox are read first (one query on the unique index), so only new
    messages are worded and written. Each starts with the status `notification_first_status`
    gives it (the one rule for skipping an email that is not statutory). After commit a
    worker is asked to drain the new emails (the beat's drain would send them anyway).
    """
    if not batch.messages:
        return set()
    rows = _rows_new(batch)
    if not rows:
        return set()
    _choose_channels(rows)
    insert = _insert_unnest if connection.vendor == "postgresql" else _insert_portable
    new_keys = insert(rows)
    if any(key.endswith(f":{Notification.Channel.EMAIL}") for key in new_keys):
        transaction.on_commit(outbox_drain_soon)
    return new_keys


def _keys_known(keys: list[str]) -> set[str]:
    """Which of these idempotency keys the outbox already holds."""
    known: set[str] = set()
    if connection.vendor == "postgresql":
        table = Notification._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT idempotency_key FROM {table} WHERE idempotency_key = ANY(%s)",  # noqa: S608
                [keys],
            )
            return {row[0] for row in cursor.fetchall()}
    for start in range(0, len(keys), _PORTABLE_BATCH):
        known.update(
            Notification.objects.filter(
                idempotency_key__in=keys[start : start + _PORTABLE_BATCH]
            ).values_list("idempotency_key", flat=True)
        )
    return known


def _rows_new(batch: NotificationBatch) -> dict[str, _Row]:
    """The rows of the messages not in the outbox yet, each worded once. A message's two rows
    are always written together, so its email key alone says whether it is there."""
    known = _keys_known(list(batch.messages))
    rows: dict[str, _Row] = {}
    for email_key, message in batch.messages.items():
        if email_key in known:
            continue
        context = message.context() if callable(message.context) else message.context
        subject, body, statutory = notification_wording(message.purpose, context, batch.wordings)
        for channel in _CHANNELS:
            key = _key(message, channel)
            rows[key] = _Row(
                message.recipient_id,
                channel,
                message.purpose,
                key,
                subject,
                body,
                message.link,
                statutory,
                message.case_id,
            )
    return rows


def _choose_channels(rows: dict[str, _Row]) -> None:
    """Each outward message (key slot ":email") by the channel `notifications.channels` chooses,
    as `notification_queue` does: the recipients and the cases' addresses in two queries. A
    message nothing can carry stays an email and fails at delivery, where managers see it."""
    outward = [k for k, r in rows.items() if r.channel == Notification.Channel.EMAIL]
    if not outward:
        return
    # What each recipient can be reached by, worked out once per person, not per message (a
    # model instance per message was a third of the sweep's time at 1,000,000 cases).
    people = {
        pk: (preference, User(email=email).has_email, bool(uk_mobile_or_blank(phone)))
        for pk, preference, email, phone in User.objects.filter(
            pk__in={rows[k].recipient_id for k in outward}
        ).values_list("pk", "contact_channel", "email", "phone")
    }
    case_ids = {case_id for k in outward if (case_id := rows[k].case_id) is not None}
    addressed = {
        pk
        for pk, address, postcode in Case.objects.filter(pk__in=case_ids)
        .exclude(child__address="")
        .values_list("pk", "child__address", "child__postcode")
        if address_usable(address, postcode)
    }
    chosen_for: dict[tuple[int | None, bool], str | None] = {}
    for key in outward:
        row = rows[key]
        has_address = row.case_id in addressed
        reach = (row.recipient_id, has_address)
        if reach not in chosen_for:
            preference, has_email, has_mobile = people.get(
                row.recipient_id, ("email", False, False)
            )
            chosen_for[reach] = outward_channel(
                Reach(
                    preference=preference,
                    has_email=has_email,
                    has_mobile=has_mobile,
                    has_address=has_address,
                ),
                statutory_letter=False,  # the sweep's reminders carry no letter
            )
        chosen = chosen_for[reach]
        if chosen:
            rows[key] = row._replace(channel=chosen)


def _first_status_table() -> list[tuple[str, bool, bool, str]]:
    """`notification_first_status` for every combination of its inputs, so the bulk insert
    joins the same rule instead of restating it in SQL."""
    return [
        (
            channel,
            statutory,
            opt_in,
            notification_first_status(channel=channel, statutory=statutory, email_opt_in=opt_in),
        )
        for channel in Notification.Channel.values
        for statutory in (False, True)
        for opt_in in (False, True)
    ]


def _insert_unnest(rows: dict[str, _Row]) -> set[str]:
    columns = list(zip(*rows.values(), strict=True))
    rule = list(zip(*_first_status_table(), strict=True))
    now = timezone.now()
    table = Notification._meta.db_table
    users = User._meta.db_table
    sql = f"""
        INSERT INTO {table} (recipient_id, channel, purpose, idempotency_key, subject, body,
            link, statutory, case_id, status, attempts, last_error, next_attempt_at,
            created_at, sent_at, read_at, document_id, provider_id, provider_status,
            delivered_at)
        SELECT r.recipient_id, r.channel, r.purpose, r.key, r.subject, r.body, r.link,
            r.statutory, r.case_id, rule.status,
            0, '', %s, %s, CASE WHEN rule.status = %s THEN %s::timestamptz END, NULL,
            NULL, '', '', NULL
        FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::text[], %s::text[],
                    %s::text[], %s::text[], %s::boolean[], %s::bigint[])
             AS r(recipient_id, channel, purpose, key, subject, body, link, statutory,
                  case_id)
        JOIN {users} u ON u.id = r.recipient_id
        JOIN unnest(%s::text[], %s::boolean[], %s::boolean[], %s::text[])
             AS rule(channel, statutory, email_opt_in, status)
          ON rule.channel = r.channel AND rule.statutory = r.statutory
         AND rule.email_opt_in = u.email_opt_in
        ON CONFLICT (idempotency_key) DO NOTHING
        RETURNING idempotency_key
    """  # noqa: S608 – table names come from model meta, values are parameters
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [
                now,
                now,
                Notification.Status.SENT,
                now,
                *(list(c) for c in columns),
                *(list(c) for c in rule),
            ],
        )
        return {row[0] for row in cursor.fetchall()}


def _insert_portable(rows: dict[str, _Row]) -> set[str]:
    """The same insert for the embedded SQLite default (`make run`): the recipients' email
    choices in one query, then one bulk insert (the keys already in the outbox were left out
    by `_rows_new`; a conflict meanwhile is ignored)."""
    new = rows
    opted_in = dict(
        User.objects.filter(pk__in={row.recipient_id for row in new.values()}).values_list(
            "pk", "email_opt_in"
        )
    )
    now = timezone.now()
    notifications = []
    for row in new.values():
        status = notification_first_status(
            channel=row.channel,
            statutory=row.statutory,
            email_opt_in=opted_in.get(row.recipient_id, True),
        )
        notifications.append(
            Notification(
                recipient_id=row.recipient_id,
                channel=row.channel,
                purpose=row.purpose,
                idempotency_key=row.key,
                subject=row.subject,
                body=row.body,
                link=row.link,
                statutory=row.statutory,
                case_id=row.case_id,
                status=status,
                next_attempt_at=now,
                created_at=now,
                sent_at=now if status == Notification.Status.SENT else None,
            )
        )
    Notification.objects.bulk_create(
        notifications, batch_size=_PORTABLE_BATCH, ignore_conflicts=True
    )
    return set(new)
