"""The demo county, loaded once for the whole tests/demo package.

Loading takes ten-odd seconds, so every module here shares one load; each test runs in its own
transaction on top of it. Afterwards the database is flushed and the reference data that data
migrations create (standard topics and columns) is put back, so later packages find the database
as migrations left it.
"""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.management import call_command

from tests.conftest import restore_reference_data

# The demo dates its invented steps relative to "today"; the package runs on a fixed day inside
# the working-day calendar's years so that what the tests expect (one overdue application, due
# dates that can be computed) does not depend on the day the suite runs.
DEMO_TODAY = "2026-11-20 10:00 +0800"


@pytest.fixture(scope="package")
def demo_output(django_db_setup: Any, django_db_blocker: Any) -> Iterator[str]:
    traveller = time_machine.travel(DEMO_TODAY, tick=True)
    traveller.start()
    out = StringIO()
    try:
        with django_db_blocker.unblock():
            call_command("demo", stdout=out)
        yield out.getvalue()
    finally:
        with django_db_blocker.unblock():
            call_command("flush", interactive=False, verbosity=0)
            restore_reference_data()
        traveller.stop()


@pytest.fixture
def demo(demo_output: str, db: Any) -> str:
    return demo_output
