"""What the database benchmarks share: a throw-away test database, province-size synthetic
publications, the median of a few runs, and the results file with the machine it was measured on."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import platform
import random
import statistics
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from django.db import connection
from django.test.utils import setup_test_environment, teardown_test_environment

RESULTS = Path(__file__).resolve().parent / "results"


@contextlib.contextmanager
def throwaway_database(*, keep: bool = False) -> Iterator[None]:
    """A fresh test database (migrated), destroyed afterwards whatever happens — unless ``keep``:
    a million items take an hour to fill and index, so the province run keeps its database to be
    timed again (``BENCH_REUSE``) after a change to the code that reads it."""
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, keepdb=False)
    try:
        yield
    finally:
        if keep:
            print(f"kept database {connection.settings_dict['NAME']}", flush=True)
            connection.close()
        else:
            connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


def reuse_database(name: str) -> None:
    """Point the connection at a database an earlier run kept, migrated to the current code."""
    from django.core.management import call_command

    setup_test_environment()
    connection.close()
    connection.settings_dict["NAME"] = name
    call_command("migrate", verbosity=0, interactive=False)


def insert_publications(
    count: int,
    *,
    units: list[int],
    rng: random.Random,
    start: dt.datetime,
    late_share: float = 0.0,
    findings: Sequence[object] | None = None,
    finding_share: float = 0.03,
    batch: int = 50_000,
) -> None:
    """Insert ``count`` synthetic publications over the three years from ``start``, in raw SQL.

    A province holds millions of items; creating them through the services (or even the ORM's
    bulk_create) would take the benchmark longer than what it measures, so they are written with
    raw ``executemany`` in batches of ``batch``, as if imported: province-size data in seconds.
    Each item goes to a random unit of ``units`` and a random column, about 2% withdrawn and 2%
    drafts. A ``late_share`` of items is published late (``is_late``): written 30-90 days before
    publication; the others were written 3 days before; the 应公开日期 (``due_on``) is always 28
    days (20 working days) after writing. With ``findings`` (the check findings of one item each),
    a ``finding_share`` of items carries one of them. ``rng`` makes the data reproducible.
    """
    from gongkai.publications.models import Column, Publication, TopicCategory

    columns = list(Column.objects.values_list("pk", flat=True))
    topic = TopicCategory.objects.values_list("pk", flat=True).first()
    span = 3 * 365 * 24 * 3600
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
    empty = json.dumps([])
    found_lists = [json.dumps(f, ensure_ascii=False) for f in findings or []]
    fields = (
        "created_at, updated_at, unit_id, issuer, title, doc_number, doc_number_key, written_on,"
        " published_at, topic_id, five_class, column_id, attribute, non_public_ground,"
        " attribute_reason, body, body_text, doc_kind, validity, status, due_on, is_late,"
        " withdrawal_reason, findings, override_reason, source_url, version"
    )
    marks = ", ".join(["%s"] * len(fields.split(",")))
    sql = f"INSERT INTO {Publication._meta.db_table} ({fields}) VALUES ({marks})"  # noqa: S608 - constants only
    with connection.cursor() as cursor:
        for first in range(0, count, batch):
            rows = []
            for _ in range(first, min(first + batch, count)):
                at = start + dt.timedelta(seconds=rng.randrange(span))
                draw = rng.random()
                status = "withdrawn" if draw < 0.02 else "draft" if draw < 0.04 else "published"
                late = late_share > 0 and rng.random() < late_share
                written = at.date() - dt.timedelta(days=rng.randint(30, 90) if late else 3)
                due = written + dt.timedelta(days=28)
                found = empty
                if found_lists and rng.random() < finding_share:
                    found = found_lists[rng.randrange(len(found_lists))]
                rows.append(
                    (now, now, rng.choice(units), "某单位", "工作动态", "", "",
                     written.isoformat(), at.strftime("%Y-%m-%d %H:%M:%S"), topic, "result",
                     rng.choice(columns), "proactive", "", "", "", "", "ordinary", "", status,
                     due.isoformat(), late, "", found, "", "", 1)
                )  # fmt: skip
            cursor.executemany(sql, rows)
    from gongkai.publications.services import publication_top_columns_fill

    publication_top_columns_fill()


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
