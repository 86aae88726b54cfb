"""Full-text search over published information, in Chinese, on SQLite FTS5 (docs/adr/0005).

Chinese has no spaces, so the text is cut before FTS5 sees it. Runs of Chinese characters and
runs of letters or digits that touch (县2024年度) form a group of units — characters and whole
words — and a group is indexed as the pairs of neighbouring units (县〇2024 2024〇年 年度) and its
last unit, as Lucene's CJK analyzer does for Chinese. A query is cut the same way, so a query of
two or more units is a phrase of pairs and matches exactly where the text holds it: 2024年 no
longer finds 2024 and 年 apart (issue 10), 58号 is not found in 158号. Every occurrence of a unit
heads a token, so one word is found by its own token or a prefix; one Chinese character searches
a second, small table of each item's distinct characters. Measured here (issue 3): the trigram
tokenizer silently finds nothing for one- or two-character queries, and jieba's words miss most
substrings; pairs avoid both.

Both tables are contentless (issue 10: the index held a full copy of the tokens and of every
character, ~28 KB an item): they keep the postings only, not the text, and each item's unit,
column, domain, 五公开 class and year as tags, so the portal's filters run inside the MATCH.

The index holds published items only; the services add an item when it is published and remove
it when it is withdrawn. On PostgreSQL (until the scale issue gives it its own index) the search
falls back to case-insensitive substring matching.
"""

from __future__ import annotations

import itertools
import operator
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Case, Q, QuerySet, Value, When
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from gongkai.core import clock
from gongkai.publications.models import Publication, PublicationStatus

TABLE = "publications_search"
# One-character queries: each item's distinct Chinese characters (see the module docstring).
CHARS_TABLE = "publications_search_chars"
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff"
_RUN = re.compile(f"[{_CJK}]+|[0-9A-Za-z\u00c0-\u024f]+")
_CJK_SPACE = re.compile(f"(?<=[{_CJK}])\\s+(?=[{_CJK}])")
# bm25 weights of the columns title, doc_number, body, tags (and title, other, tags of CHARS_TABLE).
WEIGHTS = (10.0, 20.0, 1.0, 0.0)
CHARS_WEIGHTS = (10.0, 1.0, 0.0)
# Counts stop here: nobody can tell 10,000 results from 10,001, and counting a million costs.
COUNT_LIMIT = 10_000
# Up to this many hits are ranked in full (文号, title, bm25, newest); beyond it only the hits in
# titles are (when they are few enough) and the rest come newest-added first.
RANK_LIMIT = 1_000


def runs(text: str) -> list[str]:
    """Runs of Chinese characters, and of letters or digits, in the order they occur.

    NFKC first: Chinese input methods in full-width mode type ２０２０ and ＡＢ, which must
    match 2020 and AB (and compatibility ideographs match their unified forms).
    """
    return _RUN.findall(unicodedata.normalize("NFKC", text or ""))


# Every character of _CJK is at or above U+3400 and every letter or digit of _RUN below it, so
# the first character of a run tells its script without a regular expression (indexing calls
# this for every run of every item).
_FIRST_CJK = "\u3400"


def _is_cjk(run: str) -> bool:
    return run[:1] >= _FIRST_CJK


# Put between groups of runs so that a phrase never matches across punctuation or a space
# (县财政，政局 must not match 财政局). 〇 is outside the runs' character classes, so no query can
# ever contain this token, while FTS5's unicode61 keeps it as a token (category Nl).
RUN_BREAK = "\u3007\u3007"
# Joins a word of letters or digits to the Chinese character next to it in one token (2024〇年):
# the join keeps "2024年" from matching "2024" and "年" far apart (issue 10), and a word query
# "2024" finds "2024〇…" by prefix without finding "20241".
JOIN = "\u3007"


def _units(run: str) -> list[str]:
    return list(run) if _is_cjk(run) else [run.lower()]


def _pair(first: str, second: str) -> str:
    return first + second if _is_cjk(first) and _is_cjk(second) else first + JOIN + second


def _groups(text: str) -> list[list[str]]:
    """Groups of adjacent runs (nothing between them), each as its units: Chinese characters and
    whole words. 县2024年度 is one group 县 2024 年 度; 宝政〔2020〕58号 is three."""
    groups: list[list[str]] = []
    end = -1
    for found in _RUN.finditer(unicodedata.normalize("NFKC", text or "")):
        units = _units(found.group())
        if found.start() == end:
            groups[-1].extend(units)
        else:
            groups.append(units)
        end = found.end()
    return groups


def tokens(text: str) -> str:
    """The text as FTS5 indexes it. Each group of units becomes the pairs of neighbouring units
    (财政局 → 财政 政局; 2024年 → 2024〇年), followed by its last unit alone, so that every
    occurrence of a unit heads a token; groups are separated by a break token."""
    out: list[str] = []
    end = -1
    last = ""
    for found in _RUN.finditer(unicodedata.normalize("NFKC", text or "")):
        run = found.group()
        cjk = _is_cjk(run)
        first = run[0] if cjk else run.lower()
        if out and found.start() == end:
            out[-1] = _pair(last, first)
        elif out:
            out.append(RUN_BREAK)
        if cjk and len(run) > 1:
            out.append(" ".join(map(operator.add, run, run[1:])))
        last = run[-1] if cjk else first
        out.append(last)
        end = found.end()
    return " ".join(out)


def chars(text: str) -> str:
    """The distinct Chinese characters of the text, one token each, for one-character queries."""
    return " ".join(sorted(set("".join(run for run in runs(text) if _is_cjk(run)))))


def _group_expression(units: list[str]) -> str:
    if len(units) > 1:
        return '"' + " ".join(_pair(a, b) for a, b in itertools.pairwise(units)) + '"'
    unit = units[0]
    if _is_cjk(unit):
        return f'"{unit}"*'
    return f'("{unit}" OR "{unit}{JOIN}"*)'


def _query_groups(query: str) -> list[list[str]]:
    return _groups(query)[:20]


def match_expression(query: str) -> str | None:
    """Turn what a person typed into an FTS5 MATCH expression, or None if nothing is searchable.

    Every group of adjacent runs must match (AND): two or more units are a phrase of their pairs,
    which matches exactly where the text holds that group (a word not inside a longer word:
    58号 is not found in 158号); one Chinese character is a prefix query (every occurrence heads
    a token); one word is that word alone or joined to the character after it. Only word
    characters reach the expression, so nothing typed can inject FTS5 syntax.
    """
    clauses = [f"{{title doc_number body}} : {_group_expression(g)}" for g in _query_groups(query)]
    return " AND ".join(clauses) or None


def normalise_doc_number(text: str) -> str:
    """A 文号 as people type it: brackets and spaces vary (〔2020〕, [2020], （2020）)."""
    return "".join(runs(text))


@dataclass(frozen=True)
class Filters:
    """The portal's and the API's filters, applied inside the full-text query (tags indexed
    with each item) instead of re-reading the published items: any of the units, any of the
    columns (a column and its sub-columns), any of the domains, a 五公开 class, a year."""

    unit_ids: tuple[int, ...] = ()
    column_ids: tuple[int, ...] = ()
    domain_ids: tuple[int, ...] = ()
    five_class: str = ""
    year: int | None = None

    def expression(self) -> str:
        clauses = []
        for prefix, values in (
            ("u", self.unit_ids),
            ("c", self.column_ids),
            ("d", self.domain_ids),
            ("f", (self.five_class,) if self.five_class else ()),
            ("y", (self.year,) if self.year else ()),
        ):
            if values:
                words = " OR ".join(f"{prefix}{_tag_value(v)}" for v in values)
                clauses.append(f"tags : ({words})")
        return " AND ".join(clauses)


def _tag_value(value: object) -> str:
    return re.sub("[^0-9a-z]", "", str(value).lower()) or "none"


def _tags(p: Publication) -> str:
    year = clock.localdate(p.published_at).year if p.published_at else 0
    domain = f" d{p.domain_id}" if p.domain_id else ""
    return f"u{p.unit_id} c{p.column_id} f{_tag_value(p.five_class)} y{year}{domain}"


@dataclass
class Page:
    """One page of search results: the publications in rank order and the total count (at most
    COUNT_LIMIT, with ``capped`` set when there are more)."""

    items: list[Publication]
    total: int
    capped: bool = False


def _is_sqlite() -> bool:
    return connection.vendor == "sqlite"


_FIELDS = ("pk", "title", "doc_number", "body_text", "status", "unit_id", "column_id",
           "domain_id", "five_class", "published_at")  # fmt: skip


def _rows(p: Publication) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    tags = _tags(p)
    return (
        (p.pk, tokens(p.title), tokens(p.doc_number), tokens(p.body_text), tags),
        (p.pk, chars(p.title), chars(f"{p.doc_number} {p.body_text}"), tags),
    )


def _indexed(ids: Sequence[int]) -> set[int]:
    found: set[int] = set()
    with connection.cursor() as cursor:
        for first in range(0, len(ids), 500):
            chunk = list(ids[first : first + 500])
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"SELECT id FROM {TABLE}_docsize WHERE id IN ({marks})", chunk)  # noqa: S608
            found.update(row[0] for row in cursor.fetchall())
    return found


def _delete(items: Iterable[Publication]) -> None:
    """Take items out of the contentless tables: FTS5 needs the values that were indexed, which
    are computed again from the item (its text does not change while it is published)."""
    main, extra = [], []
    for p in items:
        row, char_row = _rows(p)
        main.append(row)
        extra.append(char_row)
    if not main:
        return
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {TABLE} ({TABLE}, rowid, title, doc_number, body, tags) "  # noqa: S608
            "VALUES ('delete', %s, %s, %s, %s, %s)",
            main,
        )
        cursor.executemany(
            f"INSERT INTO {CHARS_TABLE} ({CHARS_TABLE}, rowid, title, other, tags) "  # noqa: S608
            "VALUES ('delete', %s, %s, %s, %s)",
            extra,
        )


def _insert(items: Iterable[Publication]) -> int:
    main, extra = [], []
    for p in items:
        row, char_row = _rows(p)
        main.append(row)
        extra.append(char_row)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {TABLE} (rowid, title, doc_number, body, tags) "  # noqa: S608
            "VALUES (%s, %s, %s, %s, %s)",
            main,
        )
        cursor.executemany(
            f"INSERT INTO {CHARS_TABLE} (rowid, title, other, tags) "  # noqa: S608
            "VALUES (%s, %s, %s, %s)",
            extra,
        )
    return len(main)


def index(publications: Iterable[Publication]) -> None:
    """Add published items to the index (others are removed). The tables are contentless (they
    keep no copy of the text), so an item already indexed is taken out with its values as they
    are now: change a published item's text only after removing it."""
    if not _is_sqlite():
        return
    items = list(publications)
    present = _indexed([p.pk for p in items])
    _delete(p for p in items if p.pk in present)
    _insert(p for p in items if p.status == PublicationStatus.PUBLISHED)


def remove(publication_ids: Sequence[int]) -> None:
    if not _is_sqlite() or not publication_ids:
        return
    present = _indexed(list(publication_ids))
    if present:
        _delete(Publication.objects.filter(pk__in=present).only(*_FIELDS))


def clear() -> None:
    """Empty the index (the only safe way to drop entries whose indexed values are unknown)."""
    if not _is_sqlite():
        return
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {TABLE} ({TABLE}) VALUES ('delete-all')")  # noqa: S608
        cursor.execute(f"INSERT INTO {CHARS_TABLE} ({CHARS_TABLE}) VALUES ('delete-all')")  # noqa: S608


def rebuild(batch: int = 2000) -> int:
    """Rebuild the whole index from the published items; returns how many were indexed."""
    if not _is_sqlite():
        return 0
    clear()
    count = 0
    published = Publication.objects.published().only(*_FIELDS).order_by("pk")
    chunk: list[Publication] = []
    for publication in published.iterator(chunk_size=batch):
        chunk.append(publication)
        if len(chunk) >= batch:
            count += _insert(chunk)
            chunk = []
    count += _insert(chunk)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {TABLE} ({TABLE}) VALUES ('optimize')")  # noqa: S608
        cursor.execute(f"INSERT INTO {CHARS_TABLE} ({CHARS_TABLE}) VALUES ('optimize')")  # noqa: S608
    return count


@dataclass
class _Plan:
    """Where a query runs: the table, its MATCH expressions (all hits, the hits in titles, the
    other hits) and bm25's weights; ``scope`` is extra SQL when the caller's scope is narrower
    than every published item."""

    table: str
    every: str
    in_title: str
    elsewhere: str
    weights: str
    scope: str = ""
    scope_params: tuple[Any, ...] = ()


def _plan(query: str, scope: QuerySet[Publication], filters: Filters | None) -> _Plan | None:
    groups = _query_groups(query)
    if not groups:
        return None
    tags = filters.expression() if filters else ""
    if len(groups) == 1 and len(groups[0]) == 1 and _is_cjk(groups[0][0]):
        # One character: the table of distinct characters, without positions (small and fast).
        table, weights = CHARS_TABLE, ", ".join(map(str, CHARS_WEIGHTS))
        term = f'"{groups[0][0]}"'
        every, title, other = f"{{title other}} : {term}", f"title : {term}", f"other : {term}"
    else:
        table, weights = TABLE, ", ".join(map(str, WEIGHTS))
        parts = [_group_expression(g) for g in groups]
        every = " AND ".join(f"{{title doc_number body}} : {p}" for p in parts)
        title = " AND ".join(f"title : {p}" for p in parts)
        other = None
    with_tags = (lambda e: f"({e}) AND {tags}") if tags else (lambda e: e)
    plan = _Plan(
        table=table,
        every=with_tags(every),
        in_title=with_tags(title),
        elsewhere=with_tags(f"({every}) NOT ({title})")
        if other is None
        else with_tags(f"({other}) NOT ({title})"),
        weights=weights,
    )
    mine = scope.order_by().values("pk").query.sql_with_params()
    # Every published item, however the caller wrote it (the status filter may appear twice).
    published = PublicationStatus.PUBLISHED
    bases = {
        q.filter(status=published).order_by().values("pk").query.sql_with_params()
        for q in (Publication.objects.all(), Publication.objects.published())
    }
    if mine not in bases:
        sql, params = mine
        plan.scope, plan.scope_params = f" AND rowid IN ({sql})", tuple(params)
    return plan


def _select(
    plan: _Plan, expression: str, *, columns: str = "rowid", order: str = "", limit: int
) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        # Only constants and the ORM's own SQL are formatted in; every value is a parameter.
        cursor.execute(
            f"SELECT {columns} FROM {plan.table} WHERE {plan.table} MATCH %s{plan.scope} "  # noqa: S608
            f"{order} LIMIT %s",
            [expression, *plan.scope_params, limit],
        )
        return list(cursor.fetchall())


def _count(plan: _Plan, expression: str, limit: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM (SELECT rowid FROM {plan.table} WHERE {plan.table} "  # noqa: S608
            f"MATCH %s{plan.scope} LIMIT %s)",
            [expression, *plan.scope_params, limit],
        )
        return int(cursor.fetchone()[0])


def _title_key(text: str) -> list[str]:
    return [run.lower() for run in runs(_CJK_SPACE.sub("", text))]


def _ranked(plan: _Plan, expression: str, query: str, limit: int) -> list[int]:
    """Hits ranked in full: 文号 typed exactly, whole title typed, title containing the query,
    bm25 (title and 文号 above the body), newest."""
    scored = dict(
        _select(plan, expression, columns=f"rowid, bm25({plan.table}, {plan.weights})",
                limit=limit)
    )  # fmt: skip
    rows = Publication.objects.filter(pk__in=list(scored)).values_list(
        "pk", "doc_number_key", "title", "published_at"
    )
    key, wanted, typed = normalise_doc_number(query), _title_key(query), query.strip()

    def rank(row: tuple[int, str, str, Any]) -> tuple[Any, ...]:
        pk, doc_key, title, published = row
        stamp = published.timestamp() if published else 0.0
        return (
            not (doc_key and doc_key == key),
            _title_key(title) != wanted,
            typed not in title,
            scored[pk],
            -stamp,
            -pk,
        )

    return [row[0] for row in sorted(rows, key=rank)]


def _newest(plan: _Plan, expression: str, limit: int) -> list[int]:
    return [row[0] for row in _select(plan, expression, order="ORDER BY rowid DESC", limit=limit)]


def search(
    query: str,
    scope: QuerySet[Publication],
    *,
    offset: int = 0,
    limit: int = 20,
    filters: Filters | None = None,
) -> Page:
    """Published items of ``scope`` (narrowed by ``filters``) matching ``query``, best first.

    An item whose 文号 is exactly what was typed comes first, then an item whose whole title was
    typed, then items whose title contains the whole query, then FTS5's bm25 rank (title and 文号
    weigh more than the body), then the newest. Without the title rule bm25 put "关于印发X的通知"
    before X itself whenever X had the longer body, which is the usual case. When a query has
    more than RANK_LIMIT hits (村, 工作 at a province's size) ranking them all would read every
    hit: then the hits in titles come first (ranked when few enough) and the others newest-added
    first, each read only as far as the page asked for. The count stops at COUNT_LIMIT.
    Pass the filters as ``filters`` (with the unfiltered public scope): they then run inside the
    full-text query; any other narrowing of ``scope`` works too, more slowly.
    """
    scope = scope.filter(status=PublicationStatus.PUBLISHED)
    if not _is_sqlite():
        return _fallback(query, scope, offset=offset, limit=limit, filters=filters)
    plan = _plan(query, scope, filters)
    if plan is None:
        return Page(items=[], total=0)
    total = _count(plan, plan.every, COUNT_LIMIT + 1)
    need = offset + limit
    if total <= RANK_LIMIT:
        ids = _ranked(plan, plan.every, query, RANK_LIMIT + 1)[offset:need]
    else:
        ordered = _document_number_hits(plan, query)
        first = len(ordered)
        seen = set(ordered)
        in_title = _count(plan, plan.in_title, RANK_LIMIT + 1)
        tiers: list[Any] = [
            (lambda n: _ranked(plan, plan.in_title, query, n))
            if in_title <= RANK_LIMIT
            else (lambda n: _newest(plan, plan.in_title, n)),
            lambda n: _newest(plan, plan.elsewhere, n),
        ]
        for tier in tiers:
            if len(ordered) >= need:
                break
            for pk in tier(need - len(ordered) + first):
                if pk not in seen:
                    seen.add(pk)
                    ordered.append(pk)
        ids = ordered[offset:need]
    # Loaded through the caller's scope, so its select_related holds for the results too.
    found = scope.in_bulk(ids)
    return Page(
        items=[found[pk] for pk in ids if pk in found],
        total=min(total, COUNT_LIMIT),
        capped=total > COUNT_LIMIT,
    )


def _document_number_hits(plan: _Plan, query: str) -> list[int]:
    key = normalise_doc_number(query)
    if not key:
        return []
    ids = list(
        Publication.objects.published()
        .filter(doc_number_key=key)
        .order_by("-published_at", "-pk")
        .values_list("pk", flat=True)[:20]
    )
    if not ids:
        return []
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rowid FROM {plan.table} WHERE {plan.table} MATCH %s{plan.scope} "  # noqa: S608
            f"AND rowid IN ({marks})",
            [plan.every, *plan.scope_params, *ids],
        )
        hits = {row[0] for row in cursor.fetchall()}
    return [pk for pk in ids if pk in hits]


def matching_ids(query: str, filters: Filters | None = None) -> list[int]:
    """Every published item matching ``query``, unordered (for checks and benchmarks: the exact
    result set the search pages through)."""
    if not _is_sqlite():
        scope = Publication.objects.published()
        return [p.pk for p in _fallback(query, scope, offset=0, limit=10**9, filters=filters).items]
    plan = _plan(query, Publication.objects.published(), filters)
    if plan is None:
        return []
    return [row[0] for row in _select(plan, plan.every, limit=10**9)]


def _fallback(
    query: str,
    scope: QuerySet[Publication],
    *,
    offset: int,
    limit: int,
    filters: Filters | None = None,
) -> Page:
    condition = Q()
    for run in runs(query)[:20]:
        condition &= (
            Q(title__icontains=run) | Q(body_text__icontains=run) | Q(doc_number__icontains=run)
        )
    if not runs(query):
        return Page(items=[], total=0)
    if filters is not None:
        scope = _filtered(scope, filters)
    first = Case(
        When(doc_number_key=normalise_doc_number(query), then=Value(0)),
        When(title=" ".join(query.split()), then=Value(1)),
        default=Value(2),
    )
    matches = scope.filter(condition).order_by(first, "-published_at", "-pk")
    return Page(items=list(matches[offset : offset + limit]), total=matches.count())


def _filtered(scope: QuerySet[Publication], filters: Filters) -> QuerySet[Publication]:
    if filters.unit_ids:
        scope = scope.filter(unit_id__in=filters.unit_ids)
    if filters.column_ids:
        scope = scope.filter(column_id__in=filters.column_ids)
    if filters.domain_ids:
        scope = scope.filter(domain_id__in=filters.domain_ids)
    if filters.five_class:
        scope = scope.filter(five_class=filters.five_class)
    if filters.year:
        scope = scope.filter(published_at__year=filters.year)
    return scope


def _spans(text: str, query: str) -> Iterator[tuple[int, int]]:
    lowered = text.lower()
    terms = sorted({run.lower() for run in runs(query)}, key=len, reverse=True)
    taken: list[tuple[int, int]] = []
    for term in terms:
        start = lowered.find(term)
        while start != -1:
            end = start + len(term)
            if not any(s < end and start < e for s, e in taken):
                taken.append((start, end))
            start = lowered.find(term, end)
    yield from sorted(taken)


def highlight(text: str, query: str, *, width: int = 0) -> SafeString:
    """The text (or, with ``width``, a window around the first match) with matches in <mark>."""
    spans = list(_spans(text, query))
    start, end = 0, len(text)
    if width and len(text) > width:
        first = spans[0][0] if spans else 0
        start = max(0, first - width // 3)
        end = min(len(text), start + width)
    out = ["…" if start > 0 else ""]
    cursor = start
    for s, e in spans:
        if s < start or e > end:
            continue
        out.append(escape(text[cursor:s]))
        out.append(f"<mark>{escape(text[s:e])}</mark>")
        cursor = e
    out.append(escape(text[cursor:end]))
    out.append("…" if end < len(text) else "")
    return mark_safe("".join(out))  # noqa: S308 - every piece of text above is escaped
