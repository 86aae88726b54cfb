"""How fast the public pages and the search are at province size, and whether the search is exact.

Issue 10 asks every public page to answer in p95 < 100 ms warm at 1,000,000 published items on
SQLite, and the search core in < 50 ms (rare terms, 文号) or < 100 ms (one- and two-character and
very common terms), at least 50× faster than a LIKE scan, and exact: the items a query finds are
the items containing it. This fills a throw-away test database with ``BENCH_PUBLICATIONS``
items (default 1,000,000) of realistic Chinese text: bodies of about 800 characters cut from the
real notices of bench/corpus/, titles from their titles, 文号 like 宝政〔2020〕58号 on a third of
them, a signing date at the end of each body (so 2024 and 年 occur apart as well as together), a
rare phrase in two items; 5,000 units. The search index is filled the way the services fill it
(``search.rebuild``), and maintained counts are rebuilt when the code has them. Then it times,
warm, through Django's test client, every kind of public page at its first and a deep page, the
search page with its facets, the feed and the API, and the search core alone against LIKE; it
checks each query's result set against a scan (LIKE, then the exact rule in Python); and prints
SQLite's query plans of the list queries. Run with ``python -m bench.portal``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import re
import statistics
import time
import unicodedata
from collections.abc import Callable
from html import unescape
from pathlib import Path
from typing import Any

SIZE = int(os.environ.get("BENCH_PUBLICATIONS", "1000000"))
UNITS = 5_000
REPEATS = int(os.environ.get("BENCH_REPEATS", "20"))
CORPUS = Path(__file__).resolve().parent / "corpus" / "notices.jsonl"
RARE = "鹦鹉螺化石"
DOC_NUMBER = "宝政〔2020〕58号"
PREFIXES = [
    "宝政",
    "宝政办",
    "宝财",
    "宝农",
    "宝教",
    "宝卫",
    "宝民",
    "宝发改",
    "宝人社",
    "宝自然资",
]
SEARCHES = [
    ("rare", RARE),
    ("doc_number", DOC_NUMBER),
    ("one_char", "村"),
    ("one_char_rare", "鹦"),
    ("two_char", "补贴"),
    ("two_char_b", "财政"),
    ("common", "工作"),
    ("year_mixed", "2024年"),
    ("number_mixed", "58号"),
    ("road", "G318国道"),
]
# Checked against a scan for exactness (each query's whole result set).
EXACT = [
    "鹦鹉螺化石",
    "宝政〔2020〕58号",
    "鹦",
    "扶贫",
    "补贴",
    "2024年",
    "58号",
    "G318国道",
    "318",
    "g318",
]


def _sentences() -> tuple[list[str], list[str]]:
    titles, sentences = [], []
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        notice = json.loads(line)
        titles.append(notice["title"])
        for piece in re.split(r"(?<=[。！？；])|\n", notice["text"]):
            if len(piece.strip()) >= 6:
                sentences.append(piece.strip())
    return titles, sentences


def _units() -> list[int]:
    from gongkai.orgs.models import Unit, UnitKind

    county = Unit.objects.create(code="PROV", name="某省人民政府", kind=UnitKind.COUNTY)
    made = []
    for n in range(UNITS):
        kind = UnitKind.DEPARTMENT if n % 3 else UnitKind.TOWNSHIP
        made.append(Unit(code=f"U{n:05d}", name=f"单位{n}", kind=kind, parent=county))
    Unit.objects.bulk_create(made)
    return list(Unit.objects.exclude(pk=county.pk).values_list("pk", flat=True))


def _domains() -> None:
    """The 26 pilot domains and the others, as the demo county has them."""
    from gongkai.catalog.models import Domain
    from gongkai.demo.services import all_domain_specs

    Domain.objects.bulk_create(
        Domain(code=spec["code"], name=spec["name"], kind=kind, aliases=spec["aliases"],
               sort_order=order)
        for order, (spec, kind) in enumerate(all_domain_specs(), start=1)
    )  # fmt: skip


CATALOG_ITEMS = 30  # items of each unit's public catalog


def fill_catalogs(rng: random.Random) -> int:
    """An approved 2024 catalog for every unit (``CATALOG_ITEMS`` items over random domains),
    so the catalog pages list 5,000 units as a province's would; returns the items made."""
    from gongkai.catalog.models import Catalog, CatalogItem, CatalogStatus, Domain
    from gongkai.orgs.models import Unit

    if Catalog.objects.exists():
        return 0
    domains = list(Domain.objects.values_list("pk", flat=True))
    titles, sentences = _sentences()
    now = dt.datetime.now(dt.UTC)
    catalogs = Catalog.objects.bulk_create(
        Catalog(unit_id=pk, version=2024, status=CatalogStatus.APPROVED, approved_at=now)
        for pk in Unit.objects.values_list("pk", flat=True)
    )
    items = [
        CatalogItem(
            catalog=catalog,
            domain_id=rng.choice(domains),
            level1=rng.choice(titles)[:30],
            level2=rng.choice(titles)[:40],
            content=rng.choice(sentences)[:200],
            basis="《中华人民共和国政府信息公开条例》",
            time_limit="信息形成或变更之日起20个工作日内",
            subject=f"单位{catalog.unit_id}",
            channels="政府网站",
            audience_public=True,
            mode_proactive=True,
            level_county=True,
            five_public="结果公开",
            site_column="政策文件",
            sort_order=n,
        )
        for catalog in catalogs
        for n in range(CATALOG_ITEMS)
    ]
    CatalogItem.objects.bulk_create(items, batch_size=5000)
    return len(items)


def fill(count: int, *, rng: random.Random, batch: int = 20_000) -> None:
    """Insert ``count`` items in raw SQL (as if imported): 96% published, 2% withdrawn, 2%
    drafts, over 2022-2024, in random units, columns, domains and 五公开 classes."""
    from django.db import connection

    from gongkai.catalog.models import Domain
    from gongkai.publications.models import Column, FiveClass, Publication, TopicCategory
    from gongkai.publications.search import normalise_doc_number

    titles, sentences = _sentences()
    units = _units()
    _domains()
    columns = list(Column.objects.values_list("pk", flat=True))
    domains = [*Domain.objects.values_list("pk", flat=True), None, None]
    fives = list(FiveClass.values)
    topic = TopicCategory.objects.values_list("pk", flat=True).first()
    span = 3 * 365 * 24 * 3600
    start = dt.datetime(2022, 1, 1, tzinfo=dt.UTC)
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
    fields = (
        "created_at, updated_at, unit_id, issuer, title, doc_number, doc_number_key, written_on,"
        " published_at, topic_id, five_class, column_id, domain_id, attribute, non_public_ground,"
        " attribute_reason, body, body_text, doc_kind, validity, status, due_on, is_late,"
        " withdrawal_reason, findings, override_reason, source_url, version, interpretation_form"
    )
    marks = ", ".join(["%s"] * len(fields.split(",")))
    sql = f"INSERT INTO {Publication._meta.db_table} ({fields}) VALUES ({marks})"  # noqa: S608
    numbers = max(100, count // 100)
    with connection.cursor() as cursor:
        for first in range(0, count, batch):
            rows = []
            for n in range(first, min(first + batch, count)):
                at = start + dt.timedelta(seconds=rng.randrange(span))
                draw = rng.random()
                status = "withdrawn" if draw < 0.02 else "draft" if draw < 0.04 else "published"
                doc_number = ""
                if n == 0:
                    doc_number, status = DOC_NUMBER, "published"
                elif rng.random() < 0.3:
                    year = rng.choice((2020, 2021, 2022, 2023, 2024))
                    doc_number = f"{rng.choice(PREFIXES)}〔{year}〕{rng.randint(1, numbers)}号"
                    if doc_number == DOC_NUMBER:
                        doc_number = "宝政〔2020〕59号"
                parts: list[str] = []
                while sum(map(len, parts)) < 800:
                    parts.append(rng.choice(sentences))
                if n in (7, count // 2):
                    parts.insert(2, f"在本县发现{RARE}一处，已报省文物部门。")
                if rng.random() < 0.0005:
                    parts.insert(1, "沿G318国道两侧开展环境整治。")
                parts.append(f"{at.year}年{at.month}月{at.day}日")
                body = "\n".join(parts)
                title = rng.choice(titles)
                written = at.date() - dt.timedelta(days=3)
                rows.append(
                    (now, now, rng.choice(units), "某单位", title, doc_number,
                     normalise_doc_number(doc_number), written.isoformat(),
                     at.strftime("%Y-%m-%d %H:%M:%S"), topic, rng.choice(fives),
                     rng.choice(columns), rng.choice(domains), "proactive", "", "",
                     "", body, "ordinary", "", status,
                     (written + dt.timedelta(days=28)).isoformat(), False, "", "[]", "", "", 1, "")
                )  # fmt: skip
            cursor.executemany(sql, rows)


def timed(fn: Callable[[], Any], repeats: int = REPEATS) -> dict[str, float]:
    """p50/p95 in ms over ``repeats`` warm calls (one call first to warm); 3 when slow."""
    began = time.perf_counter()
    fn()
    first = time.perf_counter() - began
    runs = []
    for _ in range(3 if first > 1.0 else repeats):
        began = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - began) * 1000)
    runs.sort()
    p95 = runs[min(len(runs) - 1, round(0.95 * (len(runs) - 1)))]
    return {"p50": round(statistics.median(runs), 1), "p95": round(p95, 1)}


_PAST_THE_END = re.compile(r'class="notice pager-past-end".*?<a href="\?([^"]*)"', re.S)


def time_pages(client: Any, pages: dict[str, str]) -> dict[str, dict[str, float]]:
    """p50/p95 of each page (named: URL) through the test client, each checked to answer 200.
    A deep page past the end of a list (a smaller fill than a million items) is a 404 since
    issue 11: the list's last page, which it links to, is timed instead."""
    times = {}
    for name, url in pages.items():
        response = client.get(url)
        last = (
            _PAST_THE_END.search(response.content.decode()) if response.status_code == 404 else None
        )
        if last is not None:
            url = f"{url.split('?')[0]}?{unescape(last.group(1))}"
            print(f"page {name}: past the end, timing {url}", flush=True)
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        times[name] = timed(lambda url=url: client.get(url))
        print(f"page {name}: {times[name]}", flush=True)
    return times


_WORD = "0-9a-z\u00c0-\u024f"


def exact_ids(query: str) -> set[int]:
    """The published items containing ``query``, by a scan: LIKE on each run of letters, digits
    or Chinese (in title, 文号 or body), then in Python each group of adjacent runs must occur in
    one field, case-insensitively, not inside a longer word of letters or digits (58号 is not in
    158号; G318 is not in G3180)."""
    from django.db import connection

    from gongkai.publications.search import runs

    text = unicodedata.normalize("NFKC", query).lower()
    groups = [g for g in re.split(f"[^{_WORD}\u3400-\u4dbf\u4e00-\u9fff]+", text) if g]
    likes = " AND ".join(
        ["(title LIKE %s OR doc_number LIKE %s OR body_text LIKE %s)"] * len(groups)
    )
    params = [f"%{g}%" for g in groups for _ in range(3)]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, title, doc_number, body_text FROM publications_publication "  # noqa: S608
            f"WHERE status = 'published' AND {likes}",
            params,
        )
        found = cursor.fetchall()
    patterns = [
        re.compile(
            ("(?<![" + _WORD + "])" if re.match(f"[{_WORD}]", g) else "")
            + re.escape(g)
            + ("(?![" + _WORD + "])" if re.search(f"[{_WORD}]$", g) else "")
        )
        for g in groups
    ]
    assert runs(query), query
    hits = set()
    for pk, *fields in found:
        texts = [unicodedata.normalize("NFKC", f).lower() for f in fields]
        if all(any(p.search(t) for t in texts) for p in patterns):
            hits.add(pk)
    return hits


def like_scan(query: str) -> int:
    """The scan the index replaces: LIKE over title, 文号 and body of every published item."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM publications_publication WHERE status = 'published' AND "
            "(title LIKE %s OR doc_number LIKE %s OR body_text LIKE %s)",
            [f"%{query}%"] * 3,
        )
        return int(cursor.fetchone()[0])


def search_ids(query: str) -> set[int]:
    from gongkai.publications import search, selectors

    every = getattr(search, "matching_ids", None)
    if every is not None:
        return set(every(query))
    page = search.search(query, selectors.public_publications(), limit=10_000_000)
    return {p.pk for p in page.items}


def plans() -> dict[str, list[str]]:
    """SQLite's plans for the list queries the pages run."""
    from django.db import connection

    from gongkai.publications import selectors

    statutory = selectors.public_column("statutory")
    queries = {
        "latest": selectors.public_publications()[:20],
        "column_statutory_page_500": selectors.public_in_column(statutory)[9980:10000],
        "unit_page_1": selectors.public_publications().filter(unit_id=2)[:20],
        "year_2024_page_500": selectors.public_in_year(2024)[9980:10000],
        "five_page_500": selectors.public_publications().filter(five_class="result")[9980:10000],
    }
    out = {}
    with connection.cursor() as cursor:
        for name, qs in queries.items():
            sql, params = qs.query.sql_with_params()
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            out[name] = [row[-1] for row in cursor.fetchall()]
    return out


def sizes() -> dict[str, float]:
    """Megabytes of the database, of the search index's tables, and of the searchable text."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("PRAGMA page_size")
        page = cursor.fetchone()[0]
        cursor.execute("PRAGMA page_count")
        total = cursor.fetchone()[0] * page
        try:
            cursor.execute("SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'publications_search%'")
            index = cursor.fetchone()[0] or 0
        except Exception:
            index = -1
        cursor.execute(
            "SELECT sum(length(CAST(title AS BLOB)) + length(CAST(doc_number AS BLOB)) + "
            "length(CAST(body_text AS BLOB))) FROM publications_publication"
        )
        text = cursor.fetchone()[0] or 0
    mb = 1024 * 1024
    return {"database_mb": round(total / mb), "search_index_mb": round(index / mb),
            "text_mb": round(text / mb)}  # fmt: skip


def main() -> None:
    from django.db import connection, transaction

    from bench.database import reuse_database, throwaway_database
    from gongkai.publications import search
    from gongkai.publications import services as publication_services

    reuse = os.environ.get("BENCH_REUSE", "")
    if reuse:
        # Time again on a database an earlier run kept (BENCH_KEEP=1).
        reuse_database(reuse)
        with transaction.atomic():
            fill_catalogs(random.Random(11))  # noqa: S311 - reproducible test data
        measure({"size": SIZE, "reused": reuse})
        return
    with throwaway_database(keep=bool(os.environ.get("BENCH_KEEP"))):
        began = time.perf_counter()
        rng = random.Random(10)  # noqa: S311 - reproducible test data, not security
        with transaction.atomic():
            fill(SIZE, rng=rng)
            fill_catalogs(rng)
            publication_services.publication_top_columns_fill()
        filled = round(time.perf_counter() - began, 1)
        began = time.perf_counter()
        with transaction.atomic():
            indexed = search.rebuild()
            rebuild_counts = getattr(publication_services, "published_counts_rebuild", None)
            if rebuild_counts is not None:
                rebuild_counts()
        index_s = round(time.perf_counter() - began, 1)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"filled {SIZE} in {filled} s, indexed {indexed} in {index_s} s", flush=True)
        measure({"size": SIZE, "units": UNITS, "fill_s": filled, "index_s": index_s})


def measure(results: dict[str, Any]) -> None:
    """Time the pages and the search core, check exactness, print the plans, write results."""
    from django.test import Client

    from bench.database import write_results
    from gongkai.catalog.models import CatalogItem
    from gongkai.publications import search, selectors

    unit = selectors.public_publications().values_list("unit__code", flat=True)[0]
    catalog_item = CatalogItem.objects.select_related("domain").filter(catalog__unit__code=unit)[0]
    domain = catalog_item.domain.code
    client = Client(raise_request_exception=True)
    pages = {
        "home": "/",
        "xxgk": "/xxgk/",
        "column_statutory": "/xxgk/column/statutory/",
        "column_statutory_p500": "/xxgk/column/statutory/?page=500",
        "column_news_p500": "/xxgk/column/news/?page=500",
        "unit": f"/xxgk/unit/{unit}/",
        "unit_p10": f"/xxgk/unit/{unit}/?page=10",
        "year_2024": "/xxgk/year/2024/",
        "year_2024_p500": "/xxgk/year/2024/?page=500",
        "domain": f"/xxgk/domain/{domain}/",
        "domain_p500": f"/xxgk/domain/{domain}/?page=500",
        "normative": "/xxgk/normative/",
        "catalog_index": "/catalog/",
        "catalog_units": "/catalog/units/",
        "catalog_domain": f"/catalog/domain/{domain}/",
        "catalog_unit": f"/catalog/unit/{unit}/",
        "catalog_domain_unit": f"/catalog/domain/{domain}/unit/{unit}/",
        "catalog_item": f"/catalog/item/{catalog_item.pk}/",
        "five_result": "/xxgk/five/result/",
        "five_result_p500": "/xxgk/five/result/?page=500",
        "search_rare": f"/search/?q={RARE}",
        "search_doc_number": f"/search/?q={DOC_NUMBER}",
        "search_one_char": "/search/?q=村",
        "search_two_char": "/search/?q=补贴",
        "search_common": "/search/?q=工作",
        "search_common_p50": "/search/?q=工作&page=50",
        "search_2024": "/search/?q=2024年",
        "search_unit_filter": f"/search/?q=村&unit={unit}",
        "search_year_column_filter": "/search/?q=补贴&year=2023&column=statutory",
        "feed_latest": "/feeds/latest/",
        "feed_column": "/feeds/column/statutory/",
        "feed_unit": f"/feeds/unit/{unit}/",
        "api_catalogs": "/api/catalogs/",
        "api_publications": "/api/publications/",
        "api_publications_p100": "/api/publications/?page=100",
        "api_search": "/api/publications/?q=补贴",
        "api_units": "/api/units/",
        "api_units_p50": "/api/units/?page=50",
        "unit_directory": "/xxgk/units/",
        "unit_directory_name": "/xxgk/units/?name=单位12",
        "search_number_mixed": "/search/?q=58号",
    }
    results["sizes"] = sizes()
    results["pages"] = time_pages(client, pages)
    core = {}
    everything = selectors.public_publications()
    for name, query in SEARCHES:
        fts = timed(lambda q=query: search.search(q, everything, limit=20))
        like = timed(lambda q=query: like_scan(q), repeats=3)
        core[name] = {
            "query": query,
            "total": search.search(query, everything, limit=20).total,
            "search": fts,
            "like": like,
            "faster_p50": round(like["p50"] / max(fts["p50"], 0.01), 1),
        }
        print(f"search {name}: {core[name]}", flush=True)
    results["search_core"] = core
    exact = {}
    for query in EXACT:
        expected, found = exact_ids(query), search_ids(query)
        exact[query] = {
            "expected": len(expected),
            "found": len(found),
            "missing": len(expected - found),
            "extra": len(found - expected),
        }
        print(f"exact {query}: {exact[query]}", flush=True)
    results["exactness"] = exact
    results["plans"] = plans()
    for name, plan in results["plans"].items():
        print(f"plan {name}: {plan}", flush=True)
    write_results(os.environ.get("BENCH_NAME", "portal"), results)


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    main()
