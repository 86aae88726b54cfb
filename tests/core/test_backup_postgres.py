"""`gongkai backup` and `gongkai restore` on PostgreSQL (pg_dump/pg_restore): a site round-trips
into an empty database, and a database with data is replaced only with --force, its old content
kept as a dump.

Needs a PostgreSQL server and its client tools: set GONGKAI_TEST_POSTGRES to a server address
(e.g. postgres://postgres@127.0.0.1:5433); the test creates and drops two databases of its own
there. Skipped otherwise.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GONGKAI = [sys.executable, "-m", "gongkai.cli"]
SERVER = os.environ.get("GONGKAI_TEST_POSTGRES", "").rstrip("/")
SOURCE, TARGET = "gk_backup_test_source", "gk_backup_test_target"

pytestmark = pytest.mark.skipif(
    not SERVER or not shutil.which("pg_dump") or not shutil.which("psql"),
    reason="set GONGKAI_TEST_POSTGRES=postgres://user@host:port (and install pg_dump/psql)",
)


def _psql(database: str, sql: str) -> str:
    done = subprocess.run(  # noqa: S603 - fixed tool
        ["psql", "--no-psqlrc", "-At", f"--dbname={SERVER}/{database}", "-c", sql],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def _gongkai(database: str, var_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("GONGKAI_", "DJANGO_"))}
    env = {
        **keep,
        "GONGKAI_ENV": "test",
        "GONGKAI_VAR_DIR": str(var_dir),
        "DATABASE_URL": f"{SERVER}/{database}",
    }
    return subprocess.run(  # noqa: S603 - our own command
        [*GONGKAI, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )


@pytest.fixture
def databases() -> Iterator[None]:
    for name in (SOURCE, TARGET):
        _psql("postgres", f"DROP DATABASE IF EXISTS {name}")
        _psql("postgres", f"CREATE DATABASE {name}")
    yield
    for name in (SOURCE, TARGET):
        _psql("postgres", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_postgres_round_trip(databases: None, tmp_path: Path) -> None:
    source = tmp_path / "source"
    assert _gongkai(SOURCE, source, "migrate", "--noinput", "-v0").returncode == 0
    made = _gongkai(
        SOURCE,
        source,
        "shell",
        "-c",
        "from gongkai.interaction.services import message_submit\n"
        "for i in range(7): message_submit(box='jiucuo', values={'page_url': f'/p/{i}', "
        "'category': 'typo', 'body': '错别字'})",
    )
    assert made.returncode == 0, made.stderr
    (source / "media" / "letters").mkdir(parents=True)
    (source / "media" / "letters" / "a.docx").write_bytes(b"letter")

    done = _gongkai(SOURCE, source, "backup", str(tmp_path))
    assert done.returncode == 0, done.stderr
    [archive] = tmp_path.glob("gongkai-backup-*.tar.gz")

    target = tmp_path / "target"
    done = _gongkai(TARGET, target, "restore", str(archive))
    assert done.returncode == 0, done.stderr
    assert _psql(TARGET, "SELECT COUNT(*) FROM interaction_message") == "7"
    assert (target / "media" / "letters" / "a.docx").read_bytes() == b"letter"
    assert _psql(TARGET, "SELECT action FROM core_auditentry") == "system.restore"

    refused = _gongkai(TARGET, target, "restore", str(archive))
    assert refused.returncode == 1 and "--force" in refused.stderr
    assert "Traceback" not in refused.stderr
    _psql(
        TARGET,
        "DELETE FROM interaction_message WHERE id = (SELECT MIN(id) FROM interaction_message)",
    )
    forced = _gongkai(TARGET, target, "restore", "--force", str(archive))
    assert forced.returncode == 0, forced.stderr
    assert _psql(TARGET, "SELECT COUNT(*) FROM interaction_message") == "7"
    [kept] = target.glob("db.before-restore-*.pgdump")
    assert kept.stat().st_size > 0
