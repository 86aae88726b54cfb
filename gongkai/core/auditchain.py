"""The audit log's hash chain: how an entry is hashed, how appends are serialised, how the
chain is checked.

Each entry stores the hash of the entry before it (``prev_hash``, "" for the first) and its own
``hash``: SHA-256 over a canonical JSON array of a format tag, ``prev_hash`` and the entry's
fields (time in UTC to the microsecond, actor id, action, target type and id, unit code, summary,
data with sorted keys). Changing any stored field, or removing an entry, breaks the chain at that
entry or the next, and ``gongkai audit verify`` names it.

Appending reads the newest entry's hash and inserts after it, so two writers must not do that at
the same time or the chain forks. On SQLite every write transaction is already IMMEDIATE (one
writer at a time, config/settings.py); on PostgreSQL the append takes a transaction-level
advisory lock, held until the caller's transaction ends.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

FORMAT = "gongkai-audit-1"
GENESIS = ""
# pg_advisory_xact_lock key of the chain's head: any fixed 64-bit number no other lock uses.
PG_LOCK_KEY = 0x676B_6175_6469_7431  # "gkaudit1"
FIELD_LENGTHS = {"action": 64, "target_type": 64, "target_id": 64, "unit_code": 32, "summary": 500}


def normalise_data(data: Any) -> Any:
    """``data`` as it reads back from the database: JSON types only (dates and decimals as
    DjangoJSONEncoder writes them, tuples as lists, keys as strings), so the hash computed on
    writing is the hash recomputed on reading."""
    if not data:
        return {} if data is None else json.loads(json.dumps(data))
    return _integral_floats(json.loads(json.dumps(data, cls=DjangoJSONEncoder)))


def _integral_floats(value: Any) -> Any:
    # PostgreSQL's jsonb returns 1e16 as 10000000000000000: hash whole floats as integers.
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**63:
        return int(value)
    if isinstance(value, dict):
        return {k: _integral_floats(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_integral_floats(v) for v in value]
    return value


def _utc(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_hash(
    *,
    prev_hash: str,
    at: dt.datetime,
    actor_id: int | None,
    action: str,
    target_type: str,
    target_id: str,
    unit_code: str,
    summary: str,
    data: Any,
) -> str:
    """The SHA-256 (hex) of one entry's canonical form, chained to ``prev_hash``."""
    payload = json.dumps(
        [
            FORMAT,
            prev_hash,
            _utc(at),
            actor_id,
            action,
            target_type,
            target_id,
            unit_code,
            summary,
            _integral_floats(data) if data else {},
        ],
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def hash_of(entry: Any) -> str:
    """The hash ``entry`` (an AuditEntry, saved or not) should carry, given its ``prev_hash``."""
    return entry_hash(
        prev_hash=entry.prev_hash,
        at=entry.at,
        actor_id=entry.actor_id,
        action=entry.action,
        target_type=entry.target_type,
        target_id=entry.target_id,
        unit_code=entry.unit_code,
        summary=entry.summary,
        data=entry.data,
    )


def lock_head(using: str = DEFAULT_DB_ALIAS) -> str:
    """Take the chain's append lock for the rest of the current transaction and return the
    newest entry's hash (GENESIS when the log is empty). Call inside ``transaction.atomic``."""
    from gongkai.core.models import AuditEntry

    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [PG_LOCK_KEY])
    # SQLite: the transaction is IMMEDIATE, so this process already holds the write lock.
    head = AuditEntry.objects.using(using).order_by("-id").values_list("hash", flat=True).first()
    return head if head is not None else GENESIS


def chain(entries: Sequence[Any], *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Fill in time, ``prev_hash`` and ``hash`` of unsaved ``entries``, in order, after the
    current head. The caller holds the transaction and inserts them before it ends."""
    if not connections[using].in_atomic_block:
        raise RuntimeError("audit entries are chained inside a transaction")
    prev = lock_head(using)
    now = timezone.now()
    for entry in entries:
        for field, length in FIELD_LENGTHS.items():
            setattr(entry, field, (getattr(entry, field) or "")[:length])
        entry.at = now
        entry.data = normalise_data(entry.data)
        entry.prev_hash = prev
        entry.hash = hash_of(entry)
        prev = entry.hash


def insert(entries: Sequence[Any], *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Chain and insert unsaved AuditEntry objects at once (imports: one INSERT per 500)."""
    from gongkai.core import bulk

    with transaction.atomic(using=using):
        chain(entries, using=using)
        bulk.insert(entries, using=using)


@dataclass(frozen=True)
class Problem:
    """The first entry where the chain breaks, and why (Chinese, for the report)."""

    entry_id: int
    at: dt.datetime | None
    reason: str


@dataclass(frozen=True)
class Verdict:
    """What ``verify`` found: entries checked, the newest hash (to note down and compare next
    time: a log rewritten from some entry on verifies, but ends in another head) and the first
    problem, if any."""

    count: int
    head: str
    problem: Problem | None

    @property
    def intact(self) -> bool:
        return self.problem is None


def _rows(using: str, chunk: int) -> Iterator[tuple[Any, ...]]:
    from gongkai.core.models import AuditEntry

    yield from (
        AuditEntry.objects.using(using)
        .order_by("id")
        .values_list(
            "id",
            "at",
            "actor_id",
            "action",
            "target_type",
            "target_id",
            "unit_code",
            "summary",
            "data",
            "prev_hash",
            "hash",
        )
        .iterator(chunk_size=chunk)
    )


def verify(*, using: str = DEFAULT_DB_ALIAS, chunk: int = 5000) -> Verdict:
    """Walk the whole chain oldest first, streaming, and stop at the first broken entry."""
    checked = _Progress()
    try:
        return _walk(using, chunk, checked)
    except (ValueError, TypeError, AttributeError, OverflowError):
        # A value the database driver cannot read back (a time or detail overwritten with
        # something invalid): name the entry after the last one read.
        from gongkai.core.models import AuditEntry

        following = AuditEntry.objects.using(using).order_by("id").values_list("id", flat=True)
        if checked.last_id is not None:
            following = following.filter(id__gt=checked.last_id)
        bad = following.first()
        return Verdict(
            checked.count + 1,
            checked.head,
            Problem(bad or 0, None, "记录无法读取：时间或详情被改成了无效的值"),
        )


@dataclass
class _Progress:
    count: int = 0
    head: str = GENESIS
    last_id: int | None = None


def _walk(using: str, chunk: int, checked: _Progress) -> Verdict:
    prev = GENESIS
    prev_id: int | None = None
    count = 0
    for row in _rows(using, chunk):
        entry_id, at, actor_id, action, ttype, tid, unit, summary, data, stored_prev, stored = row
        count += 1
        if not stored:
            return Verdict(
                count, prev, Problem(entry_id, at, "没有哈希：这条记录没有经过审计链写入")
            )
        if stored_prev != prev:
            before = f"前一条记录（#{prev_id}）" if prev_id is not None else "链的起点"
            return Verdict(
                count,
                prev,
                Problem(
                    entry_id,
                    at,
                    f"记录的上一条哈希与{before}不符：其间有记录被删除、插入或改动",
                ),
            )
        computed = entry_hash(
            prev_hash=stored_prev,
            at=at,
            actor_id=actor_id,
            action=action,
            target_type=ttype,
            target_id=tid,
            unit_code=unit,
            summary=summary,
            data=data,
        )
        if computed != stored:
            return Verdict(
                count, prev, Problem(entry_id, at, "内容与哈希不符：这条记录在写入后被改动过")
            )
        prev, prev_id = stored, entry_id
        checked.count, checked.head, checked.last_id = count, prev, prev_id
    return Verdict(count, prev, None)


# Database triggers refusing UPDATE and DELETE (and, on PostgreSQL, TRUNCATE) of audit entries,
# so raw SQL cannot edit the log either; created by migration core 0005. Whoever owns the tables
# can still drop them: the chain (and the head hash noted at the last check) is what shows it.
_SQLITE_TRIGGERS = {
    "core_auditentry_no_update": "UPDATE",
    "core_auditentry_no_delete": "DELETE",
}
_PG_FUNCTION = "core_auditentry_append_only"


def install_triggers(connection: Any) -> None:
    """Create the append-only triggers on ``connection``'s database (SQLite or PostgreSQL)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name, event in _SQLITE_TRIGGERS.items():
                cursor.execute(
                    f"CREATE TRIGGER IF NOT EXISTS {name} BEFORE {event} ON core_auditentry "
                    "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
                )
        elif connection.vendor == "postgresql":
            cursor.execute(
                f"CREATE OR REPLACE FUNCTION {_PG_FUNCTION}() RETURNS trigger "
                "LANGUAGE plpgsql AS $$ BEGIN "
                "RAISE EXCEPTION 'the audit log is append-only (% refused)', TG_OP "
                "USING ERRCODE = 'insufficient_privilege'; END $$"
            )
            cursor.execute(f"DROP TRIGGER IF EXISTS {_PG_FUNCTION} ON core_auditentry")
            cursor.execute(
                f"CREATE TRIGGER {_PG_FUNCTION} BEFORE UPDATE OR DELETE ON core_auditentry "
                f"FOR EACH ROW EXECUTE FUNCTION {_PG_FUNCTION}()"
            )
            cursor.execute(f"DROP TRIGGER IF EXISTS {_PG_FUNCTION}_truncate ON core_auditentry")
            cursor.execute(
                f"CREATE TRIGGER {_PG_FUNCTION}_truncate BEFORE TRUNCATE ON core_auditentry "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {_PG_FUNCTION}()"
            )


def remove_triggers(connection: Any) -> None:
    """Drop the append-only triggers (the migration's reverse; ``flush`` outside production)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name in _SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        elif connection.vendor == "postgresql":
            cursor.execute(f"DROP TRIGGER IF EXISTS {_PG_FUNCTION} ON core_auditentry")
            cursor.execute(f"DROP TRIGGER IF EXISTS {_PG_FUNCTION}_truncate ON core_auditentry")
            cursor.execute(f"DROP FUNCTION IF EXISTS {_PG_FUNCTION}()")
