"""Every environment variable config/settings.py reads is in the README's configuration table and
in .env.example; the deployment samples start the commands that exist."""

from __future__ import annotations

import re
from pathlib import Path

from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[2]
READS = re.compile(r'(?:os\.environ\.get|_env_bool|_env_list|os\.environ\[)\(?\s*"([A-Z_]+)"')


def _variables() -> set[str]:
    found = set(READS.findall((ROOT / "config" / "settings.py").read_text(encoding="utf-8")))
    assert {"SECRET_KEY", "GONGKAI_WORKERS", "GONGKAI_INDEX_PATTERN"} <= found  # the regex works
    return found


def test_the_readme_table_covers_every_variable() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    documented = {name for row in rows for name in re.findall(r"`([A-Z_]+)`", row.split("|")[1])}
    assert _variables() - documented == set()


def test_env_example_lists_every_variable() -> None:
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    listed = set(re.findall(r"^([A-Z_]+)=", example, flags=re.MULTILINE))
    assert _variables() - listed == set()


def test_the_samples_run_commands_that_exist() -> None:
    deploy = ROOT / "docs" / "deploy"
    commands = get_commands()
    assert "serve" in commands and "tick" in commands
    assert "bin/gongkai serve" in (deploy / "gongkai.service").read_text(encoding="utf-8")
    assert "bin/gongkai tick" in (deploy / "gongkai-tick.service").read_text(encoding="utf-8")
    assert "bin/gongkai tick" in (deploy / "gongkai.cron").read_text(encoding="utf-8")
    assert "X-Forwarded-Proto" in (deploy / "nginx.conf").read_text(encoding="utf-8")
