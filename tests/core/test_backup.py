"""gongkai.core.backup: a backup taken while another process writes is consistent, and every kind
of bad archive is refused with a Chinese message, changing nothing.

The tests build small SQLite sites of their own in tmp_path. The demo county's round trip through
`gongkai backup` and `gongkai restore` is tests/demo/test_backup_demo.py, on the demo that package
loads once.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from gongkai.core.backup import (
    MANIFEST,
    BackupError,
    Site,
    archive_name,
    backup_create,
    backup_prune,
    backup_restore,
    sqlite_connect,
)


def _rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    with contextlib.closing(sqlite_connect(db)) as connection:
        return connection.execute(sql).fetchall()


# --- small sites built here --------------------------------------------------------------------


def _site(root: Path) -> Site:
    return Site(
        database={"ENGINE": "django.db.backends.sqlite3", "NAME": str(root / "db.sqlite3")},
        media_root=root / "media",
    )


def _make_site(root: Path, *, migration: tuple[str, str] = ("core", "0001_initial")) -> Site:
    """A WAL database with gongkai's migrations table, one item and one uploaded file."""
    site = _site(root)
    (root / "media" / "letters").mkdir(parents=True)
    (root / "media" / "letters" / "a.docx").write_bytes(b"letter")
    connection = sqlite3.connect(site.sqlite_path)
    with connection:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute(
            "CREATE TABLE django_migrations (id INTEGER PRIMARY KEY, app TEXT, name TEXT)"
        )
        connection.execute("INSERT INTO django_migrations (app, name) VALUES (?, ?)", migration)
        connection.execute("CREATE TABLE item (id INTEGER PRIMARY KEY, path TEXT)")
        connection.execute("INSERT INTO item (path) VALUES ('letters/a.docx')")
    connection.close()  # the last connection: SQLite folds the WAL in and removes it
    return site


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    site = _make_site(tmp_path / "source")
    return backup_create(tmp_path / "good.tar.gz", site=site).path


def _members(path: Path) -> list[tuple[tarfile.TarInfo, bytes]]:
    with tarfile.open(path, "r:gz") as tar:
        return [
            (member, (tar.extractfile(member) or io.BytesIO()).read() if member.isreg() else b"")
            for member in tar
        ]


def _write(path: Path, members: list[tuple[tarfile.TarInfo, bytes]]) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for info, data in members:
            info.size = len(data) if info.isreg() else 0
            tar.addfile(info, io.BytesIO(data) if info.isreg() else None)
    return path


def _manifest(members: list[tuple[tarfile.TarInfo, bytes]]) -> dict[str, object]:
    result: dict[str, object] = json.loads(next(d for i, d in members if i.name == MANIFEST))
    return result


def _with_manifest(
    members: list[tuple[tarfile.TarInfo, bytes]], manifest: dict[str, object]
) -> list[tuple[tarfile.TarInfo, bytes]]:
    others = [(info, data) for info, data in members if info.name != MANIFEST]
    return [*others, (tarfile.TarInfo(MANIFEST), json.dumps(manifest).encode())]


def _resigned(members: list[tuple[tarfile.TarInfo, bytes]]) -> list[tuple[tarfile.TarInfo, bytes]]:
    """The members with a manifest that lists each as it is now: a forger's archive."""
    manifest = _manifest(members)
    manifest["members"] = {
        info.name: {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
        for info, data in members
        if info.name != MANIFEST
    }
    return _with_manifest(members, manifest)


def _extra(name: str, kind: bytes = tarfile.REGTYPE, link: str = "") -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = link
    return info


def _changed_db(members: list[tuple[tarfile.TarInfo, bytes]], *statements: str) -> bytes:
    """The archive's database after running statements on it, each in its own connection."""
    raw = next(data for info, data in members if info.name == "db.sqlite3")
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder) / "db.sqlite3"
        scratch.write_bytes(raw)
        for sql in statements:
            connection = sqlite3.connect(scratch)
            connection.executescript(sql)
            connection.close()
        return scratch.read_bytes()


def _corrupt_db(members: list[tuple[tarfile.TarInfo, bytes]]) -> bytes:
    """The database with an index that no longer matches its table: it opens, but
    integrity_check finds the rows missing from the index."""
    return _changed_db(
        members,
        "CREATE INDEX item_path ON item (path)",
        "PRAGMA writable_schema=ON; UPDATE sqlite_master SET sql='CREATE INDEX item_path ON "
        "item (id)' WHERE name='item_path'; PRAGMA writable_schema=OFF;",
    )


Mutation = Callable[[list[tuple[tarfile.TarInfo, bytes]]], list[tuple[tarfile.TarInfo, bytes]]]


def _replace_db(data_of: Callable[[list[tuple[tarfile.TarInfo, bytes]]], bytes]) -> Mutation:
    def mutate(members: list[tuple[tarfile.TarInfo, bytes]]) -> list[tuple[tarfile.TarInfo, bytes]]:
        data = data_of(members)
        return _resigned([(info, data if info.name == "db.sqlite3" else d) for info, d in members])

    return mutate


def _set_manifest(key: str, value: object) -> Mutation:
    def mutate(members: list[tuple[tarfile.TarInfo, bytes]]) -> list[tuple[tarfile.TarInfo, bytes]]:
        manifest = _manifest(members)
        manifest[key] = value
        return _with_manifest(members, manifest)

    return mutate


BAD_ARCHIVES: dict[str, tuple[Mutation, str]] = {
    "wrong checksum": (
        lambda m: [(i, b"tampered" if i.name == "media/letters/a.docx" else d) for i, d in m],
        "校验值与清单不符",
    ),
    "no manifest": (lambda m: [(i, d) for i, d in m if i.name != MANIFEST], "缺少清单"),
    "not a gongkai manifest": (_set_manifest("format", "something-else"), "不是 gongkai 备份"),
    "a newer backup format": (_set_manifest("format_version", 99), "较新版本"),
    "a member not in the manifest": (
        lambda m: [*m, (_extra("media/extra.txt"), b"x")],
        "与清单不符",
    ),
    "parent traversal": (
        lambda m: _resigned([*m, (_extra("media/../../etc/x"), b"x")]),
        "不安全或不认识的路径",
    ),
    "traversal outside media": (
        lambda m: _resigned([*m, (_extra("../../etc/x"), b"x")]),
        "不安全或不认识的路径",
    ),
    "absolute path": (
        lambda m: _resigned([*m, (_extra("/etc/x"), b"x")]),
        "不安全或不认识的路径",
    ),
    "a dot segment": (
        lambda m: _resigned([*m, (_extra("media/letters/./a.docx"), b"x")]),
        "不安全或不认识的路径",
    ),
    "symbolic link": (
        lambda m: _resigned([*m, (_extra("media/link", tarfile.SYMTYPE, "/etc/passwd"), b"")]),
        "不是普通文件",
    ),
    "hard link": (
        lambda m: _resigned([*m, (_extra("media/link", tarfile.LNKTYPE, "/etc/passwd"), b"")]),
        "不是普通文件",
    ),
    "a folder member": (
        lambda m: _resigned([*m, (_extra("media/dir", tarfile.DIRTYPE), b"")]),
        "不是普通文件",
    ),
    "a database that fails integrity_check": (_replace_db(_corrupt_db), "完整性检查"),
    "a database from a newer gongkai": (
        _replace_db(
            lambda m: _changed_db(
                m, "INSERT INTO django_migrations (app, name) VALUES ('core', '9999_future')"
            )
        ),
        "较新版本的 gongkai",
    ),
    "not a database": (_replace_db(lambda m: b"not sqlite" * 100), "无法打开"),
    "a database without migrations": (
        _replace_db(lambda m: _changed_db(m, "DROP TABLE django_migrations")),
        "不是 gongkai 的数据库",
    ),
}


def _refused(message: str, call: Callable[[], object]) -> None:
    """The call raises BackupError whose Chinese message (shown to people) says ``message``."""
    with pytest.raises(BackupError) as caught:
        call()
    assert message in caught.value.message, caught.value.message


def _state(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): (
            hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "dir"
        )
        for path in sorted(root.rglob("*"))
    }


@pytest.mark.parametrize("case", sorted(BAD_ARCHIVES))
def test_bad_archives_are_refused_and_change_nothing(
    case: str, archive: Path, tmp_path: Path
) -> None:
    mutate, message = BAD_ARCHIVES[case]
    bad = _write(tmp_path / "bad.tar.gz", mutate(_members(archive)))
    target_root = tmp_path / "target"
    target = _make_site(target_root)
    before = _state(target_root)
    _refused(message, lambda: backup_restore(bad, force=True, site=target))
    assert _state(target_root) == before
    assert not (tmp_path / "etc").exists() and not (target_root / "etc").exists()


@pytest.mark.parametrize(
    ("case", "damage", "message"),
    [
        ("missing", lambda path: path.unlink(), "找不到备份文件"),
        ("truncated", lambda path: path.write_bytes(path.read_bytes()[:-300]), "不是完好的"),
        ("empty", lambda path: path.write_bytes(b""), "不是完好的"),
        ("plain text", lambda path: path.write_text("hello", encoding="utf-8"), "不是完好的"),
        (
            "another tar",
            lambda path: _write(path, [(_extra("readme.txt"), b"hello")]),
            "不安全或不认识的路径",
        ),
    ],
)
def test_damaged_or_foreign_files_are_refused(
    case: str, damage: Callable[[Path], object], message: str, archive: Path, tmp_path: Path
) -> None:
    damage(archive)
    target_root = tmp_path / "target"
    target = _make_site(target_root)
    before = _state(target_root)
    _refused(message, lambda: backup_restore(archive, force=True, site=target))
    assert _state(target_root) == before


def test_backup_refuses_an_existing_file_and_a_missing_folder(tmp_path: Path) -> None:
    site = _make_site(tmp_path / "site")
    (tmp_path / "taken.tar.gz").write_bytes(b"keep me")
    _refused("已存在", lambda: backup_create(tmp_path / "taken.tar.gz", site=site))
    assert (tmp_path / "taken.tar.gz").read_bytes() == b"keep me"
    _refused("不存在", lambda: backup_create(tmp_path / "nowhere" / "b.tar.gz", site=site))
    gone = _site(tmp_path / "no-site")
    _refused("找不到数据库文件", lambda: backup_create(tmp_path, site=gone))
    assert sorted(path.name for path in tmp_path.iterdir()) == ["site", "taken.tar.gz"]


def test_restore_refuses_a_database_still_in_use(archive: Path, tmp_path: Path) -> None:
    target = _make_site(tmp_path / "target")
    holder = sqlite3.connect(target.sqlite_path)  # a server's idle connection
    try:
        holder.execute("INSERT INTO item (path) VALUES ('in the WAL')")
        holder.commit()
        _refused("仍在被使用", lambda: backup_restore(archive, force=True, site=target))
        # Still the same database and files (its WAL was folded into the file: same rows).
        assert [row[0] for row in holder.execute("SELECT path FROM item")] == [
            "letters/a.docx",
            "in the WAL",
        ]
        assert sorted(path.name for path in (tmp_path / "target").iterdir()) == [
            "db.sqlite3",
            "db.sqlite3-shm",
            "db.sqlite3-wal",
            "media",
        ]
    finally:
        holder.close()


def test_prune_keeps_the_newest_backups(tmp_path: Path) -> None:
    names = [f"gongkai-backup-2026120{day}-010000.tar.gz" for day in range(1, 6)]
    for name in names:
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    removed = backup_prune(tmp_path, keep=2)
    assert [path.name for path in removed] == names[:3]
    assert sorted(path.name for path in tmp_path.iterdir()) == [*names[3:], "notes.txt"]
    assert archive_name().startswith("gongkai-backup-")


# --- a backup while another process writes ---------------------------------------------------

WRITER = r"""
import os, sqlite3, sys, time
root = sys.argv[1]
connection = sqlite3.connect(os.path.join(root, "db.sqlite3"), timeout=30, isolation_level=None)
connection.execute("PRAGMA journal_mode=WAL")
os.makedirs(os.path.join(root, "media", "u"), exist_ok=True)
i = 0
while not os.path.exists(os.path.join(root, "stop")):
    i += 1
    name = f"u/{i}.bin"
    # As Django does: the file first, then the row that names it, in one transaction with the
    # counter that says how many rows there are.
    with open(os.path.join(root, "media", name), "wb") as handle:
        handle.write(str(i).encode() * 1000)
    connection.execute("BEGIN IMMEDIATE")
    connection.execute("INSERT INTO item (path) VALUES (?)", (name,))
    connection.execute("UPDATE counter SET n = n + 1")
    connection.execute("COMMIT")
    with open(os.path.join(root, "progress.tmp"), "w") as handle:
        handle.write(str(i))
    os.replace(os.path.join(root, "progress.tmp"), os.path.join(root, "progress"))
"""


def test_backup_while_another_process_writes_is_consistent(tmp_path: Path) -> None:
    root = tmp_path / "live"
    site = _make_site(root)
    with sqlite3.connect(site.sqlite_path) as connection:
        connection.execute("CREATE TABLE counter (n INTEGER)")
        connection.execute("INSERT INTO counter VALUES (1)")  # the row _make_site added
        # Some bulk, so that copying the database takes a while and overlaps the writes.
        connection.execute("CREATE TABLE bulk (data BLOB)")
        connection.executemany(
            "INSERT INTO bulk VALUES (?)", [(os.urandom(4096),) for _ in range(2000)]
        )
    connection.close()
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(root)])  # noqa: S603
    try:
        deadline = time.monotonic() + 30
        while not (root / "progress").exists() or int((root / "progress").read_text()) < 20:
            assert writer.poll() is None and time.monotonic() < deadline
            time.sleep(0.02)
        archives = [backup_create(tmp_path / f"b{n}.tar.gz", site=site).path for n in range(3)]
        written = int((root / "progress").read_text())
    finally:
        (root / "stop").touch()
        writer.wait(timeout=30)
    assert writer.returncode == 0
    seen = []
    for n, path in enumerate(archives):
        restored = _site(tmp_path / f"restored{n}")
        backup_restore(path, site=restored)
        db = restored.sqlite_path
        assert _rows(db, "PRAGMA integrity_check") == [("ok",)]
        items = [row[0] for row in _rows(db, "SELECT path FROM item ORDER BY id")]
        assert _rows(db, "SELECT n FROM counter") == [(len(items),)]
        # Every file a row of the copy names is in the archive, whole.
        for name in items[1:]:
            number = name.removeprefix("u/").removesuffix(".bin")
            assert (restored.media_root / name).read_bytes() == number.encode() * 1000
        seen.append(len(items))
    # The writer was writing throughout: the copies are of different moments.
    assert seen == sorted(seen) and seen[-1] > 20 and written > seen[0]


# --- the commands --------------------------------------------------------------------------


def test_commands_refuse_in_one_chinese_line(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="不存在"):
        call_command("backup", str(tmp_path / "no" / "b.tar.gz"), stdout=io.StringIO())
    with pytest.raises(CommandError, match="--keep"):
        call_command("backup", str(tmp_path / "b.tar.gz"), "--keep", "3", stdout=io.StringIO())
    with pytest.raises(CommandError, match="找不到备份文件"):
        call_command("restore", str(tmp_path / "none.tar.gz"), stdout=io.StringIO())
    assert list(tmp_path.iterdir()) == []


def test_backup_into_a_folder_keeps_the_newest(db: object, tmp_path: Path) -> None:
    old = ["gongkai-backup-20200101-010000.tar.gz", "gongkai-backup-20200102-010000.tar.gz"]
    for name in old:
        (tmp_path / name).write_bytes(b"old")
    out = io.StringIO()
    call_command("backup", str(tmp_path), "--keep", "2", stdout=out)
    names = sorted(path.name for path in tmp_path.iterdir())
    assert len(names) == 2 and names[0] == old[1] and names[1].startswith("gongkai-backup-")
    assert f"已删除较早的备份 {old[0]}" in out.getvalue()


def test_a_damaged_site_is_replaced_with_force_and_kept(archive: Path, tmp_path: Path) -> None:
    """The case a restore is for: the database no longer opens."""
    target = _make_site(tmp_path / "target")
    target.sqlite_path.write_bytes(b"this was a database" * 100)
    Path(f"{target.sqlite_path}-wal").write_bytes(b"and its log")
    _refused("无法读取的数据库", lambda: backup_restore(archive, site=target))
    result = backup_restore(archive, force=True, site=target)
    assert _rows(target.sqlite_path, "SELECT path FROM item") == [("letters/a.docx",)]
    aside = result.set_aside[0]
    assert aside.read_bytes().startswith(b"this was a database")
    assert Path(f"{aside}-wal").read_bytes() == b"and its log"
    assert not Path(f"{target.sqlite_path}-wal").exists()
