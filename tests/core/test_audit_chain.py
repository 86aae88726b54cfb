"""The audit log is hash-chained and append-only: `gongkai audit verify` names the first entry
changed or removed behind the application's back; the ORM and the database refuse changes;
concurrent writers do not fork the chain (issue 12)."""

from __future__ import annotations

import threading
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, transaction
from django.db.migrations.executor import MigrationExecutor

from gongkai.core import auditchain, bulk
from gongkai.core.audit import audit, audit_many
from gongkai.core.models import AuditEntry, AuditLogReadOnly
from gongkai.orgs.models import Unit


def _entries(unit: Unit, count: int = 5) -> list[AuditEntry]:
    return [
        audit(
            actor=None,
            action="test.step",
            target=unit,
            unit_code=unit.code,
            summary=f"第{i}步",
            data={"n": i, "ratio": 1.0, "when": "2026-01-01", "nested": {"b": [1, 2], "a": None}},
        )
        for i in range(count)
    ]


def _verify() -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("audit", "verify", stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    return code, out.getvalue(), err.getvalue()


def _raw(sql: str, params: list[Any] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])


def _without_triggers() -> None:
    """What someone with the database's owner rights could do; rolled back with the test."""
    auditchain.remove_triggers(connection)


def test_entries_are_chained_and_verify(county: Unit) -> None:
    first, second, *_rest = _entries(county)
    assert first.prev_hash == auditchain.GENESIS or AuditEntry.objects.filter(id__lt=first.id)
    assert second.prev_hash == first.hash and len(second.hash) == 64
    # Read back from the database, every entry hashes to what it stores.
    for entry in AuditEntry.objects.order_by("id"):
        assert auditchain.hash_of(entry) == entry.hash
    code, out, _err = _verify()
    assert code == 0
    assert "审计链完整" in out and f"末条哈希 {AuditEntry.objects.order_by('-id')[0].hash}" in out


def test_an_entry_without_a_record_names_its_target_as_text(db: Any) -> None:
    entry = audit(
        actor=None, action="login.failed", target_type="orgs.user", target_id="nobody" * 20
    )
    assert (entry.target_type, entry.target_id) == ("orgs.user", ("nobody" * 20)[:64])
    assert _verify()[0] == 0


def test_the_orm_refuses_changes(county: Unit) -> None:
    entry = _entries(county, 1)[0]
    entry.summary = "改过"
    with pytest.raises(AuditLogReadOnly):
        entry.save()
    with pytest.raises(AuditLogReadOnly):
        entry.delete()
    with pytest.raises(AuditLogReadOnly):
        AuditEntry.objects.filter(pk=entry.pk).update(summary="改过")
    with pytest.raises(AuditLogReadOnly):
        AuditEntry.objects.all().delete()


def test_the_database_refuses_raw_sql(county: Unit) -> None:
    entry = _entries(county, 1)[0]
    for sql in (
        "UPDATE core_auditentry SET summary = 'x' WHERE id = %s",
        "DELETE FROM core_auditentry WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            _raw(sql, [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).summary == entry.summary


def test_verify_names_a_changed_entry(county: Unit) -> None:
    entries = _entries(county)
    _without_triggers()
    _raw("UPDATE core_auditentry SET summary = %s WHERE id = %s", ["已改", entries[2].pk])
    code, _out, err = _verify()
    assert code == 1
    assert f"第 {entries[2].pk} 号记录" in err and "内容与哈希不符" in err


def test_verify_names_the_entry_after_a_removed_one(county: Unit) -> None:
    entries = _entries(county)
    _without_triggers()
    _raw("DELETE FROM core_auditentry WHERE id = %s", [entries[1].pk])
    code, _out, err = _verify()
    assert code == 1
    assert f"第 {entries[2].pk} 号记录" in err and f"前一条记录（#{entries[0].pk}）" in err


def test_verify_names_an_entry_whose_hash_was_recomputed(county: Unit) -> None:
    """Changing a row and its own hash still breaks the link of the entry after it."""
    entries = _entries(county)
    _without_triggers()
    changed = AuditEntry.objects.get(pk=entries[1].pk)
    changed.summary = "已改"
    forged = auditchain.hash_of(changed)
    _raw(
        "UPDATE core_auditentry SET summary = %s, hash = %s WHERE id = %s",
        ["已改", forged, changed.pk],
    )
    code, _out, err = _verify()
    assert code == 1 and f"第 {entries[2].pk} 号记录" in err


def test_bulk_entries_are_chained(county: Unit) -> None:
    _entries(county, 2)
    audit_many(
        [
            AuditEntry(action="bulk.step", target_type="orgs.unit", target_id=str(county.pk))
            for _ in range(3)
        ]
    )
    assert _verify()[0] == 0
    # An entry inserted past the chain (a plain bulk insert) is named.
    bulk.insert([AuditEntry(action="bypass", target_type="orgs.unit", target_id="1")])
    code, _out, err = _verify()
    assert code == 1 and "没有哈希" in err


def test_the_migration_chains_existing_entries(county: Unit) -> None:
    """Entries written before the chain existed get their hashes, oldest first."""
    import importlib

    migration = importlib.import_module("gongkai.core.migrations.0004_audit_chain")
    bulk.insert(
        [AuditEntry(action=f"old.{i}", target_type="orgs.unit", target_id="1") for i in range(4)]
    )
    assert _verify()[0] == 1
    _without_triggers()  # 0005 installs them after 0004 chained the rows

    class Editor:
        connection = connections["default"]

    state = MigrationExecutor(connection).loader.project_state(("core", "0004_audit_chain"))
    migration.chain_existing(state.apps, Editor())
    assert _verify()[0] == 0


def test_concurrent_appends_do_not_fork(
    committed: None, transactional_db: None, county: Unit
) -> None:
    """Threads with their own connections to the SQLite file append at once."""
    failures: list[BaseException] = []

    def write(worker: int) -> None:
        try:
            for i in range(15):
                with transaction.atomic():
                    audit(
                        actor=None, action="test.concurrent", target=county, summary=f"{worker}-{i}"
                    )
        except BaseException as exc:  # reported below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    prevs = list(AuditEntry.objects.values_list("prev_hash", flat=True))
    assert len(prevs) == len(set(prevs)) == 60  # no two entries follow the same one
    assert auditchain.verify().intact


def test_verify_names_an_entry_it_cannot_read(county: Unit) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL's column types refuse an invalid time in the first place")
    entries = _entries(county)
    _without_triggers()
    _raw("UPDATE core_auditentry SET at = 'not a time' WHERE id = %s", [entries[3].pk])
    code, _out, err = _verify()
    assert code == 1 and f"第 {entries[3].pk} 号记录" in err


def test_flush_is_refused_in_production(county: Unit, settings: Any) -> None:
    """Outside production `flush` (the transactional tests' teardown) empties the log too."""
    settings.GONGKAI_ENV = "production"
    with pytest.raises(CommandError, match="审计日志只能追加"):
        call_command("flush", interactive=False, verbosity=0)
