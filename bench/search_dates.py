"""Search by date (issue 11): newest first and a range of publication dates, timed against
relevance, on SQLite (FTS5) or PostgreSQL (tsvectors, with ``DATABASE_URL``), and checked exact.

The range runs inside the full-text query as the other filters do (day, month and year tags,
search.date_tags); newest first collects up to COUNT_LIMIT hits and sorts them by date, and walks
the index of publication dates when there are more (search._Plan.by_date). This fills a
throw-away test database with ``BENCH_PUBLICATIONS`` items (default 200,000) of bench/portal.py's
realistic text, published at random moments over 2022-2024 in an order unrelated to their ids
(as an archive import makes them), indexes them the way the services do, then times, warm, for
rare and common terms: relevance and newest first (first page and page 50), each with a range
of three months, of one day and of nineteen months (the most tags); and checks that newest
first is the order of a scan and that a range finds exactly the items of a scan.
``BENCH_KEEP=1`` keeps the database and ``BENCH_REUSE=<name>`` times again on a kept one. Run
with ``python -m bench.search_dates``; results in bench/results/search_dates[_pg].json.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import time
from typing import Any

SIZE = int(os.environ.get("BENCH_PUBLICATIONS", "200000"))
QUERIES = [
    ("rare", "鹦鹉螺化石"),
    ("one_char_rare", "鹦"),
    ("road", "G318国道"),
    ("number_mixed", "58号"),
    ("two_char", "补贴"),
    ("common", "工作"),
    ("one_char", "村"),
]
RANGES = {
    "three_months": (dt.date(2023, 3, 1), dt.date(2023, 5, 31)),
    "one_day": (dt.date(2023, 6, 15), dt.date(2023, 6, 15)),
    "nineteen_months": (dt.date(2022, 7, 15), dt.date(2024, 2, 10)),
}
EXACT = ["鹦鹉螺化石", "58号", "补贴", "工作"]


def _filters(name: str | None) -> Any:
    from gongkai.publications import search

    if name is None:
        return None
    first, last = RANGES[name]
    return search.Filters(published_from=first, published_to=last)


def _expected(query: str, name: str | None) -> list[int]:
    """The items a scan finds (bench.portal.exact_ids), within the range, newest first."""
    from bench.portal import exact_ids
    from gongkai.core import clock
    from gongkai.publications.models import Publication

    ids = exact_ids(query)
    rows = Publication.objects.filter(pk__in=list(ids)).values_list("pk", "published_at")
    if name is not None:
        first, last = RANGES[name]
        rows = [(pk, at) for pk, at in rows if first <= clock.localdate(at) <= last]
    return [pk for pk, _at in sorted(rows, key=lambda row: (row[1], row[0]), reverse=True)]


def _plans() -> dict[str, list[str]]:
    """The plans of the walk (newest first among very many hits), on the backend in use."""
    from django.db import connection

    from gongkai.publications import search
    from gongkai.publications.models import Publication

    out = {}
    for query, name in (("村", None), ("工作", "three_months")):
        plan = search._plan(query, Publication.objects.published(), _filters(name))
        assert plan is not None
        captured: list[tuple[str, list[Any]]] = []
        original = plan.run

        def capture(sql: str, params: Any, *, walk: bool, keep: Any = captured) -> Any:
            keep.append((sql, list(params)))
            return []

        plan.run = capture  # type: ignore[method-assign]
        plan.by_date(offset=0, limit=20, walk=True)
        plan.run = original  # type: ignore[method-assign]
        sql, params = captured[0]
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
                out[f"{query} {name}"] = [row[-1] for row in cursor.fetchall()]
            else:
                explain = search.planned(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", search.WALK)
                cursor.execute(explain, params)
                cursor.nextset()
                out[f"{query} {name}"] = [row[0] for row in cursor.fetchall()]
    return out


def measure(results: dict[str, Any]) -> None:
    """Time relevance and date order with and without ranges, check exactness, write results."""
    from django.db import connection

    from bench.database import write_results
    from bench.portal import timed
    from gongkai.publications import search, selectors

    everything = selectors.public_publications()
    core: dict[str, Any] = {}
    for label, query in QUERIES:
        row: dict[str, Any] = {"query": query}
        for name in (None, *RANGES):
            filters = _filters(name)
            key = name or "all"
            page = search.search(query, everything, filters=filters, limit=20)
            row[f"{key}_total"] = f"{page.total}{'+' if page.capped else ''}"
            for sort in (search.RELEVANCE, search.NEWEST):
                row[f"{key}_{sort}"] = timed(
                    lambda q=query, f=filters, s=sort: search.search(
                        q, everything, filters=f, sort=s, limit=20
                    )
                )
            if name is None:
                row["all_date_page_50"] = timed(
                    lambda q=query: search.search(
                        q, everything, sort=search.NEWEST, offset=980, limit=20
                    )
                )
        core[label] = row
        print(f"search {label}: {row}", flush=True)
    results["search"] = core
    exact: dict[str, Any] = {}
    for query in EXACT:
        for name in (None, "three_months"):
            expected = _expected(query, name)
            filters = _filters(name)
            found = set(search.matching_ids(query, filters))
            first = [
                p.pk
                for p in search.search(
                    query, everything, filters=filters, sort=search.NEWEST, limit=200
                ).items
            ]
            deep = [
                p.pk
                for p in search.search(
                    query, everything, filters=filters, sort=search.NEWEST, offset=980, limit=20
                ).items
            ]
            key = f"{query} {name or 'all'}"
            exact[key] = {
                "expected": len(expected),
                "missing": len(set(expected) - found),
                "extra": len(found - set(expected)),
                "newest_200_in_order": first == expected[:200],
                "page_50_in_order": deep == expected[980:1000],
            }
            print(f"exact {key}: {exact[key]}", flush=True)
    results["exactness"] = exact
    results["plans"] = _plans()
    for name, plan in results["plans"].items():
        print(f"plan {name}:\n  " + "\n  ".join(plan), flush=True)
    suffix = "" if connection.vendor == "sqlite" else "_pg"
    write_results(os.environ.get("BENCH_NAME", f"search_dates{suffix}"), results)


def main() -> None:
    from django.db import connection, transaction

    from bench.database import reuse_database, throwaway_database
    from bench.portal import fill
    from gongkai.publications import search
    from gongkai.publications.models import PublishedCount
    from gongkai.publications.services import published_counts_rebuild

    reuse = os.environ.get("BENCH_REUSE", "")
    if reuse:
        reuse_database(reuse)
        if not PublishedCount.objects.filter(dimension="year", count__gt=0).exists():
            with transaction.atomic():
                published_counts_rebuild()
        measure({"size": SIZE, "reused": reuse, "vendor": connection.vendor})
        return
    with throwaway_database(keep=bool(os.environ.get("BENCH_KEEP"))):
        began = time.perf_counter()
        with transaction.atomic():
            fill(SIZE, rng=random.Random(10))  # noqa: S311 - reproducible test data
        filled = round(time.perf_counter() - began, 1)
        began = time.perf_counter()
        with transaction.atomic():
            indexed = search.rebuild()
            published_counts_rebuild()  # the yearly counts newest first goes by
        index_s = round(time.perf_counter() - began, 1)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if connection.vendor == "sqlite" else "VACUUM ANALYZE")
        print(f"filled {SIZE} in {filled} s, indexed {indexed} in {index_s} s", flush=True)
        measure({"size": SIZE, "vendor": connection.vendor, "fill_s": filled, "index_s": index_s})


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    main()
