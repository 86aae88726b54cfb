"""What the database benchmarks share: a throw-away test database, the median of a few runs, and
the results file with the machine it was measured on."""

from __future__ import annotations

import contextlib
import json
import platform
import statistics
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from django.db import connection
from django.test.utils import setup_test_environment, teardown_test_environment

RESULTS = Path(__file__).resolve().parent / "results"


@contextlib.contextmanager
def throwaway_database() -> Iterator[None]:
    """A fresh test database (migrated), destroyed afterwards whatever happens."""
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, keepdb=False)
    try:
        yield
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


def median_ms(fn: Callable[[], Any], *, repeats: int = 3) -> float:
    """The median wall time of ``repeats`` calls, in milliseconds."""
    runs = []
    for _ in range(repeats):
        began = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - began)
    return round(statistics.median(runs) * 1000, 1)


def write_results(name: str, fields: dict[str, Any]) -> None:
    """bench/results/<name>.json: ``fields`` with the machine, Python and database."""
    report = {
        "machine": platform.platform(),
        "python": platform.python_version(),
        "database": connection.vendor,
        **fields,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
