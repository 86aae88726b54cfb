"""How long `gongkai backup` and `gongkai restore` take, and how large the archive is.

The demo county (石城县, 3,199 items, 86 letters and attachments) is loaded into a throw-away
test database, then grown by ``BENCH_BACKUP_PUBLICATIONS`` (default 100,000) synthetic items
written as imports write them; each size is backed up (gongkai.core.backup.backup_create: the
SQLite online backup API, integrity check, gzip'd tar with checksums) and restored into an empty
folder (checks, integrity check, renames). Run with ``python -m bench.backup``; it sets its own
GONGKAI_VAR_DIR (a temporary folder) so the demo's files do not land in ./var.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import tempfile
import time
from io import StringIO
from pathlib import Path
from typing import Any

from bench.database import insert_publications, throwaway_database, write_results

EXTRA = int(os.environ.get("BENCH_BACKUP_PUBLICATIONS", "100000"))
MB = 1024 * 1024


def _measure(label: str, site: Any, scratch: Path) -> dict[str, Any]:
    from gongkai.core.backup import Site, backup_create, backup_restore

    archive_dir = scratch / f"archive-{label}"
    archive_dir.mkdir()
    began = time.perf_counter()
    result = backup_create(archive_dir, site=site)
    backup_s = time.perf_counter() - began
    fresh = scratch / f"restored-{label}"
    target = Site(
        database={"ENGINE": "django.db.backends.sqlite3", "NAME": str(fresh / "db.sqlite3")},
        media_root=fresh / "media",
    )
    began = time.perf_counter()
    restored = backup_restore(result.path, site=target)
    restore_s = time.perf_counter() - began
    return {
        "publications": restored.counts.get("publications.Publication", 0),
        "database_mb": round(result.database_bytes / MB, 1),
        "media_files": result.media_files,
        "media_mb": round(result.media_bytes / MB, 1),
        "archive_mb": round(result.archive_bytes / MB, 1),
        "backup_s": round(backup_s, 2),
        "restore_s": round(restore_s, 2),
    }


def main() -> None:
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from gongkai.core.backup import Site
    from gongkai.orgs.models import Unit

    if connection.vendor != "sqlite":
        raise SystemExit("bench.backup measures the SQLite path; unset DATABASE_URL")
    results: dict[str, Any] = {}
    with throwaway_database(), tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        call_command("demo", stdout=StringIO())
        connection.close()
        site = Site(database=connection.settings_dict, media_root=Path(settings.MEDIA_ROOT))
        results["demo"] = _measure("demo", site, scratch)
        units = list(Unit.objects.values_list("pk", flat=True))
        insert_publications(
            EXTRA,
            units=units,
            rng=random.Random(12),  # noqa: S311 - reproducible data, not secrets
            start=dt.datetime(2023, 1, 1, tzinfo=dt.UTC),
        )
        connection.close()
        results[f"demo_plus_{EXTRA}"] = _measure("grown", site, scratch)
    write_results("backup", results)
    print("backup:", json.dumps(results, ensure_ascii=False))


if __name__ == "__main__":
    import shutil

    import django

    var_dir = tempfile.mkdtemp(prefix="gongkai-bench-backup-")
    os.environ["GONGKAI_VAR_DIR"] = var_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    try:
        django.setup()
        main()
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)
