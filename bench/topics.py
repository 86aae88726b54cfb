"""How fast a topic page (专题专栏) and 检索 within a topic are on a province-size table.

Fills a throw-away test database with ``BENCH_PUBLICATIONS`` items (default 200,000; the
realistic text and 5,000 units of bench/portal.py), tags every 30th with 企业 and every 97th with
个体工商户 (gongkai.push's audience tags, as editors tag policy items), rebuilds the search index
and the maintained counts, and makes three topics through gongkai.topics.services:

- ``dense``: the two tags, two domains, a column and two title keywords (about 12% of items);
- ``sparse``: one unit and a rare title keyword (a few dozen items: the worst case for a list
  walked newest first, as nearly every row is passed over);
- ``sections``: the dense topic's rule with three sections (by column, domain and keyword).

Then times, warm through Django's test client, each topic's first page, a deep page, 检索 within
it (a common and a rare word, with and without a date range), the feed and the office's list
with its counts; and prints the database's plans of the page's statements. Run with
``python -m bench.topics`` (SQLite) or with ``DATABASE_URL=postgres://…`` (PostgreSQL).
Results: bench/results/topics_<vendor>.json.
"""

from __future__ import annotations

import os
import random
import time
from typing import Any

SIZE = int(os.environ.get("BENCH_PUBLICATIONS", "200000"))
REPEATS = int(os.environ.get("BENCH_REPEATS", "20"))


def _tag_items() -> dict[str, int]:
    """Audience tags on every 30th (企业) and 97th (个体工商户) published item, in SQL."""
    from django.db import connection

    from gongkai.push.models import AudienceTag, PublicationTag

    made = {}
    for code, name, every in (("qiye", "企业", 30), ("getihu", "个体工商户", 97)):
        tag, _created = AudienceTag.objects.get_or_create(code=code, defaults={"name": name})
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {PublicationTag._meta.db_table} (publication_id, tag_id, added_at) "  # noqa: S608
                "SELECT id, %s, CURRENT_TIMESTAMP FROM publications_publication "
                "WHERE status = 'published' AND id %% %s = 0",
                [tag.pk, every],
            )
            made[code] = cursor.rowcount
    return made


def _topics() -> dict[str, Any]:
    """The three topics, made as the office makes them."""
    from gongkai.catalog.models import Domain
    from gongkai.orgs.models import Membership, Role, Unit, UnitKind, User
    from gongkai.publications.models import Column
    from gongkai.push.models import AudienceTag
    from gongkai.topics import services

    office_unit = Unit.objects.create(code="GKB", name="政务公开办", kind=UnitKind.OFFICE)
    office = User.objects.create_user(username="bench_office", password="x")  # noqa: S106
    Membership.objects.create(user=office, unit=office_unit, role=Role.OFFICE)
    tags = list(AudienceTag.objects.filter(code__in=("qiye", "getihu")))
    domains = list(Domain.objects.order_by("sort_order")[:2])
    news = list(Column.objects.filter(code="budget"))
    unit = Unit.objects.get(code="U00042")
    dense = services.RuleInput(
        tags=tags, domains=domains, columns=news, keywords="营商环境\n标准化"
    )
    sparse = services.RuleInput(units=[unit], keywords="鹦鹉螺化石")
    made = {
        "dense": services.topic_save(actor=office, slug="dense", title="优化营商环境", rule=dense),
        "sparse": services.topic_save(actor=office, slug="sparse", title="稀疏专题", rule=sparse),
        "sections": services.topic_save(
            actor=office, slug="sections", title="有分栏的专题", rule=dense
        ),
    }
    for title, rule in (
        ("工作动态", services.RuleInput(columns=list(Column.objects.filter(code="news")))),
        ("领域", services.RuleInput(domains=domains[:1])),
        ("通知", services.RuleInput(keywords="通知")),
    ):
        services.section_save(actor=office, topic=made["sections"], title=title, rule=rule)
    return {"office": office, **made}


def _plans() -> dict[str, list[str]]:
    """The database's plans of the topic page's count and first and deep pages."""
    from django.db import connection

    from gongkai.topics import selectors
    from gongkai.topics.models import Topic

    out = {}
    for slug in ("dense", "sparse"):
        rule = selectors.rule_of(Topic.objects.get(slug=slug))
        items = selectors.collected(rule)
        # A page reads as the topic page does: a large topic walked on the date index.
        paged = selectors.collected(rule, walk=slug == "dense")
        queries = {
            f"{slug}_page_1": paged.values("pk")[:20],
            f"{slug}_page_50": paged.values("pk")[980:1000],
            # What bounded_count runs: the ids, up to the cap, counted.
            f"{slug}_count": items.order_by().values("pk")[:10_001],
        }
        for name, qs in queries.items():
            sql, params = qs.query.sql_with_params()
            if name.endswith("_count"):
                sql = f"SELECT count(*) FROM ({sql}) AS c"  # noqa: S608
            explain = (
                "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN (COSTS OFF) "
            )
            with connection.cursor() as cursor:
                cursor.execute(explain + sql, params)
                out[name] = [str(row[-1]) for row in cursor.fetchall()]
    return out


def measure(results: dict[str, Any]) -> None:
    """Time the pages, print the plans, write the results."""
    from django.db import connection
    from django.test import Client

    from bench.database import write_results
    from bench.portal import time_pages, timed
    from gongkai.topics import selectors
    from gongkai.topics.models import Topic

    counts = {
        t.slug: selectors.collected(selectors.rule_of(t)).order_by().count()
        for t in Topic.objects.all()
    }
    print(f"topic sizes: {counts}", flush=True)
    client = Client(raise_request_exception=True)
    pages = {
        # The portal's own list of one column, for comparison.
        "column_news_page_1": "/xxgk/column/news/",
        "dense_page_1": "/zhuanti/dense/",
        "dense_page_50": "/zhuanti/dense/?page=50",
        "dense_page_500": "/zhuanti/dense/?page=500",
        "sparse_page_1": "/zhuanti/sparse/",
        "sections_page_1": "/zhuanti/sections/",
        "dense_search_common": "/zhuanti/dense/?q=%E5%B7%A5%E4%BD%9C",  # 工作
        "dense_search_two_char": "/zhuanti/dense/?q=%E8%A1%A5%E8%B4%B4",  # 补贴
        "dense_search_rare": "/zhuanti/dense/?q=%E9%B9%A6%E9%B9%89%E8%9E%BA",  # 鹦鹉螺
        "dense_search_dated": "/zhuanti/dense/?q=%E8%A1%A5%E8%B4%B4&date_from=2023-03-01&date_to=2023-05-31",
        "dense_dates_only": "/zhuanti/dense/?date_from=2023-03-01&date_to=2023-05-31",
        "sparse_search_common": "/zhuanti/sparse/?q=%E5%B7%A5%E4%BD%9C",
        "dense_feed": "/feeds/topic/dense/",
    }
    times: dict[str, Any] = time_pages(client, pages)
    client.force_login(_office())
    times["staff_list"] = timed(lambda: client.get("/staff/topics/"), 5)
    print(f"page staff_list: {times['staff_list']}", flush=True)
    plans = _plans()
    for name, lines in plans.items():
        print(name, *lines, sep="\n  ", flush=True)
    results.update(topics=counts, pages=times, plans=plans)
    write_results(f"topics_{connection.vendor}", results)


def _office() -> Any:
    from gongkai.orgs.models import User

    return User.objects.get(username="bench_office")


def main() -> None:
    from django.db import connection, transaction

    from bench.database import reuse_database, throwaway_database
    from bench.portal import fill
    from gongkai.publications import search
    from gongkai.publications import services as publication_services

    reuse = os.environ.get("BENCH_REUSE", "")
    if reuse:
        reuse_database(reuse)
        measure({"size": SIZE, "reused": reuse})
        return
    with throwaway_database(keep=bool(os.environ.get("BENCH_KEEP"))):
        began = time.perf_counter()
        with transaction.atomic():
            fill(SIZE, rng=random.Random(10))  # noqa: S311 - reproducible test data
            publication_services.publication_top_columns_fill()
            tagged = _tag_items()
        filled = round(time.perf_counter() - began, 1)
        began = time.perf_counter()
        with transaction.atomic():
            indexed = search.rebuild()
            publication_services.published_counts_rebuild()
        index_s = round(time.perf_counter() - began, 1)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if connection.vendor == "sqlite" else "VACUUM ANALYZE")
        with transaction.atomic():
            _topics()
        print(f"filled {SIZE} in {filled} s, indexed {indexed} in {index_s} s", flush=True)
        measure(
            {"size": SIZE, "tagged": tagged, "fill_s": filled, "index_s": index_s, "units": 5000}
        )


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    main()
