"""Which full-text index PostgreSQL should use for Chinese (issue 10, docs/adr/0011): bigram
tsvectors or pg_trgm, timed side by side, and whether the chosen one is exact.

Debian's PostgreSQL 15 has no Chinese parser (zhparser, pg_jieba, pgroonga and pg_bigm are not
packaged); it does have pg_trgm, which makes trigrams of Chinese text in a database whose
LC_CTYPE is C.UTF-8, and tsvectors, which can hold the pairs of units of ADR 0005 when we build
them ourselves. This fills a throw-away PostgreSQL test database (``DATABASE_URL`` must point at
PostgreSQL) with ``BENCH_PUBLICATIONS`` items (default 200,000) of the realistic text of
bench/portal.py, then:

- times a LIKE scan of each query (title, 文号, body; the baseline the index replaces);
- builds the tsvector index the way the code does (``search.rebuild``) and times the search core
  (``search.search``: capped count, ranking or newest first, the first page), plus a one-character
  query done as a prefix of the pairs instead of the character lexemes, to show why those exist;
- builds a pg_trgm GIN index over the lower-cased title, 文号 and body and times the same
  queries as LIKE through it (a capped count and the newest page, as the search core does);
- reports sizes (text, tsvector table and indexes, trigram index, database) and build times;
- checks each query's tsvector result set against a scan (ILIKE, then the exact rule).

Run with ``python -m bench.search_pg``; ``BENCH_KEEP=1`` keeps the database and
``BENCH_REUSE=<name>`` times again on a kept one. Results: bench/results/search_pg.json.
"""

from __future__ import annotations

import os
import random
import re
import time
import unicodedata
from typing import Any

SIZE = int(os.environ.get("BENCH_PUBLICATIONS", "200000"))
QUERIES = [
    ("rare", "鹦鹉螺化石"),
    ("doc_number", "宝政〔2020〕58号"),
    ("one_char", "村"),
    ("one_char_rare", "鹦"),
    ("two_char", "补贴"),
    ("common", "工作"),
    ("year_mixed", "2024年"),
    ("road", "G318国道"),
    ("common_phrase", "信息公开"),
]
EXACT = ["鹦鹉螺化石", "宝政〔2020〕58号", "鹦", "村", "补贴", "扶贫", "2024年", "58号",
         "G318国道", "318", "g318", "信息公开", "政府 工作"]  # fmt: skip
TRGM_INDEX = "bench_publication_trgm"
TRGM_TEXT = "lower(title || ' ' || doc_number || ' ' || body_text)"
_WORD = "0-9a-z\u00c0-\u024f"


def _sizes() -> dict[str, float]:
    from django.db import connection

    mb = 1024 * 1024
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sum(octet_length(title) + octet_length(doc_number) + octet_length(body_text)) "
            "FROM publications_publication"
        )
        text = cursor.fetchone()[0] or 0
        # The search table is partitioned: its size is the sum of its partitions'.
        cursor.execute(
            "SELECT sum(pg_table_size(relid)), sum(pg_indexes_size(relid)), "
            "pg_database_size(current_database()), count(*) "
            "FROM pg_partition_tree('publications_search') WHERE isleaf"
        )
        table, indexes, database, partitions = (int(v) for v in cursor.fetchone())
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_relation_size(i.indexrelid) "
            "FROM pg_partition_tree('publications_search') t "
            "JOIN pg_index i ON i.indrelid = t.relid WHERE t.isleaf"
        )
        each: dict[str, float] = {}
        for name, size in cursor.fetchall():
            kind = re.sub(r"^publications_search_p\d+_", "", name)
            each[kind] = each.get(kind, 0) + size / mb
    return {
        "text_mb": round(text / mb, 1),
        "tsvector_table_mb": round(table / mb, 1),
        "tsvector_indexes_mb": round(indexes / mb, 1),
        "tsvector_total_over_text": round((table + indexes) / max(text, 1), 2),
        "database_mb": round(database / mb, 1),
        "partitions": partitions,
        **{f"index_{name}_mb": round(size, 1) for name, size in each.items()},
    }


def _like_scan(query: str) -> int:
    from bench.portal import like_scan

    return like_scan(query)


def _trgm_build() -> dict[str, float]:
    from django.db import connection

    began = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        cursor.execute("SELECT set_config('maintenance_work_mem', '256MB', false)")
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {TRGM_INDEX} ON publications_publication "
            f"USING gin (({TRGM_TEXT}) gin_trgm_ops) WHERE status = 'published'"
        )
        cursor.execute("ANALYZE publications_publication")
        cursor.execute(f"SELECT pg_relation_size('{TRGM_INDEX}')")
        size = cursor.fetchone()[0]
    return {"build_s": round(time.perf_counter() - began, 1), "size_mb": round(size / 2**20, 1)}


def _trgm_search(query: str) -> tuple[int, list[int]]:
    """What the search core does, on the trigram index: a count capped at 10,001, then the
    newest page of 20 (LIKE on the lower-cased text: not exact for words, see the ADR)."""
    from django.db import connection

    pattern = "%" + unicodedata.normalize("NFKC", query).lower() + "%"
    where = f"status = 'published' AND {TRGM_TEXT} LIKE %s"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM (SELECT 1 FROM publications_publication "  # noqa: S608
            f"WHERE {where} LIMIT 10001) AS hits",
            [pattern],
        )
        total = cursor.fetchone()[0]
        cursor.execute(
            f"SELECT id FROM publications_publication WHERE {where} ORDER BY id DESC LIMIT 20",  # noqa: S608
            [pattern],
        )
        return total, [row[0] for row in cursor.fetchall()]


def _prefix_count(character: str) -> int:
    """A one-character query as a prefix of the pairs ('村':*), instead of its lexeme."""
    from django.db import connection

    from gongkai.publications.search import GIN_ONLY, planned

    with connection.cursor() as cursor:
        cursor.execute(
            planned(
                "SELECT count(*) FROM (SELECT 1 FROM publications_search WHERE whole AND "
                "doc @@ %s::tsquery LIMIT 10001) AS hits",
                GIN_ONLY,
            ),
            [f"'{character}':*"],
        )
        cursor.nextset()
        return int(cursor.fetchone()[0])


def exact_ids(query: str) -> set[int]:
    """The published items containing ``query`` by a scan (bench.portal.exact_ids, with ILIKE:
    PostgreSQL's LIKE is case-sensitive)."""
    from django.db import connection

    text = unicodedata.normalize("NFKC", query).lower()
    groups = [g for g in re.split(f"[^{_WORD}\u3400-\u4dbf\u4e00-\u9fff]+", text) if g]
    likes = " AND ".join(
        ["(title ILIKE %s OR doc_number ILIKE %s OR body_text ILIKE %s)"] * len(groups)
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, title, doc_number, body_text FROM publications_publication "  # noqa: S608
            f"WHERE status = 'published' AND {likes}",
            [f"%{g}%" for g in groups for _ in range(3)],
        )
        found = cursor.fetchall()
    patterns = [
        re.compile(
            (f"(?<![{_WORD}])" if re.match(f"[{_WORD}]", g) else "")
            + re.escape(g)
            + (f"(?![{_WORD}])" if re.search(f"[{_WORD}]$", g) else "")
        )
        for g in groups
    ]
    hits = set()
    for pk, *fields in found:
        texts = [unicodedata.normalize("NFKC", f).lower() for f in fields]
        if all(any(p.search(t) for t in texts) for p in patterns):
            hits.add(pk)
    return hits


def _explain(query: str) -> list[str]:
    """PostgreSQL's plan (with timings) of the search core's capped count of ``query``."""
    from django.db import connection

    from gongkai.publications import search

    plan = search._plan(query, search.Publication.objects.published(), None)
    assert plan is not None
    sql, params = plan.statement("every")
    explain = f"EXPLAIN (ANALYZE, BUFFERS) SELECT count(*) FROM ({sql} LIMIT 10001) AS hits"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(search.planned(explain, search.GIN_ONLY), params)
        cursor.nextset()
        return [row[0] for row in cursor.fetchall()]


def measure(results: dict[str, Any]) -> None:
    """Time both indexes and the scan, check exactness, write the results."""
    from bench.database import write_results
    from bench.portal import timed
    from gongkai.publications import search, selectors

    everything = selectors.public_publications()
    like = {}
    for name, query in QUERIES:
        like[name] = timed(lambda q=query: _like_scan(q), repeats=3)
        print(f"like {name}: {like[name]}", flush=True)
    core = {}
    for name, query in QUERIES:
        page = search.search(query, everything, limit=20)
        fts = timed(lambda q=query: search.search(q, everything, limit=20))
        core[name] = {
            "query": query,
            "total": page.total,
            "tsvector": fts,
            "like": like[name],
            "faster_p50": round(like[name]["p50"] / max(fts["p50"], 0.01), 1),
        }
        print(f"tsvector {name}: {core[name]}", flush=True)
    for query in ("工作", "信息公开"):
        deep = timed(lambda q=query: search.search(q, everything, offset=980, limit=20))
        results[f"tsvector_page_50_{query}"] = deep
        print(f"tsvector {query} page 50: {deep}", flush=True)
    unit = everything.values_list("unit__code", flat=True)[0]
    filtered = {
        "村 unit": selectors.public_search_filters(unit_code=unit),
        "补贴 year 2023": selectors.public_search_filters(year=2023),
    }
    for name, filters in filtered.items():
        query = name.split()[0]
        results[f"tsvector_filtered_{name}"] = timed(
            lambda q=query, f=filters: search.search(q, everything, filters=f)
        )
        print(f"tsvector filtered {name}: {results[f'tsvector_filtered_{name}']}", flush=True)
    results["one_char_as_prefix"] = {
        c: {"lexeme": timed(lambda c=c: search.search(c, everything, limit=20)),
            "prefix_count": timed(lambda c=c: _prefix_count(c))}
        for c in ("村", "鹦")
    }  # fmt: skip
    print(f"one character as a prefix: {results['one_char_as_prefix']}", flush=True)
    results["sizes"] = _sizes()
    print(f"sizes: {results['sizes']}", flush=True)
    exact = {}
    for query in EXACT:
        expected, found = exact_ids(query), set(search.matching_ids(query))
        exact[query] = {"expected": len(expected), "found": len(found),
                        "missing": len(expected - found), "extra": len(found - expected)}  # fmt: skip
        print(f"exact {query}: {exact[query]}", flush=True)
    results["exactness"] = exact
    if os.environ.get("BENCH_EXPLAIN"):
        for _, query in QUERIES:
            print(f"plan {query}:\n  " + "\n  ".join(_explain(query)), flush=True)
    results["trgm_index"] = _trgm_build()
    print(f"trgm index: {results['trgm_index']}", flush=True)
    for name, query in QUERIES:
        core[name]["trgm"] = timed(lambda q=query: _trgm_search(q), repeats=5)
        core[name]["trgm_total"] = _trgm_search(query)[0]
        print(f"trgm {name}: {core[name]['trgm']} ({core[name]['trgm_total']})", flush=True)
    results["search_core"] = core
    write_results(os.environ.get("BENCH_NAME", "search_pg"), results)


def main() -> None:
    from django.db import connection, transaction

    from bench.database import reuse_database, throwaway_database
    from bench.portal import fill
    from gongkai.publications import search

    if connection.vendor != "postgresql":
        raise SystemExit("bench.search_pg needs DATABASE_URL=postgres://… (a PostgreSQL server)")
    reuse = os.environ.get("BENCH_REUSE", "")
    if reuse:
        reuse_database(reuse)
        with connection.cursor() as cursor:
            cursor.execute(f"DROP INDEX IF EXISTS {TRGM_INDEX}")
        measure({"size": SIZE, "reused": reuse})
        return
    with throwaway_database(keep=bool(os.environ.get("BENCH_KEEP"))):
        began = time.perf_counter()
        with transaction.atomic():
            fill(SIZE, rng=random.Random(10))  # noqa: S311 - reproducible test data
        filled = round(time.perf_counter() - began, 1)
        began = time.perf_counter()
        indexed = search.rebuild()
        index_s = round(time.perf_counter() - began, 1)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        print(f"filled {SIZE} in {filled} s, indexed {indexed} in {index_s} s", flush=True)
        measure({"size": SIZE, "published": indexed, "fill_s": filled, "tsvector_build_s": index_s})


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    main()
