"""How much 上一篇/下一篇 and the policy ↔ interpretation links cost an item's page at province size.

Fills a throw-away test database with ``BENCH_PUBLICATIONS`` synthetic items (default 1,000,000,
raw inserts as bench.database does: about 60,000 a column), links 1% of them as interpretations of
another item, then times, warm, over ``BENCH_SAMPLES`` random items (default 200):

- ``public_neighbours`` (two LIMIT 1 seeks on the (column, status, published_at) index) against
  the naive way of finding them (the column's published ids in order, then the item's place);
- the item's query with the page's markers (what a 304 costs) against the same query without them;
- the item's page through Django's test client, sent (200) and revalidated (304).

It prints the query plans and writes bench/results/neighbours_<size>.json. Run with
``python -m bench.neighbours``; ``DATABASE_URL`` picks PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import time
from collections.abc import Callable
from typing import Any

SIZE = int(os.environ.get("BENCH_PUBLICATIONS", "1000000"))
SAMPLES = int(os.environ.get("BENCH_SAMPLES", "200"))
UNITS = 50


def _times(fn: Callable[[int], Any], ids: list[int]) -> dict[str, float]:
    """Median and p95 in milliseconds of ``fn(id)`` over ``ids``, after one warm-up pass."""
    for pk in ids[:20]:
        fn(pk)
    runs = []
    for pk in ids:
        began = time.perf_counter()
        fn(pk)
        runs.append((time.perf_counter() - began) * 1000)
    runs.sort()
    return {
        "median_ms": round(statistics.median(runs), 3),
        "p95_ms": round(runs[int(len(runs) * 0.95) - 1], 3),
    }


def _plan(sql: str, params: Any) -> list[str]:
    from django.db import connection

    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql, params)
        return [str(row[-1]) for row in cursor.fetchall()]


def fill(size: int, rng: random.Random) -> None:
    from django.db import connection

    from bench.database import insert_publications
    from gongkai.orgs.models import Unit, UnitKind
    from gongkai.publications.models import Publication

    units = [
        Unit.objects.create(code=f"B{n:03d}", name=f"基准单位{n}", kind=UnitKind.DEPARTMENT).pk
        for n in range(UNITS)
    ]
    insert_publications(size, units=units, rng=rng, start=dt.datetime(2022, 1, 1, tzinfo=dt.UTC))
    table = Publication._meta.db_table
    with connection.cursor() as cursor:
        # 1% of the items explain the item inserted just before them (a policy, for the bench).
        cursor.execute(
            f"UPDATE {table} SET interprets_id = id - 1 WHERE id % 100 = 0",  # noqa: S608
        )
        cursor.execute("ANALYZE")


def measure(results: dict[str, Any]) -> None:
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.database import write_results
    from gongkai.portal import selectors as site
    from gongkai.publications import selectors
    from gongkai.publications.models import Publication, PublicationStatus

    rng = random.Random(7)  # noqa: S311 - reproducible sample
    top = Publication.objects.order_by("-pk").values_list("pk", flat=True)[0]
    ids = []
    while len(ids) < SAMPLES:
        pk = rng.randrange(1, top + 1)
        if Publication.objects.filter(pk=pk, status=PublicationStatus.PUBLISHED).exists():
            ids.append(pk)
    items = {pk: Publication.objects.get(pk=pk) for pk in ids}

    def seeks(pk: int) -> None:
        selectors.public_neighbours(items[pk])

    def naive(pk: int) -> None:
        item = items[pk]
        order = list(
            Publication.objects.filter(column_id=item.column_id, status=PublicationStatus.PUBLISHED)
            .order_by("published_at", "pk")
            .values_list("pk", flat=True)
        )
        place = order.index(pk)
        Publication.objects.filter(pk__in=order[max(place - 1, 0) : place + 2]).count()

    query = selectors.public_page_query().annotate(site_changed=site.site_settings_changed())

    def with_markers(pk: int) -> None:
        query.get(pk=pk)

    def without_markers(pk: int) -> None:
        selectors.public_publication(pk)

    client = Client(raise_request_exception=True)
    etags = {}

    def page(pk: int) -> None:
        response = client.get(f"/xxgk/{pk}/")
        assert response.status_code == 200
        etags[pk] = response["ETag"]

    def revalidate(pk: int) -> None:
        response = client.get(f"/xxgk/{pk}/", HTTP_IF_NONE_MATCH=etags[pk])
        assert response.status_code == 304

    results["neighbours_seeks"] = _times(seeks, ids)
    results["neighbours_naive"] = _times(naive, ids[:20])
    results["neighbours_speedup"] = round(
        results["neighbours_naive"]["median_ms"] / results["neighbours_seeks"]["median_ms"], 1
    )
    results["item_query_with_markers"] = _times(with_markers, ids)
    results["item_query_without_markers"] = _times(without_markers, ids)
    results["page_200"] = _times(page, ids)
    results["page_304"] = _times(revalidate, ids)
    with CaptureQueriesContext(connection) as queries:
        revalidate(ids[0])
    results["page_304_queries"] = len(queries)
    with CaptureQueriesContext(connection) as queries:
        seeks(ids[0])
        with_markers(ids[0])
    plans = {
        f"query_{n}": _plan(query["sql"], None) for n, query in enumerate(queries.captured_queries)
    }
    reset_queries()
    results["plans"] = plans
    for name, value in results.items():
        print(name, value, flush=True)
    write_results(f"neighbours_{SIZE // 1000}k", results)


def main() -> None:
    from django.db import transaction

    from bench.database import throwaway_database

    with throwaway_database():
        began = time.perf_counter()
        with transaction.atomic():
            fill(SIZE, random.Random(3))  # noqa: S311 - reproducible test data
        filled = round(time.perf_counter() - began, 1)
        print(f"filled {SIZE} in {filled} s", flush=True)
        measure({"size": SIZE, "samples": SAMPLES, "fill_s": filled})


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    main()
