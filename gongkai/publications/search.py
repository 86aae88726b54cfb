"""Full-text search over published information, in Chinese: SQLite FTS5 (docs/adr/0005) or
PostgreSQL tsvectors (docs/adr/0011), with the same tokens and the same results.

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
column, domain, 五公开 class and day of publication (as its year, month and day) as tags, so the
portal's filters run inside the MATCH; a range of dates is the few year, month and day tags that
cover it (issue 11, date_tags). Results come by relevance or newest published first (by_date).

On PostgreSQL (no Chinese parser; pg_trgm has no trigram for one or two characters and reads
its whole index for them, see ADR 0011) the same tokens are tsvector lexemes at their positions,
built here, beside a vector of each item's distinct characters, and a query is the same
expression as a tsquery: a phrase (<->) of pairs, one character its lexeme, the filters as tag
lexemes, all on GIN indexes of a table partitioned by id. An item too long for one tsvector
(16,383 positions, 256 of one lexeme) is cut into overlapping parts, so the results are those of
FTS5 for every item.

The index holds published items only; the services add an item when it is published and remove
it when it is withdrawn.
"""

from __future__ import annotations

import abc
import bisect
import datetime as dt
import hashlib
import itertools
import operator
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from gongkai.core import clock
from gongkai.publications.models import Publication, PublicationStatus, PublishedCount

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
# The orders of results: relevance (see search()), or newest published first.
RELEVANCE = "relevance"
NEWEST = "date"
SORTS = (RELEVANCE, NEWEST)
# Newest first: testing one row against the index while walking the dates costs about this many
# times reading one hit's date when collecting them (bench/search_dates.py, 200,000 items).
WALK_COST = 2.5
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
    columns (a column and its sub-columns), any of the domains, a 五公开 class, a year, and a
    range of publication dates (``published_from`` to ``published_to``, both days included, in
    the county's time zone; either may be open)."""

    unit_ids: tuple[int, ...] = ()
    column_ids: tuple[int, ...] = ()
    domain_ids: tuple[int, ...] = ()
    five_class: str = ""
    year: int | None = None
    published_from: dt.date | None = None
    published_to: dt.date | None = None

    @property
    def dated(self) -> bool:
        """Whether a range of publication dates is asked for."""
        return self.published_from is not None or self.published_to is not None

    def tag_groups(self) -> list[list[str]]:
        """The tags asked for, one list per filter: an item matches when it has a tag of each.
        A date range must be closed first (``_closed``: the open ends become the first and last
        days anything was published)."""
        groups = []
        for prefix, values in (
            ("u", self.unit_ids),
            ("c", self.column_ids),
            ("d", self.domain_ids),
            ("f", (self.five_class,) if self.five_class else ()),
            ("y", (self.year,) if self.year else ()),
        ):
            if values:
                groups.append([f"{prefix}{_tag_value(v)}" for v in values])
        if self.published_from is not None and self.published_to is not None:
            groups.append(date_tags(self.published_from, self.published_to))
        return groups

    def expression(self) -> str:
        """The filters as an FTS5 expression on the tags column ("" when there are none)."""
        return " AND ".join(f"tags : ({' OR '.join(g)})" for g in self.tag_groups())


# A range that holds no day (from after to) asks for this tag, which no item has.
NO_DAY = "tnone"


def date_tags(first: dt.date, last: dt.date) -> list[str]:
    """The fewest tags that cover the days ``first`` to ``last``: whole years (y2024), whole
    months (m202403) and single days (t20240315), as each item is tagged with its day of
    publication, its month and its year (``_tags``). At most about 60 days and 22 months besides
    the whole years, so a range of any length is one OR of a few dozen tags in the MATCH."""
    if first > last:
        return [NO_DAY]
    tags: list[str] = []
    day = first
    while day <= last:
        year_end = dt.date(day.year, 12, 31)
        month_end = _month_end(day)
        if day.month == 1 and day.day == 1 and year_end <= last:
            tags.append(f"y{day.year}")
            day = year_end + dt.timedelta(days=1)
        elif day.day == 1 and month_end <= last:
            tags.append(f"m{day:%Y%m}")
            day = month_end + dt.timedelta(days=1)
        else:
            tags.append(f"t{day:%Y%m%d}")
            day += dt.timedelta(days=1)
    return tags


def _month_end(day: dt.date) -> dt.date:
    following = day.replace(day=28) + dt.timedelta(days=4)
    return following - dt.timedelta(days=following.day)


def _tag_value(value: object) -> str:
    return re.sub("[^0-9a-z]", "", str(value).lower()) or "none"


def _tags(p: Publication) -> str:
    """An item's tags: unit, column, 五公开 class, domain, and its day of publication as a year,
    a month and a day (so a date range is a few tags, see ``date_tags``)."""
    domain = f" d{p.domain_id}" if p.domain_id else ""
    if p.published_at is None:
        return f"u{p.unit_id} c{p.column_id} f{_tag_value(p.five_class)} y0{domain}"
    day = clock.localdate(p.published_at)
    return (
        f"u{p.unit_id} c{p.column_id} f{_tag_value(p.five_class)} y{day.year}{domain}"
        f" m{day:%Y%m} t{day:%Y%m%d}"
    )


@dataclass
class Page:
    """One page of search results: the publications in rank order and the total count (at most
    COUNT_LIMIT, with ``capped`` set when there are more)."""

    items: list[Publication]
    total: int
    capped: bool = False


def _is_sqlite() -> bool:
    """SQLite searches with FTS5; every other database is PostgreSQL (the two gongkai runs on)."""
    return connection.vendor == "sqlite"


_FIELDS = ("pk", "title", "doc_number", "body_text", "status", "unit_id", "column_id",
           "domain_id", "five_class", "published_at")  # fmt: skip


# ------------------------------------------------------------------ SQLite: contentless FTS5


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


def _fts_rebuild(batch: int) -> int:
    _fts_clear()
    count = 0
    for chunk in _published_in_batches(batch):
        count += _insert(chunk)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {TABLE} ({TABLE}) VALUES ('optimize')")  # noqa: S608
        cursor.execute(f"INSERT INTO {CHARS_TABLE} ({CHARS_TABLE}) VALUES ('optimize')")  # noqa: S608
    return count


def _fts_clear() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {TABLE} ({TABLE}) VALUES ('delete-all')")  # noqa: S608
        cursor.execute(f"INSERT INTO {CHARS_TABLE} ({CHARS_TABLE}) VALUES ('delete-all')")  # noqa: S608


def _published_in_batches(batch: int) -> Iterator[list[Publication]]:
    published = Publication.objects.published().only(*_FIELDS).order_by("pk")
    chunk: list[Publication] = []
    for publication in published.iterator(chunk_size=batch):
        chunk.append(publication)
        if len(chunk) >= batch:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# ------------------------------------------------------- PostgreSQL: tsvectors of the same pairs
#
# docs/adr/0011. One row per item (``part`` 0) holds three tsvectors built here from the tokens
# FTS5 gets, not by PostgreSQL's parser (it has no Chinese one): ``doc`` (title, 文号 and body,
# weighted A, B and D for ts_rank), ``title`` and ``chars`` (see _pg_rows). Each token is a
# lexeme at its position, so a query group of two or more units is a tsquery phrase (<->) of
# its pairs, exact as in FTS5, and a single character among other groups is a prefix (every
# occurrence heads a token). The filters are lexemes too (#u12 #c3 #fresult #y2024 #d5), so
# they run inside the GIN indexes; no token starts with #.

# tsvector keeps positions up to 16,383 and at most 256 positions of one lexeme, silently
# dropping the rest. An item whose tokens do not fit (a body of more than ~15,000 characters, or
# one pair repeated 257 times) is cut into parts, one row each, that overlap by OVERLAP positions
# so that every phrase of up to OVERLAP pairs lies whole in one part (queries are 100 characters
# at most); such an item matches when each group of the query matches in one of its parts.
_MAX_POSITION = 16_383
_MAX_OCCURRENCES = 256
OVERLAP = 128
# A lexeme has at most 2,047 bytes: a longer word (a pasted hash, say) is cut and marked with its
# digest, the same way in the text and in a query, so it still matches only itself.
_LONG_WORD = 500
# ts_rank's weights {D, C, B, A}: body, unused, 文号, title (FTS5's bm25 weights, scaled to 1).
PG_WEIGHTS = "{0.05, 0, 1, 0.5}"
_TAG = "#"
# The table is partitioned by id, SEGMENT ids a partition, each with its own GIN indexes: a GIN
# index reads a lexeme's whole posting list before it returns a row, so a count that stops at
# COUNT_LIMIT still read 870,000 postings for 村 at a million items (~150 ms); a partition
# holds at most SEGMENT of them, and the scan stops at the partition that completes the count.
SEGMENT = 100_000
PG_INDEXES = (
    *(
        f"CREATE INDEX {TABLE}_{column}{suffix} ON {TABLE} USING gin ({column}) WHERE {where}"
        for column in ("doc", "title", "chars")
        for suffix, where in (("", "whole"), ("_parts", "NOT whole"))
    ),
    # The few items in parts, by id: read instead of the primary key when walking ids (WALK).
    f"CREATE INDEX {TABLE}_parts ON {TABLE} (id) WHERE NOT whole",
)


def _quote(lexeme: str) -> str:
    """A lexeme as tsvector and tsquery literals spell it (only word characters, 〇 and # ever
    reach here, but a quote or backslash would be escaped all the same)."""
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def _word(word: str) -> str:
    if len(word) <= _LONG_WORD:
        return word
    digest = hashlib.blake2b(word.encode(), digest_size=8).hexdigest()
    return word[: _LONG_WORD - 100] + RUN_BREAK + digest


def _positioned(fields: Sequence[tuple[str, str]]) -> tuple[list[str], list[int], list[str]]:
    """The tokens of the fields as tokens() makes them for FTS5, with their positions and the
    field's weight (A, B or none): each run's pairs, then its last unit, which becomes the pair
    joining it to the next run when they touch. A position is left empty where tokens() puts
    its break token, and between fields, so no phrase spans two groups or two fields."""
    lexemes: list[str] = []
    positions: list[int] = []
    weights: list[str] = []
    position = 1
    for text, weight in fields:
        end, last = -1, ""
        for found in _RUN.finditer(unicodedata.normalize("NFKC", text or "")):
            run = found.group()
            cjk = _is_cjk(run)
            first = run[0] if cjk else _word(run.lower())
            if last:
                # Two runs that touch are a word and a character: join them (2024〇年).
                touch = found.start() == end
                lexemes.append(last + JOIN + first if touch else last)
                positions.append(position - 1)
                weights.append(weight)
                position += 0 if touch else 1
            if cjk and len(run) > 1:
                lexemes.extend(map(operator.add, run, run[1:]))
                positions.extend(range(position, position + len(run) - 1))
                weights.extend(itertools.repeat(weight, len(run) - 1))
                position += len(run) - 1
            last = run[-1] if cjk else first
            position += 1  # the last unit's place
            end = found.end()
        if last:
            lexemes.append(last)
            positions.append(position - 1)
            weights.append(weight)
        position += 1
    return lexemes, positions, weights


def _windows(lexemes: list[str], positions: list[int]) -> list[tuple[int, int]]:
    """Ranges of the positioned lexemes that each fit one tsvector: all of them for nearly
    every item; for a long one, ranges overlapping by OVERLAP positions (see above)."""
    if not lexemes or (
        positions[-1] - positions[0] < _MAX_POSITION
        and max(Counter(lexemes).values()) <= _MAX_OCCURRENCES
    ):
        return [(0, len(lexemes))]
    windows = []
    start = 0
    while True:
        seen: Counter[str] = Counter()
        end = start
        while (
            end < len(lexemes)
            and positions[end] - positions[start] < _MAX_POSITION
            and seen[lexemes[end]] < _MAX_OCCURRENCES
        ):
            seen[lexemes[end]] += 1
            end += 1
        windows.append((start, end))
        if end == len(lexemes):
            return windows
        # A window holds at least 256 positions, so the next one starts further on.
        start = bisect.bisect_left(positions, positions[end] - OVERLAP, lo=start + 1)


def _vector(
    stream: tuple[list[str], list[int], list[str]], window: tuple[int, int], extra: Iterable[str]
) -> str:
    """One tsvector literal: a window of the stream (positions counted from 1) and lexemes
    without positions."""
    lexemes, positions, weights = stream
    start, end = window
    base = positions[start] - 1 if end > start else 0
    spots: dict[str, list[str]] = {}
    for i in range(start, end):
        spots.setdefault(lexemes[i], []).append(f"{positions[i] - base}{weights[i]}")
    words = [f"{_quote(lexeme)}:{','.join(at)}" for lexeme, at in spots.items()]
    words.extend(map(_quote, extra))
    return " ".join(words)


def _characters(*texts: str) -> list[str]:
    return sorted({c for text in texts for run in runs(text) if _is_cjk(run) for c in run})


def _pg_rows(p: Publication) -> list[tuple[int, int, bool, str, str, str]]:
    """The rows of one item, (id, part, whole, title, doc, chars) with the tsvectors as
    literals. ``chars`` holds the item's distinct characters, without positions (the second FTS5
    table's role), and ``title`` its title's too: a one-character query is then one posting list,
    which GIN can intersect with a filter's, where a prefix (村:*) is the union of a thousand
    (measured at a million items, 村 within one unit: 100 ms as a prefix). The characters go
    with the first part, the tags with every part."""
    tags = [_TAG + tag for tag in _tags(p).split()]
    title = _positioned([(p.title, "")])
    doc = _positioned([(p.title, "A"), (p.doc_number, "B"), (p.body_text, "")])
    title_windows, doc_windows = _windows(*title[:2]), _windows(*doc[:2])
    parts = max(len(title_windows), len(doc_windows))
    rows = []
    for part in range(parts):
        first = part == 0
        rows.append(
            (
                p.pk,
                part,
                parts == 1,
                _vector(title, title_windows[part] if part < len(title_windows) else (0, 0),
                        [*tags, *(_characters(p.title) if first else ())]),
                _vector(doc, doc_windows[part] if part < len(doc_windows) else (0, 0), tags),
                " ".join(map(_quote, [*tags, *(_characters(p.title, p.doc_number, p.body_text)
                                                if first else ())])),
            )
        )  # fmt: skip
    return rows


def _pg_segments(ids: Iterable[int]) -> None:
    """Create the partitions that will hold these ids, if they do not exist yet. Creating one
    locks the table until the transaction ends, once every SEGMENT ids; rebuild() creates the
    next one ahead of time."""
    wanted = sorted({pk // SEGMENT for pk in ids})
    if not wanted:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n FROM unnest(%s::int[]) AS n WHERE to_regclass(%s || n) IS NULL",
            [wanted, f"{TABLE}_p"],
        )
        for (segment,) in cursor.fetchall():
            # Only integers are formatted into the statement.
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS {TABLE}_p{int(segment)} PARTITION OF {TABLE} "
                f"FOR VALUES FROM ({int(segment) * SEGMENT}) TO ({(int(segment) + 1) * SEGMENT})"
            )


def _pg_index(items: list[Publication]) -> None:
    rows = [row for p in items if p.status == PublicationStatus.PUBLISHED for row in _pg_rows(p)]
    _pg_segments(row[0] for row in rows)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE id = ANY(%s)", [[p.pk for p in items]])  # noqa: S608
        if rows:
            cursor.executemany(
                f"INSERT INTO {TABLE} (id, part, whole, title, doc, chars) "  # noqa: S608
                "VALUES (%s, %s, %s, %s::tsvector, %s::tsvector, %s::tsvector)",
                rows,
            )


def _pg_rebuild(batch: int) -> int:
    """Fill the table again in one transaction: emptied, its GIN indexes dropped, the rows
    copied in, the indexes built once (much faster than growing them row by row), analysed."""
    count = 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {TABLE}")
        last = Publication.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        _pg_segments(range(0, last + SEGMENT + 1, SEGMENT))
        for statement in PG_INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {statement.split()[2]}")
        cursor.execute("SELECT set_config('maintenance_work_mem', '256MB', true)")
        copy = f"COPY {TABLE} (id, part, whole, title, doc, chars) FROM STDIN"
        for chunk in _published_in_batches(batch):
            with cursor.copy(copy) as rows:
                for p in chunk:
                    for row in _pg_rows(p):
                        rows.write_row(row)
            count += len(chunk)
        for statement in PG_INDEXES:
            cursor.execute(statement)
        cursor.execute(f"ANALYZE {TABLE}")
    return count


# Planner settings for the search's statements. The planner does not count the cost of reading
# a TOASTed tsvector (~8 KB an item): left alone it scans the table, or its primary key
# backwards, testing each row, which took 120 ms (村, capped count) and 770 ms (58号, newest
# page) at 200,000 items against 7 ms and 1 ms through the GIN indexes. So the search reads
# through GIN indexes only, except to walk the ids backwards among very many hits (WALK): the
# planner, which misjudges how many items hold a phrase, would rather collect every hit in
# every partition to sort them (信息公开 in titles, page 50: 260 ms at a million items).
GIN_ONLY = {"enable_seqscan": "off", "enable_indexscan": "off"}
WALK = {"enable_seqscan": "off", "enable_bitmapscan": "off"}


def planned(sql: str, settings: dict[str, str]) -> str:
    """The statement preceded by the settings and followed by putting them back, all in one
    string: sent at once, the statements share one transaction, so SET LOCAL holds for the
    statement and the old values are restored after it (kept meanwhile in gongkai.* settings).
    Its rows are the second result (``cursor.nextset()``). Only constants are formatted in."""
    keep = ", ".join(
        f"set_config('gongkai.{name}', current_setting('{name}'), true), "
        f"set_config('{name}', '{value}', true)"
        for name, value in settings.items()
    )
    back = ", ".join(
        f"set_config('{name}', current_setting('gongkai.{name}'), true)" for name in settings
    )
    return f"SELECT {keep}; {sql}; SELECT {back}"


def _fetch(sql: str, params: Sequence[Any], settings: dict[str, str]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(planned(sql, settings), params)
        cursor.nextset()
        return list(cursor.fetchall())


def _ts_group(units: list[str], longest: int | None = None) -> list[str]:
    """A group of the query as tsquery, as match_expression makes it for FTS5: two or more units
    are a phrase of their pairs (cut into phrases of ``longest`` pairs when given), a character
    a prefix (every occurrence heads a token), a word itself or joined to the character after
    it (2024〇年)."""
    if len(units) == 1:
        unit = units[0]
        if _is_cjk(unit):
            return [f"{_quote(unit)}:*"]
        word = _word(unit)
        return [f"({_quote(word)} | {_quote(word + JOIN)}:*)"]
    words = [u if _is_cjk(u) else _word(u) for u in units]
    pairs = [_quote(_pair(a, b)) for a, b in itertools.pairwise(words)]
    step = longest or len(pairs)
    return ["(" + " <-> ".join(pairs[i : i + step]) + ")" for i in range(0, len(pairs), step)]


def _tag_clauses(filters: Filters | None) -> list[str]:
    groups = filters.tag_groups() if filters else []
    return ["(" + " | ".join(_quote(_TAG + tag) for tag in group) + ")" for group in groups]


def tsquery(query: str, filters: Filters | None = None) -> str | None:
    """Turn what a person typed into a tsquery literal, the filters' tags included, or None if
    nothing is searchable. As in match_expression, only word characters reach it (and every
    lexeme is quoted), so nothing typed can inject tsquery syntax."""
    groups = _query_groups(query)
    return _tsquery(groups, filters) if groups else None


def _tsquery(groups: list[list[str]], filters: Filters | None) -> str:
    phrases = [phrase for group in groups for phrase in _ts_group(group)]
    return " & ".join([*_tag_clauses(filters), *phrases])


# ----------------------------------------------------------------------- one search, two SQLs


class _Plan(abc.ABC):
    """Where a query runs. Each backend answers the same questions about a tier of hits
    (``every`` hit, the hits ``in_title``, the hits ``elsewhere``): how many (up to a limit),
    which (by id, newest-added first, or with a relevance score where lower is better), which
    of some ids. ``scope`` is the caller's narrower scope, as SQL."""

    id_column = "id"

    def __init__(self, scope: str, scope_params: Sequence[Any]) -> None:
        self.scope = scope
        self.scope_params = tuple(scope_params)
        # The tiers with more than COUNT_LIMIT hits: too many to collect and sort (PostgreSQL).
        self.crowded: set[str] = set()
        # The filters' range of publication dates as [start, end) moments (None: any date).
        self.window: tuple[dt.datetime, dt.datetime] | None = None
        # The same plan without the range's tags, to test rows walked within the window: the
        # range is then the walk's, and dozens of date tags would be sought for every row.
        self.undated: _Plan | None = None

    def title_count_limit(self) -> int:
        """How far to count the hits in titles: far enough to choose how to read them."""
        return RANK_LIMIT + 1

    @abc.abstractmethod
    def statement(
        self, tier: str, *, scored: bool = False, among: Sequence[int] = ()
    ) -> tuple[str, list[Any]]:
        """The SELECT of a tier's ids (with a score when ``scored``), narrowed to ``among``."""

    def select(
        self,
        tier: str,
        *,
        scored: bool = False,
        newest: bool = False,
        among: Sequence[int] = (),
        limit: int | None = None,
    ) -> list[tuple[Any, ...]]:
        sql, params = self.statement(tier, scored=scored, among=among)
        if newest:
            sql += f" ORDER BY {self.id_column} DESC"
        if limit is not None:
            sql += " LIMIT %s"
            params.append(limit)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return list(cursor.fetchall())

    def count(self, tier: str, limit: int) -> int:
        sql, params = self.statement(tier)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM ({sql} LIMIT %s) AS hits", [*params, limit])  # noqa: S608
            return int(cursor.fetchone()[0])

    def hits(self, tier: str) -> tuple[str, list[Any]]:
        """The SELECT of every id of a tier, to use as a subquery."""
        return self.statement(tier)

    @abc.abstractmethod
    def contains(self, tier: str, outer: str) -> tuple[str, list[Any]]:
        """A condition true when the item whose id is the SQL expression ``outer`` is a hit of
        the tier (tested row by row: for walking another table's index)."""

    def run(self, sql: str, params: Sequence[Any], *, walk: bool) -> list[tuple[Any, ...]]:
        """Run a statement that reads this plan's index (``walk``: row by row, see WALK)."""
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return list(cursor.fetchall())

    def by_date(self, *, offset: int, limit: int, walk: bool) -> list[int]:
        """Hits newest published first (ties: newest added), ``limit`` of them from ``offset``.

        Either the hits are collected from the index and sorted by their dates in one statement
        (a few milliseconds for thousands, but every hit is read), or (``walk``) the published
        items are walked newest first on the index of their dates (within the filters' range),
        each tested against the index until the page is full: a few rows tested per row wanted
        when the hits are many. search() chooses (see _walk_is_cheaper). Published items always
        have a date (publishing sets it); one without would come last when collected.
        """
        table = Publication._meta.db_table
        if not walk:
            hits, params = self.hits("every")
            sql = (
                f"SELECT p.id FROM {table} p WHERE p.id IN ({hits}) "  # noqa: S608
                "ORDER BY p.published_at IS NULL, p.published_at DESC, p.id DESC "
                "LIMIT %s OFFSET %s"
            )
            return [row[0] for row in self.run(sql, [*params, limit, offset], walk=False)]
        member, params = (self.undated or self).contains("every", "p.id")
        where = ["p.status = %s", "p.published_at IS NOT NULL"]
        values: list[Any] = [PublicationStatus.PUBLISHED]
        if self.window is not None:
            where += ["p.published_at >= %s", "p.published_at < %s"]
            # As the ORM writes them (SQLite compares text: UTC without an offset).
            values += [connection.ops.adapt_datetimefield_value(m) for m in self.window]
        if self.scope:
            where.append(f"p.id IN ({self.scope})")
            values += self.scope_params
        sql = (
            f"SELECT p.id FROM {table} p WHERE {' AND '.join(where)} AND {member} "  # noqa: S608
            "ORDER BY p.published_at DESC, p.id DESC LIMIT %s OFFSET %s"
        )
        return [row[0] for row in self.run(sql, [*values, *params, limit, offset], walk=True)]


class _Fts5Plan(_Plan):
    """FTS5: one MATCH expression per tier, on the table of pairs or (one character) of
    distinct characters, ranked by bm25."""

    id_column = "rowid"

    def __init__(
        self,
        scope: str,
        scope_params: Sequence[Any],
        *,
        table: str,
        expressions: dict[str, str],
        weights: str,
    ) -> None:
        super().__init__(scope, scope_params)
        self.table, self.expressions, self.weights = table, expressions, weights

    def statement(
        self, tier: str, *, scored: bool = False, among: Sequence[int] = ()
    ) -> tuple[str, list[Any]]:
        # Only constants and the ORM's own SQL are formatted in; every value is a parameter.
        columns = f"rowid, bm25({self.table}, {self.weights})" if scored else "rowid"
        sql = f"SELECT {columns} FROM {self.table} WHERE {self.table} MATCH %s"  # noqa: S608
        params: list[Any] = [self.expressions[tier]]
        if self.scope:
            sql += f" AND rowid IN ({self.scope})"
            params.extend(self.scope_params)
        if among:
            sql += f" AND rowid IN ({', '.join(['%s'] * len(among))})"
            params.extend(among)
        return sql, params

    def contains(self, tier: str, outer: str) -> tuple[str, list[Any]]:
        # FTS5 takes rowid = … with the MATCH and seeks each term's postings to that row.
        return (
            f"EXISTS (SELECT 1 FROM {self.table} WHERE {self.table} MATCH %s "  # noqa: S608
            f"AND rowid = {outer})",
            [self.expressions[tier]],
        )


class _PostgresPlan(_Plan):
    """PostgreSQL: the tsquery on the GIN indexes of whole items, and for the few items cut into
    parts, each group in any of an item's parts (GROUP BY), the two as branches of one
    statement. A query of one character alone reads ``chars``, as FTS5 reads its table of
    characters. Relevance is ts_rank (title and 文号 weigh more), negated so that lower is
    better, as with bm25."""

    def __init__(
        self,
        scope: str,
        scope_params: Sequence[Any],
        *,
        groups: list[list[str]],
        filters: Filters | None,
    ) -> None:
        super().__init__(scope, scope_params)
        tags = _tag_clauses(filters)
        # The groups alone (relevance), with the filters (whole items), and for parts: each
        # group (a phrase longer than OVERLAP cut to fit a part) and any group with the filters.
        self.text = _tsquery(groups, None)
        self.every = _tsquery(groups, filters)
        self.groups = [p for g in groups for p in _ts_group(g, OVERLAP)]
        self.column = "doc"
        if len(groups) == 1 and len(groups[0]) == 1 and _is_cjk(groups[0][0]):
            self.column = "chars"
            self.groups = [_quote(groups[0][0])]
            self.every = " & ".join([*tags, *self.groups])
        self.anything = " & ".join([*tags, "(" + " | ".join(self.groups) + ")"])

    def _narrowed(self, among: Sequence[int]) -> tuple[str, list[Any]]:
        sql, params = "", list[Any]()
        if self.scope:
            sql += f" AND id IN ({self.scope})"
            params.extend(self.scope_params)
        if among:
            sql += " AND id = ANY(%s)"
            params.append(list(among))
        return sql, params

    def statement(
        self, tier: str, *, scored: bool = False, among: Sequence[int] = ()
    ) -> tuple[str, list[Any]]:
        """The statement over whole items (all but the few cut into parts)."""
        column = self.column
        match = {
            "every": f"{column} @@ %s::tsquery",
            "in_title": "title @@ %s::tsquery",
            "elsewhere": f"{column} @@ %s::tsquery AND NOT title @@ %s::tsquery",
        }[tier]
        score = f", -ts_rank('{PG_WEIGHTS}', doc, %s::tsquery, 1)" if scored else ""
        narrower, extra = self._narrowed(among)
        params = [*([self.text] if scored else []), *[self.every] * match.count("%s"), *extra]
        # Only constants are formatted in; every value, the tsqueries included, is a parameter.
        return f"SELECT id{score} FROM {TABLE} WHERE whole AND {match}{narrower}", params  # noqa: S608

    def parts_statement(
        self, tier: str, *, scored: bool = False, among: Sequence[int] = ()
    ) -> tuple[str, list[Any]]:
        """The statement over items cut into parts: each group in one of the parts."""
        column = self.column
        in_doc = " AND ".join([f"bool_or({column} @@ %s::tsquery)"] * len(self.groups))
        in_title = " AND ".join(["bool_or(title @@ %s::tsquery)"] * len(self.groups))
        having = {"every": in_doc, "in_title": in_title,
                  "elsewhere": f"{in_doc} AND NOT ({in_title})"}[tier]  # fmt: skip
        score = f", -max(ts_rank('{PG_WEIGHTS}', doc, %s::tsquery, 1))" if scored else ""
        narrower, extra = self._narrowed(among)
        params = [*([self.text] if scored else []), self.anything, self.anything, *extra]
        params += self.groups * (2 if tier == "elsewhere" else 1)
        return (
            f"SELECT id{score} FROM {TABLE} WHERE NOT whole "  # noqa: S608
            f"AND ({column} @@ %s::tsquery OR title @@ %s::tsquery){narrower} "
            f"GROUP BY id HAVING {having}",
            params,
        )

    def select(
        self,
        tier: str,
        *,
        scored: bool = False,
        newest: bool = False,
        among: Sequence[int] = (),
        limit: int | None = None,
    ) -> list[tuple[Any, ...]]:
        branches, params = [], []
        for statement in (self.statement, self.parts_statement):
            sql, values = statement(tier, scored=scored, among=among)
            if newest:
                sql += " ORDER BY id DESC"
            if limit is not None:
                sql += " LIMIT %s"
                values.append(limit)
            branches.append(f"({sql})")
            params += values
        sql = " UNION ALL ".join(branches)
        if newest:
            sql = f"SELECT * FROM ({sql}) AS hits ORDER BY id DESC"  # noqa: S608
        if limit is not None:
            sql = f"SELECT * FROM ({sql}) AS hits LIMIT %s"  # noqa: S608
            params.append(limit)
        # Newest first among very many hits: walk the ids backwards testing each row (a few
        # dozen reads) rather than collect every hit to sort them.
        return _fetch(sql, params, WALK if newest and tier in self.crowded else GIN_ONLY)

    def title_count_limit(self) -> int:
        # Far enough to know whether the hits in titles are crowded (see search()).
        return max(RANK_LIMIT, COUNT_LIMIT) + 1

    def hits(self, tier: str) -> tuple[str, list[Any]]:
        whole, params = self.statement(tier)
        parts, more = self.parts_statement(tier)
        return f"({whole}) UNION ALL ({parts})", [*params, *more]

    def contains(self, tier: str, outer: str) -> tuple[str, list[Any]]:
        # A whole item is its one row, read by primary key; the few items in parts are
        # collected once (a hashed subplan) as the parts statement does.
        column = self.column
        match = {
            "every": f"s.{column} @@ %s::tsquery",
            "in_title": "s.title @@ %s::tsquery",
            "elsewhere": f"s.{column} @@ %s::tsquery AND NOT s.title @@ %s::tsquery",
        }[tier]
        parts, more = self.parts_statement(tier)
        return (
            f"(EXISTS (SELECT 1 FROM {TABLE} s WHERE s.id = {outer} AND s.whole "  # noqa: S608
            f"AND {match}) OR {outer} IN (SELECT id FROM ({parts}) AS parts))",
            [*[self.every] * match.count("%s"), *more],
        )

    def run(self, sql: str, params: Sequence[Any], *, walk: bool) -> list[tuple[Any, ...]]:
        return _fetch(sql, params, WALK if walk else GIN_ONLY)

    def count(self, tier: str, limit: int) -> int:
        whole, params = self.statement(tier)
        parts, more = self.parts_statement(tier)
        sql = (
            f"SELECT (SELECT count(*) FROM ({whole} LIMIT %s) AS w) "  # noqa: S608
            f"+ (SELECT count(*) FROM ({parts} LIMIT %s) AS p)"
        )
        return min(int(_fetch(sql, [*params, limit, *more, limit], GIN_ONLY)[0][0]), limit)


# ------------------------------------------------------------------------------ the public API


def index(publications: Iterable[Publication]) -> None:
    """Add published items to the index (others are removed). The FTS5 tables are contentless
    (they keep no copy of the text), so an item already indexed is taken out with its values as
    they are now: change a published item's text only after removing it."""
    items = list(publications)
    if not items:
        return
    if not _is_sqlite():
        _pg_index(items)
        return
    present = _indexed([p.pk for p in items])
    _delete(p for p in items if p.pk in present)
    _insert(p for p in items if p.status == PublicationStatus.PUBLISHED)


def remove(publication_ids: Sequence[int]) -> None:
    """Take items out of the index (withdrawn, or replaced by a corrected version)."""
    if not publication_ids:
        return
    if not _is_sqlite():
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE} WHERE id = ANY(%s)", [list(publication_ids)])  # noqa: S608
        return
    present = _indexed(list(publication_ids))
    if present:
        _delete(Publication.objects.filter(pk__in=present).only(*_FIELDS))


def clear() -> None:
    """Empty the index (the only safe way to drop entries whose indexed values are unknown)."""
    if not _is_sqlite():
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE}")  # noqa: S608
        return
    _fts_clear()


def rebuild(batch: int = 2000) -> int:
    """Rebuild the whole index from the published items; returns how many were indexed."""
    return _fts_rebuild(batch) if _is_sqlite() else _pg_rebuild(batch)


def _narrower_scope(scope: QuerySet[Publication]) -> tuple[str, tuple[Any, ...]]:
    """The caller's scope as SQL selecting ids, or "" when it is every published item (the
    index holds nothing else, so it need not be read)."""
    mine = scope.order_by().values("pk").query.sql_with_params()
    # Every published item, however the caller wrote it (the status filter may appear twice).
    published = PublicationStatus.PUBLISHED
    bases = {
        q.filter(status=published).order_by().values("pk").query.sql_with_params()
        for q in (Publication.objects.all(), Publication.objects.published())
    }
    if mine in bases:
        return "", ()
    sql, params = mine
    return sql, tuple(params)


def _published_days() -> tuple[dt.date, dt.date] | None:
    """The first and last days anything published was published (two reads of the index of
    publication dates), or None when nothing is published."""
    dated = Publication.objects.published().filter(published_at__isnull=False)
    first = dated.order_by("published_at").values_list("published_at", flat=True).first()
    last = dated.order_by("-published_at").values_list("published_at", flat=True).first()
    if first is None or last is None:
        return None
    return clock.localdate(first), clock.localdate(last)


def _closed(filters: Filters | None) -> Filters | None:
    """The filters with their date range closed: an open end (or one beyond what was ever
    published) becomes the first or last day of publication, so the range is a finite set of
    tags; a range covering every day is dropped (it filters nothing)."""
    if filters is None or not filters.dated:
        return filters
    days = _published_days()
    if days is None:
        return replace(filters, published_from=None, published_to=None)
    first, last = days
    start = max(filters.published_from or first, first)
    end = min(filters.published_to or last, last)
    if start == first and end == last:
        return replace(filters, published_from=None, published_to=None)
    return replace(filters, published_from=start, published_to=end)


def _window(filters: Filters | None) -> tuple[dt.datetime, dt.datetime] | None:
    """The filters' closed date range as moments: the start of its first day to the start of
    the day after its last, in the county's time zone."""
    if filters is None or filters.published_from is None or filters.published_to is None:
        return None
    start = dt.datetime.combine(filters.published_from, dt.time.min)
    end = dt.datetime.combine(filters.published_to + dt.timedelta(days=1), dt.time.min)
    return timezone.make_aware(start), timezone.make_aware(end)


def _plan(query: str, scope: QuerySet[Publication], filters: Filters | None) -> _Plan | None:
    groups = _query_groups(query)
    if not groups:
        return None
    filters = _closed(filters)
    plan = _backend_plan(groups, scope, filters)
    plan.window = _window(filters)
    if filters is not None and plan.window is not None:
        undated = replace(filters, published_from=None, published_to=None)
        plan.undated = _backend_plan(groups, scope, undated)
    return plan


def _backend_plan(
    groups: list[list[str]], scope: QuerySet[Publication], filters: Filters | None
) -> _Plan:
    sql, params = _narrower_scope(scope)
    if not _is_sqlite():
        return _PostgresPlan(sql, params, groups=groups, filters=filters)
    tags = filters.expression() if filters else ""
    if len(groups) == 1 and len(groups[0]) == 1 and _is_cjk(groups[0][0]):
        # One character: the table of distinct characters, without positions (small and fast).
        table, weights = CHARS_TABLE, ", ".join(map(str, CHARS_WEIGHTS))
        term = f'"{groups[0][0]}"'
        every, title, other = f"{{title other}} : {term}", f"title : {term}", f"other : {term}"
        elsewhere = f"({other}) NOT ({title})"
    else:
        table, weights = TABLE, ", ".join(map(str, WEIGHTS))
        parts = [_group_expression(g) for g in groups]
        every = " AND ".join(f"{{title doc_number body}} : {p}" for p in parts)
        title = " AND ".join(f"title : {p}" for p in parts)
        elsewhere = f"({every}) NOT ({title})"
    with_tags = (lambda e: f"({e}) AND {tags}") if tags else (lambda e: e)
    expressions = {"every": every, "in_title": title, "elsewhere": elsewhere}
    return _Fts5Plan(
        sql,
        params,
        table=table,
        expressions={tier: with_tags(e) for tier, e in expressions.items()},
        weights=weights,
    )


def _title_key(text: str) -> list[str]:
    return [run.lower() for run in runs(_CJK_SPACE.sub("", text))]


def _ranked(plan: _Plan, tier: str, query: str, limit: int) -> list[int]:
    """Hits ranked in full: 文号 typed exactly, whole title typed, title containing the query,
    relevance (bm25 or ts_rank: title and 文号 above the body), newest."""
    scored = dict(plan.select(tier, scored=True, limit=limit))
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


def _newest(plan: _Plan, tier: str, limit: int) -> list[int]:
    return [row[0] for row in plan.select(tier, newest=True, limit=limit)]


def search(
    query: str,
    scope: QuerySet[Publication],
    *,
    offset: int = 0,
    limit: int = 20,
    filters: Filters | None = None,
    sort: str = RELEVANCE,
) -> Page:
    """Published items of ``scope`` (narrowed by ``filters``) matching ``query``, best first,
    or with ``sort=NEWEST`` newest published first (see _Plan.by_date).

    An item whose 文号 is exactly what was typed comes first, then an item whose whole title was
    typed, then items whose title contains the whole query, then relevance (FTS5's bm25 or
    PostgreSQL's ts_rank: title and 文号 weigh more than the body), then the newest. Without the
    title rule bm25 put "关于印发X的通知" before X itself whenever X had the longer body, which is
    the usual case. When a query has more than RANK_LIMIT hits (村, 工作 at a province's size)
    ranking them all would read every hit: then the hits in titles come first (ranked when few
    enough) and the others newest-added first, each read only as far as the page asked for. The
    count stops at COUNT_LIMIT. Pass the filters as ``filters`` (with the unfiltered public
    scope): they then run inside the full-text query; any other narrowing of ``scope`` works
    too, more slowly.
    """
    scope = scope.filter(status=PublicationStatus.PUBLISHED)
    if scope.query.is_empty():
        # A filter that matched nothing (an unknown column: ``.none()``) cannot even be written
        # as SQL (EmptyResultSet); the answer is simply no hits.
        return Page(items=[], total=0)
    plan = _plan(query, scope, filters)
    if plan is None:
        return Page(items=[], total=0)
    total = plan.count("every", COUNT_LIMIT + 1)
    if total > COUNT_LIMIT:
        plan.crowded.update(("every", "elsewhere"))
    need = offset + limit
    if sort == NEWEST:
        walk = total > COUNT_LIMIT or _walk_is_cheaper(plan.window, total, need)
        ids = plan.by_date(offset=offset, limit=limit, walk=walk)
    elif total <= RANK_LIMIT:
        ids = _ranked(plan, "every", query, RANK_LIMIT + 1)[offset:need]
    else:
        ordered = _document_number_hits(plan, query)
        first = len(ordered)
        seen = set(ordered)
        in_title = plan.count("in_title", plan.title_count_limit())
        if in_title > COUNT_LIMIT:
            plan.crowded.add("in_title")
        tiers: list[Any] = [
            (lambda n: _ranked(plan, "in_title", query, n))
            if in_title <= RANK_LIMIT
            else (lambda n: _newest(plan, "in_title", n)),
            lambda n: _newest(plan, "elsewhere", n),
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


def _published_within(window: tuple[dt.datetime, dt.datetime] | None) -> float:
    """About how many items are published within ``window`` (all when None): the maintained
    yearly counts, each year's share by the days of it the window covers."""
    counts = PublishedCount.objects.filter(dimension="year").values_list("key", "count")
    if window is None:
        return float(sum(n for _key, n in counts))
    first = clock.localdate(window[0])
    last = clock.localdate(window[1]) - dt.timedelta(days=1)
    within = 0.0
    for key, n in counts:
        if not key.isdigit() or int(key) < 1:
            continue
        start, end = dt.date(int(key), 1, 1), dt.date(int(key), 12, 31)
        days = (min(end, last) - max(start, first)).days + 1
        within += n * max(days, 0) / ((end - start).days + 1)
    return within


def _walk_is_cheaper(window: tuple[dt.datetime, dt.datetime] | None, total: int, need: int) -> bool:
    """Whether walking the dates (about need × items / hits rows tested, WALK_COST each) costs
    less than collecting every hit (``total`` rows read): for a page near the front of many
    hits among few items. Without counts to go by, collect."""
    items = _published_within(window)
    return items > 0 and need * items * WALK_COST < total * total


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
    hits = {row[0] for row in plan.select("every", among=ids)}
    return [pk for pk in ids if pk in hits]


def matching_ids(query: str, filters: Filters | None = None) -> list[int]:
    """Every published item matching ``query``, unordered (for checks and benchmarks: the exact
    result set the search pages through)."""
    plan = _plan(query, Publication.objects.published(), filters)
    if plan is None:
        return []
    return [row[0] for row in plan.select("every")]


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
