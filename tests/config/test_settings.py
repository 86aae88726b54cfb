"""Production mode refuses the demo's settings; the embedded default is SQLite in WAL mode."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def _load_settings(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "GONGKAI_ENV"}}
    return subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_debug() -> None:
    result = _load_settings({"GONGKAI_ENV": "production", "DEBUG": "1", "SECRET_KEY": "x" * 50})
    assert result.returncode != 0
    assert "DEBUG must be off" in result.stderr


def test_production_refuses_default_secret() -> None:
    result = _load_settings({"GONGKAI_ENV": "production"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_starts_with_a_real_secret() -> None:
    result = _load_settings(
        {
            "GONGKAI_ENV": "production",
            "SECRET_KEY": "a-real-secret-" + "0123456789" * 4,
            "ALLOWED_HOSTS": "gongkai.example.gov.cn",
        }
    )
    assert result.returncode == 0, result.stderr


def test_unknown_mode_is_refused() -> None:
    assert _load_settings({"GONGKAI_ENV": "staging"}).returncode != 0


@pytest.mark.django_db
def test_sqlite_runs_in_wal_mode_on_a_real_file() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA database_list")
        assert cursor.fetchone()[2].endswith(".sqlite3")
