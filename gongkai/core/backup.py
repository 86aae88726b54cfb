"""Back up a running site into one checked archive, and restore it: the database and the uploads.

A county's applications, replies and published items exist nowhere else, so a backup must be
taken while the site keeps serving (nobody stops a government site to copy a file) and a restore
must never leave half of one archive on top of half of another site.

The archive is a gzip'd tar (``tar tzf`` lists it) holding:

``db.sqlite3``
    SQLite: a copy made with SQLite's online backup API in one step, that is under one read
    transaction, so under WAL it is the database as it was at one moment while writers go on.
    The copy is switched to ``journal_mode=DELETE``: one self-contained file.
``db.pgdump``
    PostgreSQL: ``pg_dump --format=custom`` (one snapshot of its own), restored with pg_restore.
``media/…``
    every file under MEDIA_ROOT, copied *after* the database. An upload's file is written
    before the row that names it is committed (a FileField saves its file in ``pre_save``,
    inside the transaction that inserts the row) and stored files are never rewritten in place
    (the storage picks a new name), so every file a row of the database copy names was complete
    before the copy began and is found by the later walk. Copying the files first would miss
    those of rows committed between the two copies. A file that is still being written when the
    walk passes is copied as far as it goes: no row of the copy names it yet.
``manifest.json``
    last, once every member's sha256 is known: the format and its version, gongkai's version,
    the database engine, the applied migrations, when it was made, the sha256 and size of each
    member.

The archive is written under a hidden temporary name beside the destination and renamed when
complete, so a backup killed half-way never looks like a finished one. ``backup_restore`` reads
the whole archive into a staging folder beside the database and beside MEDIA_ROOT, checks every
name (no absolute paths, no ``..``, regular files only), every checksum, the database's
``PRAGMA integrity_check`` and that its migrations are all known to this code, and only then
moves the old database and files aside (``*.before-restore-<time>``, when they held data and
``force`` was given) and renames the new ones into place. A refused archive changes nothing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import json
import logging
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.conf import settings

from gongkai.core import clock
from gongkai.core.errors import GongkaiError

logger = logging.getLogger(__name__)

FORMAT = "gongkai-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "db.sqlite3"
PG_MEMBER = "db.pgdump"
MEDIA_PREFIX = "media/"
ARCHIVE_PREFIX = "gongkai-backup-"
ARCHIVE_SUFFIX = ".tar.gz"
#: A manifest lists every file; even a million uploads stay far below this.
MAX_MANIFEST_BYTES = 256 * 1024 * 1024
_CHUNK = 1024 * 1024

#: What a restore counts and reports, and what makes a database "not empty": (app, model, label).
#: Labels carry their measure word: 单位91个, 政府信息3199条.
COUNTED = (
    ("orgs", "Unit", "单位{}个"),
    ("orgs", "User", "用户{}个"),
    ("publications", "Publication", "政府信息{}条"),
    ("applications", "Application", "依申请公开申请{}件"),
    ("core", "AuditEntry", "审计日志{}条"),
)


class BackupError(GongkaiError):
    """A backup or restore was refused or failed; nothing was changed."""


@dataclass(frozen=True)
class Site:
    """Where a site keeps its data: the database settings and the uploads folder."""

    database: Mapping[str, Any]
    media_root: Path

    @classmethod
    def from_settings(cls) -> Site:
        """The site this process serves (DATABASES["default"], MEDIA_ROOT)."""
        return cls(database=settings.DATABASES["default"], media_root=Path(settings.MEDIA_ROOT))

    @property
    def engine(self) -> str:
        """``sqlite`` or ``postgresql``; any other engine is refused."""
        name = str(self.database.get("ENGINE", ""))
        if name.endswith("sqlite3"):
            return "sqlite"
        if "postgresql" in name:
            return "postgresql"
        raise BackupError(f"不支持备份此类数据库（{name}）：只支持 SQLite 和 PostgreSQL。")

    @property
    def sqlite_path(self) -> Path:
        return Path(str(self.database["NAME"]))


@dataclass
class BackupResult:
    """What a backup wrote, for the command's report and the audit entry."""

    path: Path
    engine: str
    archive_bytes: int
    database_bytes: int
    media_files: int
    media_bytes: int
    seconds: float


@dataclass
class RestoreResult:
    """What a restore put in place, for the command's report and the audit entry."""

    engine: str
    created_at: str
    gongkai_version: str
    media_files: int
    counts: dict[str, int] = field(default_factory=dict)
    set_aside: list[Path] = field(default_factory=list)
    pending_migrations: int = 0


def gongkai_version() -> str:
    """The installed gongkai's version (pyproject.toml), or ``unknown`` from a bare checkout."""
    try:
        return metadata.version("gongkai")
    except metadata.PackageNotFoundError:
        return "unknown"


# --- backup ------------------------------------------------------------------------------------


def archive_name(moment: dt.datetime | None = None) -> str:
    """The file name a backup into a folder gets: gongkai-backup-YYYYmmdd-HHMMSS.tar.gz."""
    local = (moment or clock.now()).astimezone(dt.timezone(dt.timedelta(hours=8)))
    return f"{ARCHIVE_PREFIX}{local:%Y%m%d-%H%M%S}{ARCHIVE_SUFFIX}"


def backup_create(destination: Path, *, site: Site | None = None) -> BackupResult:
    """Write a backup of the site to ``destination`` (a new file, or a folder to name it in).

    Safe while the site serves: the database is copied as one snapshot (see the module
    docstring), then the uploads. Refuses an existing file and a missing folder. Side effects:
    only the archive (and a hidden temporary folder beside it, removed at the end).
    """
    site = site or Site.from_settings()
    engine = site.engine
    started = time.monotonic()
    destination = _destination(destination)
    try:
        work = Path(tempfile.mkdtemp(prefix=".gongkai-backup-", dir=destination.parent))
    except OSError as err:
        raise BackupError(
            f"无法在 {destination.parent} 中写入备份：{err.strerror}。", log=str(err)
        ) from err
    try:
        snapshot_at = clock.now()  # the moment the backup restores to
        if engine == "sqlite":
            db_member, db_file = SQLITE_MEMBER, work / SQLITE_MEMBER
            migrations = _sqlite_snapshot(site.sqlite_path, db_file)
        else:
            db_member, db_file = PG_MEMBER, work / PG_MEMBER
            migrations = _pg_dump(site.database, db_file)
        partial = work / "archive.partial"
        members: dict[str, dict[str, Any]] = {}
        media_files = media_bytes = 0
        with tarfile.open(partial, "w:gz", compresslevel=6, format=tarfile.PAX_FORMAT) as tar:
            members[db_member] = _add_file(tar, db_member, db_file)
            for relative, path in _media_files(site.media_root):
                try:
                    entry = _add_file(tar, MEDIA_PREFIX + relative, path)
                except FileNotFoundError:
                    # Deleted after the walk listed it: the database copy no longer needs it
                    # unless the deletion came first, and then it is gone either way.
                    logger.warning("backup: %s vanished while copying; skipped", path)
                    continue
                members[MEDIA_PREFIX + relative] = entry
                media_files += 1
                media_bytes += entry["size"]
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "gongkai_version": gongkai_version(),
                "created_at": snapshot_at.isoformat(),
                "database": {"engine": engine, "member": db_member},
                "migrations": [list(pair) for pair in migrations],
                "members": members,
            }
            data = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
            _add_bytes(tar, MANIFEST, data)
        _fsync(partial)
        os.replace(partial, destination)
        _fsync(destination.parent)
        return BackupResult(
            path=destination,
            engine=engine,
            archive_bytes=destination.stat().st_size,
            database_bytes=members[db_member]["size"],
            media_files=media_files,
            media_bytes=media_bytes,
            seconds=time.monotonic() - started,
        )
    except OSError as err:
        raise BackupError(
            f"写入备份失败：{err.strerror or err}。请检查磁盘空间和目录权限。", log=str(err)
        ) from err
    finally:
        shutil.rmtree(work, ignore_errors=True)


def backup_prune(folder: Path, *, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` gongkai-backup-*.tar.gz in ``folder``; return them.

    Only names this module gives (archive_name) are touched, oldest first by name, which sorts
    by time."""
    if keep < 1:
        raise BackupError("--keep 至少为 1。")
    archives = sorted(
        path
        for path in folder.glob(f"{ARCHIVE_PREFIX}*{ARCHIVE_SUFFIX}")
        if path.is_file() and not path.is_symlink()
    )
    removed = archives[:-keep]
    for path in removed:
        path.unlink()
    return removed


def _destination(path: Path) -> Path:
    path = path.expanduser().absolute()
    if path.is_dir():
        path = path / archive_name()
    if path.exists() or path.is_symlink():
        raise BackupError(f"{path} 已存在；请换一个文件名，或给出一个目录（按时间命名）。")
    if not path.parent.is_dir():
        raise BackupError(f"目录 {path.parent} 不存在；请先创建它。")
    return path


def _sqlite_snapshot(source: Path, copy: Path) -> list[tuple[str, str]]:
    """Copy the live database to ``copy`` with SQLite's backup API; return its migrations."""
    if not source.is_file():
        raise BackupError(f"找不到数据库文件 {source}；请确认 GONGKAI_VAR_DIR。")
    try:
        with (
            contextlib.closing(sqlite_connect(source, timeout=30)) as live,
            contextlib.closing(sqlite_connect(copy)) as target,
        ):
            # pages=-1: every page in one step, under one read transaction. Under WAL that
            # is a snapshot of one moment; writers are not blocked and nothing restarts.
            live.backup(target, pages=-1)
            target.execute("PRAGMA journal_mode=DELETE")
            result = target.execute("PRAGMA integrity_check").fetchall()
            if result != [("ok",)]:
                raise BackupError(
                    "数据库未通过完整性检查（PRAGMA integrity_check），备份已停止；"
                    "请先修复数据库。",
                    log=f"integrity_check: {result[:5]}",
                )
            return _sqlite_migrations(target)
    except sqlite3.Error as err:
        raise BackupError(f"无法读取数据库：{err}。", log=f"sqlite backup: {err}") from err


def sqlite_connect(path: Path, *, timeout: float = 5) -> sqlite3.Connection:
    """A plain connection with the REGEXP function Django registers on its own: a CHECK
    constraint of the schema uses it, and integrity_check evaluates the constraints."""
    connection = sqlite3.connect(path, timeout=timeout)
    connection.create_function("REGEXP", 2, _regexp, deterministic=True)
    return connection


def _regexp(pattern: str | None, value: Any) -> bool | None:
    if pattern is None or value is None:
        return None
    return bool(re.search(pattern, str(value)))


def _sqlite_migrations(connection: sqlite3.Connection) -> list[tuple[str, str]]:
    exists = connection.execute(
        "SELECT 1 FROM sqlite_master WHERE type='table' AND name='django_migrations'"
    ).fetchone()
    if not exists:
        return []
    rows = connection.execute("SELECT app, name FROM django_migrations ORDER BY id").fetchall()
    return [(str(app), str(name)) for app, name in rows]


def _pg_env(database: Mapping[str, Any]) -> dict[str, str]:
    """The libpq environment for pg_dump/pg_restore: no password on a command line."""
    env = dict(os.environ)
    for key, var in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("NAME", "PGDATABASE"),
    ):
        value = database.get(key)
        if value:
            env[var] = str(value)
    sslmode = (database.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = str(sslmode)
    return env


def _pg_tool(name: str) -> str:
    tool = shutil.which(name)
    if tool is None:
        raise BackupError(
            f"找不到 {name}：PostgreSQL 数据库的备份和恢复需要它。请安装与数据库版本相同的 "
            f"PostgreSQL 客户端（Debian：apt-get install postgresql-client），再重试。"
        )
    return tool


def _pg_run(args: list[str], database: Mapping[str, Any], what: str) -> str:
    done = subprocess.run(  # noqa: S603 - fixed tools, arguments are paths and names
        args, env=_pg_env(database), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        detail = done.stderr.strip().splitlines()[-1:] or [""]
        raise BackupError(f"{what}失败：{detail[0]}", log=f"{args[0]}: {done.stderr.strip()}")
    return done.stdout


def _pg_dump(database: Mapping[str, Any], out: Path) -> list[tuple[str, str]]:
    tool = _pg_tool("pg_dump")
    _pg_run(
        [tool, "--format=custom", "--no-owner", "--no-acl", f"--file={out}"],
        database,
        "pg_dump 导出数据库",
    )
    return _pg_migrations(database, out)


def _pg_migrations(database: Mapping[str, Any], dump: Path) -> list[tuple[str, str]]:
    """The applied migrations inside a custom-format dump (its django_migrations rows)."""
    tool = _pg_tool("pg_restore")
    text = _pg_run(
        [tool, "--data-only", "--table=django_migrations", "--file=-", str(dump)],
        database,
        "读取备份中的数据库迁移记录",
    )
    rows: list[tuple[str, str]] = []
    copying = False
    for line in text.splitlines():
        if line.startswith("COPY ") and "django_migrations" in line:
            copying = True
            columns = line[line.index("(") + 1 : line.index(")")].replace(" ", "").split(",")
            continue
        if copying:
            if line == "\\.":
                break
            values = dict(zip(columns, line.split("\t"), strict=False))
            rows.append((values["app"], values["name"]))
    return rows


def _media_files(root: Path) -> Iterator[tuple[str, Path]]:
    """Every regular file under ``root`` (symbolic links are not followed nor copied)."""
    if not root.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if path.is_symlink() or not path.is_file():
                logger.warning("backup: %s is not a regular file; skipped", path)
                continue
            yield path.relative_to(root).as_posix(), path


class _HashingReader:
    """Read at most ``size`` bytes of a file, hashing what tarfile takes."""

    def __init__(self, handle: IO[bytes], size: int) -> None:
        self.handle = handle
        self.left = size
        self.digest = hashlib.sha256()

    def read(self, n: int = -1) -> bytes:
        n = self.left if n < 0 else min(n, self.left)
        data = self.handle.read(n)
        self.left -= len(data)
        self.digest.update(data)
        return data


def _add_file(tar: tarfile.TarFile, name: str, path: Path) -> dict[str, Any]:
    with path.open("rb") as handle:
        stat = os.fstat(handle.fileno())
        info = tarfile.TarInfo(name)
        info.size = stat.st_size
        info.mtime = int(stat.st_mtime)
        info.mode = 0o644
        reader = _HashingReader(handle, stat.st_size)
        tar.addfile(info, reader)  # a duck-typed file object: tarfile only calls read()
    return {"sha256": reader.digest.hexdigest(), "size": stat.st_size}


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(time.time())
    info.mode = 0o644
    tar.addfile(info, io.BytesIO(data))


def _fsync(path: Path) -> None:
    """Flush a file or folder to disk, so a power cut after the rename keeps the backup."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# --- restore -----------------------------------------------------------------------------------


def backup_restore(
    archive: Path, *, force: bool = False, site: Site | None = None
) -> RestoreResult:
    """Replace the site's database and uploads with those in ``archive``, after checking it.

    Preconditions: the site is stopped (gongkai serve, gongkai tick); a SQLite database still
    open elsewhere is refused. A site that holds data is replaced only with ``force``, and then
    its database and uploads are kept beside the new ones as ``*.before-restore-<time>``.
    Refused archives (missing, truncated, not a gongkai backup, a checksum that differs, unsafe
    member names, links, a database that fails its integrity check or has migrations this code
    does not know) raise BackupError and change nothing.
    """
    site = site or Site.from_settings()
    engine = site.engine
    archive = archive.expanduser().absolute()
    if not archive.is_file():
        raise BackupError(f"找不到备份文件 {archive}。")
    db_home = site.sqlite_path.parent if engine == "sqlite" else site.media_root.parent
    media_root = site.media_root
    try:
        db_home.mkdir(parents=True, exist_ok=True)
        media_root.parent.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(prefix=".gongkai-restore-", dir=db_home))
        stage_media = Path(
            tempfile.mkdtemp(prefix=f".{media_root.name}.restore-", dir=media_root.parent)
        )
    except OSError as err:
        raise BackupError(f"无法写入 {db_home}：{err.strerror}。", log=str(err)) from err
    try:
        manifest = _unpack(archive, stage, stage_media)
        database = manifest["database"]
        if database.get("engine") != engine:
            raise BackupError(
                f"这份备份的数据库是 {database.get('engine')}，当前配置的是 {engine}；"
                "请在相同类型的数据库上恢复。"
            )
        staged_db = stage / database["member"]
        if engine == "sqlite":
            migrations = _check_sqlite(staged_db)
        else:
            _pg_run(
                [_pg_tool("pg_restore"), "--list", str(staged_db)],
                site.database,
                "检查备份中的数据库",
            )
            migrations = [(str(a), str(n)) for a, n in manifest.get("migrations", [])]
        pending = _check_migrations(migrations)
        in_use = _site_data(site)
        if in_use and not force:
            raise BackupError(
                f"当前站点已有数据（{in_use}）。恢复会替换它们；确认要替换时加 --force，"
                "原有的数据库和上传文件会改名保留为 *.before-restore-<时间>。"
            )
        media_count = sum(1 for name in manifest["members"] if name.startswith(MEDIA_PREFIX))
        stamp = f"{clock.now().astimezone(dt.timezone(dt.timedelta(hours=8))):%Y%m%d-%H%M%S}"
        set_aside: list[Path] = []
        if engine == "sqlite":
            _swap_sqlite(site.sqlite_path, staged_db, stamp=stamp, set_aside=set_aside)
        else:
            _restore_pg(site, staged_db, stamp=stamp, keep_old=bool(in_use), set_aside=set_aside)
        try:
            _swap_media(media_root, stage_media, stamp=stamp, set_aside=set_aside)
        except OSError:
            if engine == "sqlite" and set_aside:
                # Put the old database back: a site with one archive's rows and another's files
                # is worse than the site before.
                os.replace(set_aside[0], site.sqlite_path)
            raise
        return RestoreResult(
            engine=engine,
            created_at=str(manifest.get("created_at", "")),
            gongkai_version=str(manifest.get("gongkai_version", "")),
            media_files=media_count,
            counts=_counts(site),
            set_aside=set_aside,
            pending_migrations=pending,
        )
    except OSError as err:
        raise BackupError(f"恢复失败：{err.strerror or err}。", log=f"restore: {err}") from err
    finally:
        shutil.rmtree(stage, ignore_errors=True)
        shutil.rmtree(stage_media, ignore_errors=True)


def _refuse(archive: Path, why: str, log: str) -> BackupError:
    return BackupError(f"{archive.name} 不是完好的 gongkai 备份：{why}。未做任何改动。", log=log)


def _member_target(name: str, stage: Path, stage_media: Path) -> Path | None:
    """Where a member is unpacked, or None when its name is not one a backup writes."""
    if name in (SQLITE_MEMBER, PG_MEMBER):
        return stage / name
    if not name.startswith(MEDIA_PREFIX) or "\\" in name or "\x00" in name:
        return None
    rest = name[len(MEDIA_PREFIX) :]
    relative = PurePosixPath(rest)
    parts = relative.parts
    # The name as written must be its own normal form: no "..", no "." or empty segments that
    # would let two members name one file.
    if not parts or relative.is_absolute() or ".." in parts or relative.as_posix() != rest:
        return None
    return stage_media.joinpath(*parts)


def _unpack(archive: Path, stage: Path, stage_media: Path) -> dict[str, Any]:
    """Unpack every member into the staging folders, checking names, kinds and checksums."""
    seen: dict[str, dict[str, Any]] = {}
    manifest_bytes: bytes | None = None
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar:
                name = member.name
                if name in seen or (name == MANIFEST and manifest_bytes is not None):
                    raise _refuse(archive, f"成员 {name} 出现了两次", f"duplicate member {name!r}")
                if not member.isreg():
                    raise _refuse(
                        archive,
                        f"{name} 不是普通文件（链接、目录或设备）",
                        f"member {name!r} type {member.type!r}",
                    )
                source = tar.extractfile(member)
                if source is None:  # pragma: no cover - isreg() members always have data
                    raise _refuse(archive, f"无法读取 {name}", f"no data for {name!r}")
                if name == MANIFEST:
                    if member.size > MAX_MANIFEST_BYTES:
                        raise _refuse(archive, "清单过大", f"manifest of {member.size} bytes")
                    manifest_bytes = source.read()
                    continue
                target = _member_target(name, stage, stage_media)
                if target is None:
                    raise _refuse(
                        archive, f"含有不安全或不认识的路径 {name}", f"bad member name {name!r}"
                    )
                target.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                size = 0
                with target.open("xb") as out:
                    while chunk := source.read(_CHUNK):
                        digest.update(chunk)
                        size += len(chunk)
                        out.write(chunk)
                seen[name] = {"sha256": digest.hexdigest(), "size": size}
    except (tarfile.TarError, EOFError, zlib.error) as err:
        raise _refuse(archive, "文件已损坏、不完整或不是备份归档", f"unreadable: {err}") from err
    if manifest_bytes is None:
        raise _refuse(archive, "缺少清单 manifest.json", "no manifest")
    try:
        manifest = json.loads(manifest_bytes)
    except ValueError as err:
        raise _refuse(archive, "清单无法读取", f"manifest: {err}") from err
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _refuse(archive, "清单不是 gongkai 备份的清单", "manifest format")
    if not isinstance(manifest.get("format_version"), int) or manifest["format_version"] < 1:
        raise _refuse(archive, "清单的格式版本无效", "manifest format_version")
    if manifest["format_version"] > FORMAT_VERSION:
        raise BackupError(
            "这份备份由较新版本的 gongkai 生成（备份格式"
            f"{manifest['format_version']}），请先升级本程序再恢复。"
        )
    listed = manifest.get("members")
    database = manifest.get("database")
    if (
        not isinstance(listed, dict)
        or not isinstance(database, dict)
        or database.get("member") not in (SQLITE_MEMBER, PG_MEMBER)
        or database["member"] not in seen
    ):
        raise _refuse(archive, "清单内容不完整", "manifest members/database")
    if set(listed) != set(seen):
        missing = sorted(set(listed) - set(seen))[:3]
        extra = sorted(set(seen) - set(listed))[:3]
        raise _refuse(
            archive,
            f"内容与清单不符（缺少 {missing}，多出 {extra}）",
            f"members differ: missing {missing} extra {extra}",
        )
    for name, actual in seen.items():
        expected = listed[name]
        if not isinstance(expected, dict) or (
            expected.get("sha256"),
            expected.get("size"),
        ) != (actual["sha256"], actual["size"]):
            raise _refuse(archive, f"{name} 的校验值与清单不符", f"checksum mismatch {name!r}")
    return manifest


def _check_sqlite(path: Path) -> list[tuple[str, str]]:
    """Refuse a database copy that fails PRAGMA integrity_check or is not gongkai's."""
    try:
        with contextlib.closing(sqlite_connect(path)) as connection:
            result = connection.execute("PRAGMA integrity_check").fetchall()
            if result != [("ok",)]:
                raise BackupError(
                    "备份中的数据库未通过完整性检查（PRAGMA integrity_check），不能恢复。",
                    log=f"integrity_check: {result[:5]}",
                )
            migrations = _sqlite_migrations(connection)
    except sqlite3.Error as err:
        raise BackupError(
            f"备份中的数据库无法打开（{err}），不能恢复。", log=f"sqlite: {err}"
        ) from err
    if not migrations:
        raise BackupError("备份中的数据库不是 gongkai 的数据库（没有迁移记录），不能恢复。")
    return migrations


def _check_migrations(applied: list[tuple[str, str]]) -> int:
    """Refuse migrations this code does not have; return how many of its own are not applied."""
    from django.db.migrations.loader import MigrationLoader

    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = sorted(set(applied) - known)
    if unknown:
        app, name = unknown[0]
        raise BackupError(
            f"这份备份来自较新版本的 gongkai（数据库迁移 {app}.{name} 等 {len(unknown)} 个本程序"
            "没有），请先把程序升级到备份时的版本再恢复。",
            log=f"unknown migrations: {unknown[:5]}",
        )
    return len(known - set(applied))


def _table_names() -> list[tuple[str, str]]:
    """(db_table, "app.Model") of each counted model."""
    from django.apps import apps

    return [
        (apps.get_model(app, model)._meta.db_table, f"{app}.{model}") for app, model, _ in COUNTED
    ]


def describe_counts(counts: Mapping[str, int]) -> str:
    """The counts in Chinese: 单位91个、用户138个…, in COUNTED's order, zeros left out."""
    labels = {f"{app}.{model}": label for app, model, label in COUNTED}
    return "、".join(labels[key].format(n) for key, n in counts.items() if n and key in labels)


def _counts(site: Site) -> dict[str, int]:
    """Rows of the counted tables in the site's database, by "app.Model" (tables it lacks are
    left out)."""
    counts: dict[str, int] = {}
    if site.engine == "sqlite":
        if not site.sqlite_path.is_file():
            return counts
        if not _looks_like_sqlite(site.sqlite_path):
            raise sqlite3.DatabaseError(f"{site.sqlite_path} is not an SQLite file")
        with contextlib.closing(sqlite3.connect(site.sqlite_path, timeout=20)) as connection:
            tables = {
                row[0]
                for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            for table, key in _table_names():
                if table in tables:
                    row = connection.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()  # noqa: S608
                    counts[key] = int(row[0])
        return counts
    from django.db import connections

    with connections["default"].cursor() as cursor:
        existing = set(connections["default"].introspection.table_names(cursor))
        for table, key in _table_names():
            if table in existing:
                cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608
                counts[key] = int(cursor.fetchone()[0])
    return counts


def _site_data(site: Site) -> str:
    """What the site holds now, e.g. "单位91个、上传文件86个"; "" when it holds nothing."""
    try:
        counted = describe_counts(_counts(site))
    except sqlite3.DatabaseError:
        counted = "一个无法读取的数据库"  # damaged: replaced only with --force, kept aside
    held = [counted] if counted else []
    files = sum(1 for _ in _media_files(site.media_root))
    if files:
        held.append(f"上传文件{files}个")
    return "、".join(held)


def _swap_sqlite(db_path: Path, staged: Path, *, stamp: str, set_aside: list[Path]) -> None:
    """Put the staged database in place, the old one (if any) aside, by renames.

    A damaged old database (one SQLite cannot open, the very case a restore is for) is moved
    aside with its -wal/-shm/-journal files, named so that SQLite still pairs them."""
    if db_path.exists():
        aside = db_path.with_name(f"{db_path.name}.before-restore-{stamp}")
        if not _release_sqlite(db_path):
            for suffix in ("-wal", "-shm", "-journal"):
                companion = Path(f"{db_path}{suffix}")
                if companion.exists():
                    os.replace(companion, Path(f"{aside}{suffix}"))
        os.replace(db_path, aside)
        set_aside.append(aside)
        with contextlib.suppress(OSError):
            shutil.copymode(aside, staged)
    os.replace(staged, db_path)
    _fsync(db_path.parent)


def _release_sqlite(db_path: Path) -> bool:
    """Fold the WAL into the file and make sure nobody else has the database open; False when
    the file cannot be read as a database at all.

    SQLite deletes ``-wal`` and ``-shm`` when the last connection closes; if they remain after
    ours closed, a server or tick still holds the database, and a file renamed under it would
    take its next writes (or a stale WAL would be replayed into the new file)."""
    if not _looks_like_sqlite(db_path):
        # Not opened at all: SQLite would delete the -wal and -shm beside a file it cannot
        # read when it closes, and they are kept with the file for whoever looks into it.
        logger.warning("restore: current database %s is not an SQLite file", db_path)
        return False
    try:
        with contextlib.closing(sqlite3.connect(db_path, timeout=20)) as connection:
            # A read first: it rolls back a hot journal a crashed writer left (DELETE mode).
            connection.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlite3.OperationalError as err:
        if "locked" in str(err) or "busy" in str(err):
            raise _in_use(f"{db_path}: {err}") from err
        logger.warning("restore: current database unreadable (%s); moving it aside", err)
        return False
    except sqlite3.DatabaseError as err:
        logger.warning("restore: current database unreadable (%s); moving it aside", err)
        return False
    # A stale -wal or -journal left beside the new file would be replayed into it.
    for suffix in ("-wal", "-shm", "-journal"):
        if Path(f"{db_path}{suffix}").exists():
            raise _in_use(f"{db_path}{suffix} still present: database in use")
    return True


def _looks_like_sqlite(path: Path) -> bool:
    """An empty file, or one that starts with SQLite's header."""
    with path.open("rb") as handle:
        head = handle.read(16)
    return head in (b"", b"SQLite format 3\x00")


def _in_use(log: str) -> BackupError:
    return BackupError(
        "数据库仍在被使用（网站或定时任务可能仍在运行）。请先停止 gongkai serve 和 "
        "gongkai tick（例如 systemctl stop gongkai gongkai-tick.timer），再恢复。",
        log=log,
    )


def _swap_media(media_root: Path, staged: Path, *, stamp: str, set_aside: list[Path]) -> None:
    """Put the staged uploads folder in place; keep a non-empty old one aside."""
    if media_root.exists():
        if any(path.is_file() for path in media_root.rglob("*")):
            aside = media_root.with_name(f"{media_root.name}.before-restore-{stamp}")
            os.rename(media_root, aside)
            set_aside.append(aside)
            with contextlib.suppress(OSError):
                shutil.copymode(aside, staged)
        else:
            shutil.rmtree(media_root)
    else:
        staged.chmod(0o755)
    os.rename(staged, media_root)
    _fsync(media_root.parent)


def _restore_pg(
    site: Site, dump: Path, *, stamp: str, keep_old: bool, set_aside: list[Path]
) -> None:
    """Keep the old database as a dump beside the uploads, then replace it in one transaction.

    ``pg_restore --clean`` cannot drop the constraints of the search table's partitions, and
    leaves tables the dump lacks; so the schema is dropped and rebuilt from pg_restore's script
    inside one psql transaction (PostgreSQL's DDL is transactional): any error, or a lock
    still held by a running site after lock_timeout, rolls back to the old database."""
    from django.db import connections

    connections.close_all()
    if keep_old:
        aside = site.media_root.parent / f"db.before-restore-{stamp}.pgdump"
        _pg_dump(site.database, aside)
        set_aside.append(aside)
    env = _pg_env(site.database)
    script = subprocess.Popen(  # noqa: S603 - fixed tool, the argument is our staged file
        [_pg_tool("pg_restore"), "--no-owner", "--no-acl", "--file=-", str(dump)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    if script.stdout is None:  # pragma: no cover - stdout=PIPE always gives one
        raise BackupError("无法运行 pg_restore。")
    loaded = subprocess.run(  # noqa: S603 - fixed tool and statements
        [
            _pg_tool("psql"),
            "--no-psqlrc",
            "--quiet",
            "--set=ON_ERROR_STOP=1",
            "--single-transaction",
            "--command=SET lock_timeout = '10s'; DROP SCHEMA public CASCADE; CREATE SCHEMA public;",
            "--file=-",
        ],
        env=env,
        stdin=script.stdout,
        capture_output=True,
        text=True,
        check=False,
    )
    script.stdout.close()
    script_error = (script.communicate()[1] or b"").decode(errors="replace")
    if script.returncode != 0 or loaded.returncode != 0:
        for path in set_aside:  # nothing was replaced: no copy to keep either
            path.unlink(missing_ok=True)
        set_aside.clear()
        detail = (loaded.stderr.strip() or script_error.strip()).splitlines()[-1:] or [""]
        if "lock timeout" in loaded.stderr:
            raise BackupError(
                "数据库仍在被使用（网站或定时任务可能仍在运行）。请先停止 gongkai serve 和 "
                "gongkai tick，再恢复。原数据库未改动。",
                log=f"psql: {loaded.stderr.strip()}",
            )
        raise BackupError(
            f"恢复数据库失败，原数据库未改动：{detail[0]}",
            log=f"pg restore: {script_error.strip()} {loaded.stderr.strip()}",
        )
