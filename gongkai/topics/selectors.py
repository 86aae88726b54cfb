"""Reads of topic pages: the topics, their rules and the published items a rule collects.

A rule is read in one statement (a UNION of its four link tables) and becomes one condition on
the publications table: ``id IN`` a UNION ALL of the ids each criterion finds on an index of its
own (the unit, column, top-level column and domain indexes, the audience tags' (tag,
publication) index, the title column of the full-text index); see Rule.condition.
Only published items match (publications.selectors.public_publications), newest first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import F, IntegerField, Model, Q, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.utils import timezone

from gongkai.publications import search
from gongkai.publications import selectors as publications
from gongkai.publications.models import Publication, PublicationStatus
from gongkai.push.models import PublicationTag
from gongkai.topics.models import MAX_KEYWORDS, Topic, TopicPin, TopicSection

# The kinds of a rule's links, as the UNION of rule_of tags them.
_KINDS = ("tags", "domains", "columns", "units")
# A topic page shows this many pinned items at most, and each section's newest this many.
MAX_PINNED = 10
SECTION_SIZE = 6
# match_expression's columns for every field; a keyword is looked for in titles only.
_EVERY_COLUMN = "{title doc_number body} :"


@dataclass(frozen=True)
class Rule:
    """What a topic or section collects: items matching ANY of these (published only)."""

    tag_ids: tuple[int, ...] = ()
    domain_ids: tuple[int, ...] = ()
    column_ids: tuple[int, ...] = ()
    unit_ids: tuple[int, ...] = ()
    keywords: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        """A rule that names nothing collects nothing (not the whole site)."""
        return not (
            self.tag_ids or self.domain_ids or self.column_ids or self.unit_ids or self.keywords
        )

    def condition(self, *, walk: bool = False) -> Q:
        """The rule as one condition on publications: ``id IN`` the UNION ALL of one branch a
        criterion, each read from an index alone — (unit | column | top_column | domain,
        status, published_at), the tags' (tag, publication), the full-text index's titles.
        The database builds the list of ids once per statement and then only probes it, so a
        page walks the newest-first index testing ids (no row is read to test it) and a count
        or a search's scope costs the topic's size, not the table's. Written as OR'd conditions
        instead, every test read the row, and a search within a topic of 29,000 items among
        200,000 took 1.6 s (bench/topics.py). An empty rule: a condition nothing meets. A
        column collects its sub-columns too (a top-level column is every item's top_column).

        ``walk`` (for a queryset with the alias ``walked_id``, see collected): test the id
        through an expression the planner cannot look the list up by, so it walks the
        newest-first index and probes the list, rather than reading every listed row and sorting
        them, which is slower once a topic holds thousands of items."""
        field = "walked_id__in" if walk else "pk__in"
        if self.empty:
            return Q(pk__in=[])
        published = Publication.objects.filter(status=PublicationStatus.PUBLISHED).order_by()
        branches: list[QuerySet[Any]] = []
        if self.unit_ids:
            branches.append(published.filter(unit_id__in=self.unit_ids).values("pk"))
        if self.column_ids:
            branches.append(published.filter(column_id__in=self.column_ids).values("pk"))
            branches.append(published.filter(top_column_id__in=self.column_ids).values("pk"))
        if self.domain_ids:
            branches.append(published.filter(domain_id__in=self.domain_ids).values("pk"))
        if self.tag_ids:
            tagged = PublicationTag.objects.filter(tag_id__in=self.tag_ids).order_by()
            branches.append(tagged.values("publication_id"))
        parts = [qs.query.sql_with_params() for qs in branches]
        if self.keywords:
            found = title_match(self.keywords)
            if found is not None:
                parts.append(found)
        if not parts:
            return Q(pk__in=[])
        sql = " UNION ALL ".join(part for part, _params in parts)
        params = [value for _part, values in parts for value in values]
        # Only the ORM's own SQL and constants are joined here; every value is a parameter.
        return Q(**{field: RawSQL(sql, params)})  # noqa: S611


def title_match(keywords: Iterable[str]) -> tuple[str, tuple[Any, ...]] | None:
    """The ids of the published items whose title holds any of the keywords, as SQL, read from
    the site's full-text index (the title column of gongkai.publications.search: FTS5 on SQLite,
    a GIN-indexed tsvector on PostgreSQL) rather than by a LIKE over every title, which reads the
    whole table. A keyword matches as the site's search matches it in titles: Chinese anywhere,
    a word or number as a whole (58号 is not found in 158号). The index holds published items
    only. None when no keyword has anything searchable."""
    if connection.vendor == "sqlite":
        expressions = [search.match_expression(word) for word in keywords]
        wanted = [f"({e.replace(_EVERY_COLUMN, 'title :')})" for e in expressions if e]
        sql = f"SELECT rowid FROM {search.TABLE} WHERE {search.TABLE} MATCH %s"  # noqa: S608
        joined = " OR ".join(wanted)
    else:
        queries = [search.tsquery(word) for word in keywords]
        wanted = [f"({q})" for q in queries if q]
        joined = " | ".join(wanted)
        if wanted:
            return _pg_match("title", joined)
    if not wanted:
        return None
    return sql, (joined,)


def _pg_match(column: str, tsquery: str) -> tuple[str, tuple[Any, ...]]:
    """The ids of the rows of PostgreSQL's search table whose ``column`` matches, on its GIN
    indexes: they are partial (whole items; items cut into parts), so each is asked apart.
    A phrase of an item in parts is found within one part (they overlap, search.OVERLAP)."""
    table = search.TABLE
    sql = (
        f"SELECT id FROM {table} WHERE whole AND {column} @@ %s::tsquery "  # noqa: S608
        f"UNION ALL SELECT id FROM {table} WHERE NOT whole AND {column} @@ %s::tsquery"
    )
    return sql, (tsquery, tsquery)


def keywords_of(text: str) -> tuple[str, ...]:
    """Keywords typed one a line (blank lines dropped, at most MAX_KEYWORDS)."""
    words = (line.strip() for line in text.splitlines())
    return tuple(word for word in words if word)[:MAX_KEYWORDS]


def _links(model: type[Model], owner: str, owner_ids: Iterable[int]) -> QuerySet[Any]:
    """The (owner, kind, id) rows of the link tables of ``model``'s rules, as one UNION."""
    ids = list(owner_ids)
    parts = []
    for number, name in enumerate(_KINDS):
        through = model._meta.get_field(name).remote_field.through  # type: ignore[union-attr]
        target = model._meta.get_field(name).m2m_reverse_name()  # type: ignore[union-attr]
        parts.append(
            through.objects.filter(**{f"{owner}__in": ids})
            .annotate(kind=Value(number, output_field=IntegerField()))
            .values_list(f"{owner}", "kind", target)
            .order_by()
        )
    first, *rest = parts
    union: QuerySet[Any] = first.union(*rest, all=True)
    return union


def rules_of(model: type[Topic] | type[TopicSection], owners: list[Any]) -> dict[int, Rule]:
    """The rules of these topics or sections, by id, in one statement."""
    if not owners:
        return {}
    owner = "topic_id" if model is Topic else "topicsection_id"
    found: dict[int, dict[str, list[int]]] = {o.pk: {k: [] for k in _KINDS} for o in owners}
    for owner_id, kind, target in _links(model, owner, [o.pk for o in owners]):
        found[owner_id][_KINDS[kind]].append(target)
    return {
        o.pk: Rule(
            tag_ids=tuple(sorted(found[o.pk]["tags"])),
            domain_ids=tuple(sorted(found[o.pk]["domains"])),
            column_ids=tuple(sorted(found[o.pk]["columns"])),
            unit_ids=tuple(sorted(found[o.pk]["units"])),
            keywords=keywords_of(o.keywords),
        )
        for o in owners
    }


def rule_of(owner: Topic | TopicSection) -> Rule:
    """One topic's or section's rule (one statement)."""
    return rules_of(type(owner), [owner])[owner.pk]


def collected(rule: Rule, *, walk: bool = False) -> QuerySet[Publication]:
    """The published items a rule collects, newest first (none for an empty rule). ``walk``
    for a page of a large topic: read newest first on the index (Rule.condition)."""
    items = publications.public_publications()
    # On PostgreSQL the walk becomes a nested loop over the listed ids for every row walked
    # (0.45 s at 29,000 ids); its planner's hash join of the list is the better plan there.
    walk = walk and connection.vendor == "sqlite"
    if walk:
        items = items.alias(walked_id=F("pk") + 0)
    return items.filter(rule.condition(walk=walk))


# A topic of more than this many items is read newest first on the index, testing each id
# (collected(walk=True)); a smaller one by its list of ids, sorted.
WALK_FROM = 2_000


# Up to this many items (counted, not more), 检索 within a topic on SQLite gives the site's search
# the topic as its scope, and FTS5 looks each of the topic's items up in the index; past it (and
# always on PostgreSQL) the match runs first and its hits are kept when they are the topic's:
# looking 29,000 items up one by one took 0.35-0.7 s a statement at 200,000 items on SQLite, and
# a topic as the scope of PostgreSQL's search 2-85 s (bench/topics.py).
PROBE_LIMIT = 2_000


def within_dates(
    items: QuerySet[Publication], start: dt.date | None, end: dt.date | None
) -> QuerySet[Publication]:
    """The items published from ``start`` to ``end`` (both days included, in the county's time
    zone; either may be open), as a range of moments so the date indexes serve it."""
    if start is not None:
        items = items.filter(published_at__gte=_midnight(start))
    if end is not None:
        items = items.filter(published_at__lt=_midnight(end + dt.timedelta(days=1)))
    return items


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _match_sql(query: str) -> tuple[str, tuple[Any, ...]] | None:
    """The ids of the published items matching ``query`` in title, 文号 or body, as SQL on the
    site's full-text index (FTS5's MATCH; PostgreSQL's tsvector of the same tokens)."""
    if connection.vendor == "sqlite":
        expression = search.match_expression(query)
        if expression is None:
            return None
        table = search.TABLE
        return f"SELECT rowid FROM {table} WHERE {table} MATCH %s", (expression,)  # noqa: S608
    tsquery = search.tsquery(query)
    return None if tsquery is None else _pg_match("doc", tsquery)


def topic_search(
    query: str,
    rule: Rule,
    *,
    offset: int,
    limit: int,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> search.Page:
    """检索 within a topic: the topic's items matching ``query`` (as the site's search matches:
    title, 文号 and body), published from ``start`` to ``end``, newest first; the count stops
    at search.COUNT_LIMIT. A small topic on SQLite is the scope of search.search; otherwise the
    match's hits are kept when they are the topic's (PROBE_LIMIT)."""
    items = collected(rule)
    if items.query.is_empty():
        return search.Page(items=[], total=0)
    sqlite = connection.vendor == "sqlite"
    if sqlite and items.order_by()[: PROBE_LIMIT + 1].count() <= PROBE_LIMIT:
        filters = search.Filters(published_from=start, published_to=end)
        return search.search(
            query, items, offset=offset, limit=limit, filters=filters, sort=search.NEWEST
        )
    found_sql = _match_sql(query)
    if found_sql is None:
        return search.Page(items=[], total=0)
    hits = RawSQL(*found_sql)  # noqa: S611 - built by _match_sql from constants; values are parameters
    found = within_dates(items.filter(pk__in=hits), start, end)
    counted = found.order_by()[: search.COUNT_LIMIT + 1].count()
    page: list[Publication] = []
    if counted and limit:
        # The page's ids newest first on the index, both lists probed; then their rows.
        walked = within_dates(collected(rule, walk=True), start, end)
        if connection.vendor == "sqlite":
            walked = walked.alias(hit_id=F("pk") + 0).filter(hit_id__in=hits)
        else:
            walked = walked.filter(pk__in=hits)
        ids = list(walked.values_list("pk", flat=True)[offset : offset + limit])
        rows = publications.public_publications().in_bulk(ids)
        page = [rows[pk] for pk in ids if pk in rows]
    return search.Page(
        items=page,
        total=min(counted, search.COUNT_LIMIT),
        capped=counted > search.COUNT_LIMIT,
    )


def public_topics() -> QuerySet[Topic]:
    """Topics shown on the site, in the office's order."""
    return Topic.objects.filter(is_active=True).order_by("sort_order", "pk")


def public_topic(slug: str) -> Topic:
    """An active topic; raises Topic.DoesNotExist otherwise (a 404)."""
    return public_topics().get(slug=slug)


def topic_pinned(topic: Topic) -> list[Publication]:
    """The topic's pinned items that are published, in the office's order. A pinned item need
    not match the rule (the office pins what it wants people to read first)."""
    pins = (
        TopicPin.objects.filter(topic=topic, publication__status=PublicationStatus.PUBLISHED)
        .select_related("publication", "publication__unit", "publication__column")
        .order_by("position", "pk")[:MAX_PINNED]
    )
    return [pin.publication for pin in pins]


@dataclass
class SectionView:
    """A section of a topic page with its newest items."""

    section: TopicSection
    items: list[Publication] = field(default_factory=list)


def topic_sections(topic: Topic, rule: Rule, *, walk: bool = False) -> list[SectionView]:
    """The topic's sections, each with its newest SECTION_SIZE items among the topic's: one
    statement for the sections, one for their rules, one per section for its items (``walk``
    for a large topic, see collected)."""
    walk = walk and connection.vendor == "sqlite"  # as collected() decides
    sections = list(TopicSection.objects.filter(topic=topic).order_by("sort_order", "pk"))
    rules = rules_of(TopicSection, sections)
    views = []
    for section in sections:
        items = collected(rule, walk=walk).filter(rules[section.pk].condition(walk=walk))
        views.append(SectionView(section=section, items=list(items[:SECTION_SIZE])))
    return views


def topic_counts(topics: list[Topic], limit: int) -> dict[int, int]:
    """How many items each topic collects, counted up to ``limit`` (the staff list)."""
    rules = rules_of(Topic, topics)
    return {
        topic.pk: collected(rules[topic.pk]).order_by()[:limit].count()
        for topic in topics
        if not rules[topic.pk].empty
    }


def staff_topics() -> QuerySet[Topic]:
    """Every topic, shown or not, for the office."""
    return Topic.objects.order_by("sort_order", "pk")


def pins_of(topic: Topic) -> list[Publication]:
    """A topic's pinned items (any status), in order, for the edit form."""
    return [
        pin.publication
        for pin in TopicPin.objects.filter(topic=topic)
        .select_related("publication")
        .order_by("position", "pk")
    ]


def publications_by_reference(references: Iterable[str]) -> dict[str, Publication]:
    """Published items named by 索引号 or by number, keyed by what was typed."""
    refs = [r for r in references if r]
    numbers = [int(r) for r in refs if r.isascii() and r.isdigit()]
    found = Publication.objects.filter(status=PublicationStatus.PUBLISHED).filter(
        Q(index_no__in=refs) | Q(pk__in=numbers)
    )
    by_index = {p.index_no: p for p in found if p.index_no}
    by_pk = {str(p.pk): p for p in found}
    return {r: by_index.get(r) or by_pk[r] for r in refs if r in by_index or r in by_pk}
