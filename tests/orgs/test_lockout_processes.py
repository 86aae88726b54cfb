"""The lockout counts across processes: gunicorn's workers each see the failures the others
recorded, because they are rows in the database and not a counter in one process's memory."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from gongkai.orgs.models import User

ROOT = Path(__file__).resolve().parents[2]
# One worker process: Django set up, two failed logins of mzj_editor from its own address.
WORKER = """
import django
django.setup()
from gongkai.orgs import logins
for _ in range(2):
    logins.login_failed(username="mzj_editor", address="{address}", reason="password")
"""


@pytest.mark.django_db(transaction=True)
def test_failures_recorded_by_other_processes_lock_the_account(editor: User) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("the worker processes are pointed at the test's SQLite file")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"sqlite:///{connection.settings_dict['NAME']}",
    }
    for number in (1, 2):
        done = subprocess.run(  # noqa: S603 - our own interpreter
            [sys.executable, "-c", WORKER.format(address=f"198.51.100.{number}")],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
    client = Client()
    fifth = client.post(reverse("login"), {"username": "mzj_editor", "password": "wrong"})
    assert fifth.status_code == 429  # 2 + 2 elsewhere, the fifth here
    right = client.post(
        reverse("login"), {"username": "mzj_editor", "password": "pass-for-tests-1"}
    )
    assert right.status_code == 429
