"""`gongkai backup` of the live demo county and `gongkai restore` into a fresh site: the counts,
the audit log and every uploaded file come back, the restored database passes its integrity
check, a site with data is replaced only with --force, and a damaged archive is refused in one
Chinese line.

The backup runs in this process on the package's demo database (a SQLite file, as in
production); each restore runs as the command line in a subprocess with a var dir of its own.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from gongkai.applications.models import Application, Letter
from gongkai.core.backup import sqlite_connect
from gongkai.core.models import AuditEntry
from gongkai.orgs.models import Unit
from gongkai.publications.models import Publication

# The SQLite archive is what a county's server backs up; PostgreSQL's pg_dump round trip is
# tests/core/test_backup_postgres.py.
pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="restores the demo's SQLite file into a fresh SQLite site",
)

ROOT = Path(__file__).resolve().parents[2]
GONGKAI = [sys.executable, "-m", "gongkai.cli"]
TABLES = {
    "publications": Publication,
    "applications": Application,
    "letters": Letter,
    "units": Unit,
}


def _restore(var_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    keep = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GONGKAI_", "DJANGO_")) and k != "DATABASE_URL"
    }
    return subprocess.run(  # noqa: S603 - our own command
        [*GONGKAI, "restore", *args],
        cwd=ROOT,
        env={**keep, "GONGKAI_ENV": "test", "GONGKAI_VAR_DIR": str(var_dir)},
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def _count(db: Path, table: str) -> int:
    with contextlib.closing(sqlite_connect(db)) as connection:
        return int(connection.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0])  # noqa: S608


def _files(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def test_demo_round_trips_into_a_fresh_site(demo: str, tmp_path: Path) -> None:
    counts = {name: model.objects.count() for name, model in TABLES.items()}
    audit_ids = set(AuditEntry.objects.values_list("id", flat=True))
    media = _files(Path(settings.MEDIA_ROOT))
    assert counts["publications"] > 1000 and counts["letters"] > 5 and len(media) > 50

    out = StringIO()
    call_command("backup", str(tmp_path), stdout=out)
    [archive] = tmp_path.glob("gongkai-backup-*.tar.gz")
    assert f"上传文件 {len(media)} 个" in out.getvalue()
    assert not list(tmp_path.glob(".gongkai-backup-*"))  # the temporary folder is gone
    assert AuditEntry.objects.filter(action="system.backup").count() == 1

    fresh = tmp_path / "fresh"
    done = _restore(fresh, str(archive))
    assert done.returncode == 0, done.stderr
    assert f"上传文件{len(media)}个" in done.stdout
    restored = fresh / "db.sqlite3"
    with contextlib.closing(sqlite_connect(restored)) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        restored_audit = dict(connection.execute("SELECT id, action FROM core_auditentry"))
    for name, model in TABLES.items():
        assert _count(restored, model._meta.db_table) == counts[name], name
    # Every entry of the moment of the backup, and the restore's own entry.
    assert audit_ids <= set(restored_audit)
    assert [restored_audit[i] for i in set(restored_audit) - audit_ids] == ["system.restore"]
    assert _files(fresh / "media") == media
    assert sorted(path.name for path in fresh.iterdir()) == ["db.sqlite3", "media"]

    # A site with data is replaced only with --force, and then kept aside.
    refused = _restore(fresh, str(archive))
    assert refused.returncode == 1
    assert "--force" in refused.stderr and "Traceback" not in refused.stderr
    forced = _restore(fresh, "--force", str(archive))
    assert forced.returncode == 0, forced.stderr
    assert "原有数据已保留为" in forced.stdout
    [old_db] = fresh.glob("db.sqlite3.before-restore-*")
    [old_media] = fresh.glob("media.before-restore-*")
    assert _count(old_db, Publication._meta.db_table) == counts["publications"]
    assert _files(old_media) == media

    # A damaged archive: one Chinese line, no traceback, nothing changed.
    damaged = tmp_path / "damaged.tar.gz"
    damaged.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    before = sorted(path.name for path in fresh.iterdir())
    refused = _restore(fresh, "--force", str(damaged))
    assert refused.returncode == 1
    assert "不是完好的 gongkai 备份" in refused.stderr and "Traceback" not in refused.stderr
    assert sorted(path.name for path in fresh.iterdir()) == before
