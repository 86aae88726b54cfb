"""Full-text search over published information, in Chinese, on SQLite FTS5 (docs/adr/0005).

Chinese has no spaces, so the text is cut before FTS5 sees it: every run of Chinese characters
becomes its overlapping bigrams (财政局 → 财政 政局), as Lucene's CJK analyzer does, and runs of
letters or digits stay whole words. A query is cut the same way, so a phrase of two or more
characters is a bigram phrase and matches exactly where the text contains it. One-character
queries search a separate column of single characters. Measured here (issue 3): the trigram
tokenizer silently finds nothing for one- or two-character queries, and jieba's words miss most
substrings; bigrams avoid both.

The index holds published items only; the services add an item when it is published and remove
it when it is withdrawn. On PostgreSQL (until the scale issue gives it its own index) the search
falls back to case-insensitive substring matching.
"""

from __future__ import annotations

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

from gongkai.publications.models import Publication, PublicationStatus

TABLE = "publications_search"
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff"
_RUN = re.compile(f"[{_CJK}]+|[0-9A-Za-z\u00c0-\u024f]+")
_CJK_SPACE = re.compile(f"(?<=[{_CJK}])\\s+(?=[{_CJK}])")
# bm25 weights of the columns title, doc_number, body, chars.
WEIGHTS = (10.0, 20.0, 1.0, 0.2)


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


def _run_tokens(run: str) -> str:
    if not _is_cjk(run):
        return run.lower()
    if len(run) == 1:
        return run
    return " ".join(map(operator.add, run, run[1:]))


# Put between runs so that a phrase never matches across punctuation or a change of script
# (县财政，政局 must not match 财政局). 〇 is outside the runs' character classes, so no query can
# ever contain this token, while FTS5's unicode61 keeps it as a token (category Nl).
RUN_BREAK = "\u3007\u3007"


def _tokens_of(found: list[str]) -> str:
    return f" {RUN_BREAK} ".join(map(_run_tokens, found))


def _chars_of(found: list[str]) -> str:
    return " ".join("".join(run for run in found if _is_cjk(run)))


def tokens(text: str) -> str:
    """The text as FTS5 will index it: bigrams of Chinese runs, whole words otherwise, with a
    break token between runs."""
    return _tokens_of(runs(text))


def chars(text: str) -> str:
    """Every Chinese character of the text, one token each, for one-character queries."""
    return _chars_of(runs(text))


def match_expression(query: str) -> str | None:
    """Turn what a person typed into an FTS5 MATCH expression, or None if nothing is searchable.

    Every run must match (AND). A Chinese run of two or more characters is a phrase of bigrams;
    a single character searches the character column; a word of letters or digits is a token.
    Only word characters reach the expression, so nothing typed can inject FTS5 syntax.
    """
    clauses = []
    for run in runs(query)[:20]:
        if _is_cjk(run) and len(run) == 1:
            clauses.append(f'chars : "{run}"')
        else:
            clauses.append(f'{{title doc_number body}} : "{_run_tokens(run)}"')
    return " AND ".join(clauses) or None


def normalise_doc_number(text: str) -> str:
    """A 文号 as people type it: brackets and spaces vary (〔2020〕, [2020], （2020）)."""
    return "".join(runs(text))


@dataclass
class Page:
    """One page of search results: the publications in rank order and the total count."""

    items: list[Publication]
    total: int


def _is_sqlite() -> bool:
    return connection.vendor == "sqlite"


def index(publications: Iterable[Publication]) -> None:
    """Add or refresh published items in the index (others are removed)."""
    if not _is_sqlite():
        return
    rows = []
    gone = []
    for p in publications:
        gone.append((p.pk,))
        if p.status == PublicationStatus.PUBLISHED:
            title, doc_number, body = runs(p.title), runs(p.doc_number), runs(p.body_text)
            rows.append(
                (
                    p.pk,
                    _tokens_of(title),
                    _tokens_of(doc_number),
                    _tokens_of(body),
                    _chars_of(title + doc_number + body),
                )
            )
    with connection.cursor() as cursor:
        cursor.executemany(f"DELETE FROM {TABLE} WHERE rowid = %s", gone)  # noqa: S608
        cursor.executemany(
            f"INSERT INTO {TABLE} (rowid, title, doc_number, body, chars) "  # noqa: S608
            "VALUES (%s, %s, %s, %s, %s)",
            rows,
        )


def remove(publication_ids: Sequence[int]) -> None:
    if not _is_sqlite() or not publication_ids:
        return
    with connection.cursor() as cursor:
        cursor.executemany(
            f"DELETE FROM {TABLE} WHERE rowid = %s",  # noqa: S608
            [(pk,) for pk in publication_ids],
        )


def rebuild(batch: int = 2000) -> int:
    """Rebuild the whole index from the published items; returns how many were indexed."""
    if not _is_sqlite():
        return 0
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")  # noqa: S608
    count = 0
    published = Publication.objects.published().only(
        "pk", "title", "doc_number", "body_text", "status"
    )
    chunk: list[Publication] = []
    for publication in published.iterator(chunk_size=batch):
        chunk.append(publication)
        if len(chunk) >= batch:
            index(chunk)
            count += len(chunk)
            chunk = []
    index(chunk)
    return count + len(chunk)


def search(query: str, scope: QuerySet[Publication], *, offset: int = 0, limit: int = 20) -> Page:
    """Published items of ``scope`` matching ``query``, best first.

    An item whose 文号 is exactly what was typed comes first, then an item whose whole title was
    typed, then items whose title contains the whole query, then FTS5's bm25 rank (title and 文号
    weigh more than the body), then the newest. Without the title rule bm25 put "关于印发X的通知"
    before X itself whenever X had the longer body, which is the usual case.
    """
    scope = scope.filter(status=PublicationStatus.PUBLISHED)
    if not _is_sqlite():
        return _fallback(query, scope, offset=offset, limit=limit)
    expression = match_expression(query)
    if expression is None:
        return Page(items=[], total=0)
    scope_sql, scope_params = scope.order_by().values("pk").query.sql_with_params()
    weights = ", ".join(str(w) for w in WEIGHTS)
    # The full-text match runs once, materialised, before the scope is applied: written as
    # "MATCH … AND rowid IN (scope)" SQLite re-ran the match for every scoped row (0.3–1.3 s on
    # 3,000 items against about 1 ms this way).
    # The title column holds the title's tokens, so comparing it with the query's tokens is a
    # title equality that ignores case, full-width forms and spaces typed between Chinese
    # characters, computed once per match rather than carried out of the CTE as text.
    matches = (
        f"WITH m AS MATERIALIZED (SELECT rowid AS id, bm25({TABLE}, {weights}) AS rank, "  # noqa: S608
        f"title = %s AS exact FROM {TABLE} WHERE {TABLE} MATCH %s) "
    )
    params: list[Any] = [tokens(_CJK_SPACE.sub("", query)), expression, *scope_params]
    with connection.cursor() as cursor:
        # Only constants and the ORM's own SQL are formatted in; every value is a parameter.
        count_sql = f"{matches}SELECT count(*) FROM m WHERE m.id IN ({scope_sql})"  # noqa: S608
        cursor.execute(count_sql, params)
        total = int(cursor.fetchone()[0])
        cursor.execute(
            f"{matches}SELECT m.id FROM m JOIN publications_publication p ON p.id = m.id "  # noqa: S608
            f"WHERE m.id IN ({scope_sql}) "
            "ORDER BY (p.doc_number_key <> '' AND p.doc_number_key = %s) DESC, m.exact DESC, "
            "(instr(p.title, %s) > 0) DESC, m.rank, p.published_at DESC LIMIT %s OFFSET %s",
            [*params, normalise_doc_number(query), query.strip(), limit, offset],
        )
        ids = [row[0] for row in cursor.fetchall()]
    # Loaded through the caller's scope, so its select_related holds for the results too.
    found = scope.in_bulk(ids)
    return Page(items=[found[pk] for pk in ids if pk in found], total=total)


def _fallback(query: str, scope: QuerySet[Publication], *, offset: int, limit: int) -> Page:
    condition = Q()
    for run in runs(query)[:20]:
        condition &= (
            Q(title__icontains=run) | Q(body_text__icontains=run) | Q(doc_number__icontains=run)
        )
    if not runs(query):
        return Page(items=[], total=0)
    first = Case(
        When(doc_number_key=normalise_doc_number(query), then=Value(0)),
        When(title=" ".join(query.split()), then=Value(1)),
        default=Value(2),
    )
    matches = scope.filter(condition).order_by(first, "-published_at", "-pk")
    return Page(items=list(matches[offset : offset + limit]), total=matches.count())


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
