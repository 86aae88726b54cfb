"""Reads of government information that depend on who is asking.

Staff reads go through ``publications_visible_to`` (the unit boundary of
gongkai.orgs.permissions); public reads only ever see published (or withdrawn) items.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce

from gongkai.catalog.models import CatalogItem, Domain
from gongkai.core import clock
from gongkai.orgs import permissions
from gongkai.orgs.models import (
    Unit,
    UnitKind,
    User,
)
from gongkai.orgs.selectors import units_visible_to
from gongkai.orgs.tree_order import UNIT_LEVELS, level_of, tree_order
from gongkai.publications import search
from gongkai.publications.models import (
    Attachment,
    CheckWord,
    Column,
    DocKind,
    FiveClass,
    Publication,
    PublicationStatus,
    PublicationVersion,
    PublishedCount,
    Validity,
)
from gongkai.publications.services import CONTENT_ACTIONS


def publications_visible_to(user: Any) -> QuerySet[Publication]:
    """Every item (drafts included) of the units whose work the user may read."""
    ids = permissions.visible_unit_ids(user)
    items = Publication.objects.select_related("unit", "unit__parent", "topic", "column", "domain")
    return items if ids is None else items.filter(unit_id__in=ids)


def awaiting_review_by(user: Any) -> QuerySet[Publication]:
    """Submitted items the user may approve, oldest first: not those the user wrote, which
    another reviewer signs off (separation of duties, services.writer_ids)."""
    submitted = publications_visible_to(user).filter(status=PublicationStatus.SUBMITTED)
    allowed = [p.pk for p in submitted if permissions.can_approve_publication_of(user, p.unit)]
    found = not_written_by(submitted.filter(pk__in=allowed), user)
    return found.order_by("submitted_at", "pk")


def not_written_by(items: QuerySet[Publication], user: Any) -> QuerySet[Publication]:
    """``items`` less those the user created or changed the content of: the ones another
    reviewer signs off (separation of duties; the review page and the 工作台 count agree)."""
    if getattr(user, "pk", None) is None:
        return items
    wrote = PublicationVersion.objects.filter(actor=user, action__in=CONTENT_ACTIONS).values(
        "publication_id"
    )
    return items.exclude(created_by=user).exclude(pk__in=wrote)


def retained_due_for_review(user: Any) -> QuerySet[Publication]:
    """Retained (not proactively published) items whose periodic review has come round, among
    those the user may review."""
    due = publications_visible_to(user).filter(
        status=PublicationStatus.RETAINED, review_due__lte=clock.today()
    )
    allowed = [p.pk for p in due if permissions.can_approve_publication_of(user, p.unit)]
    return due.filter(pk__in=allowed).order_by("review_due", "pk")


def check_words() -> QuerySet[CheckWord]:
    """The office's dictionary entries (public knowledge inside the government: no unit scope)."""
    return CheckWord.objects.order_by("kind", "word")


def public_publications() -> QuerySet[Publication]:
    """Published items, newest first: what the portal lists and searches."""
    return (
        Publication.objects.published()
        .select_related("unit", "topic", "column", "domain")
        .order_by("-published_at", "-pk")
    )


def public_publication(pk: int) -> Publication:
    """One item with a public page (published, or withdrawn and saying so); raises
    Publication.DoesNotExist otherwise. Attachments and catalog items are not prefetched: the
    detail page answers a revalidation (304) from this one query, and reads them only when it
    renders (the same two queries, without prefetch_related's overhead). The detail page itself
    reads it through public_page_query, which adds what it shows of other items."""
    return (
        Publication.objects.on_portal()
        .select_related("unit", "topic", "column__parent", "domain")
        .get(pk=pk)
    )


@dataclass(frozen=True)
class Neighbours:
    """The published items just before (上一篇, published earlier) and just after (下一篇,
    published later) an item in its column; None at either end."""

    previous: Publication | None
    next: Publication | None


def _neighbour_seek(
    *, column: Any, published_at: Any, pk: Any, later: bool
) -> QuerySet[Publication]:
    """The published items of ``column`` before (or, ``later``, after) the moment and id given,
    nearest first: with LIMIT 1 a seek on the (column, status, published_at) index, however many
    items the column holds. The values may be OuterRefs (the ETag's markers) or plain values
    (public_neighbours), so both find the same rows. The id breaks ties between items published
    in the same second (bulk imports)."""
    if later:
        beyond = Q(published_at__gt=published_at) | Q(published_at=published_at, pk__gt=pk)
        bound = Q(published_at__gte=published_at)
        order = ("published_at", "pk")
    else:
        beyond = Q(published_at__lt=published_at) | Q(published_at=published_at, pk__lt=pk)
        bound = Q(published_at__lte=published_at)
        order = ("-published_at", "-pk")
    return (
        Publication.objects.filter(column_id=column, status=PublicationStatus.PUBLISHED)
        .filter(bound)
        .filter(beyond)
        .order_by(*order)
    )


def public_neighbours(item: Publication) -> Neighbours:
    """上一篇/下一篇 of an item's page: the published items of its column published just before
    and just after it (two LIMIT 1 seeks; only id, title and date are read). A withdrawn item
    keeps its place by its publication date; an item never published has none."""
    if item.published_at is None:
        return Neighbours(previous=None, next=None)
    found = [
        _neighbour_seek(
            column=item.column_id, published_at=item.published_at, pk=item.pk, later=later
        )
        .only("pk", "title", "published_at")
        .first()
        for later in (False, True)
    ]
    return Neighbours(previous=found[0], next=found[1])


def public_page_markers() -> dict[str, Any]:
    """Annotations for public_publication: what an item's page shows of other items, so that its
    ETag changes when they do — the ids of its neighbours (上一篇/下一篇: a newly published or a
    withdrawn item of the column moves them; a published item's title never changes), the last
    change of any of its interpretations (a new one, a withdrawal or a publication is a save;
    publication_link_interpretation never moves a published one to another policy), and the
    status, title and last change of the policy an interpretation explains. Each is an index
    seek or a join on a primary key; kept plain (no Concat or Cast), as compiling them is most of
    what a revalidation costs."""
    at, pk, column = OuterRef("published_at"), OuterRef("pk"), OuterRef("column_id")
    return {
        "previous_marker": Subquery(
            _neighbour_seek(column=column, published_at=at, pk=pk, later=False).values("pk")[:1]
        ),
        "next_marker": Subquery(
            _neighbour_seek(column=column, published_at=at, pk=pk, later=True).values("pk")[:1]
        ),
        "interpretations_marker": Subquery(
            Publication.objects.filter(interprets_id=pk)
            .order_by("-updated_at")
            .values("updated_at")[:1]
        ),
        "policy_status": F("interprets__status"),
        "policy_title": F("interprets__title"),
        "policy_changed": F("interprets__updated_at"),
    }


def public_page_query() -> QuerySet[Publication]:
    """Items with a public page (as public_publication) with public_page_markers, unevaluated:
    the detail page builds it once and adds its own markers (building it is not free)."""
    return (
        Publication.objects.on_portal()
        .select_related("unit", "topic", "column__parent", "domain")
        .annotate(**public_page_markers())
    )


def public_interpretations(item: Publication) -> list[Publication]:
    """The published interpretations (政策解读) of a policy document, oldest first; only their
    ids, titles, dates and forms are read."""
    return list(
        Publication.objects.published()
        .filter(interprets=item)
        .only("pk", "title", "published_at", "interpretation_form")
        .order_by("published_at", "pk")
    )


# ---------------------------------------------------------------- public reads (the portal, API)
#
# Everything below sees only what the public may: published items, and for a detail page also
# withdrawn ones (which say so). Counts count published items only.

PUBLIC_PAGE_SIZE = 20
FEED_SIZE = 50


@dataclass(frozen=True)
class Facet:
    """One value of a browse dimension (a unit, a domain, a year …) and how many items it has."""

    code: str
    label: str
    count: int
    kind: str = ""  # for units: their UnitKind, so pages can group departments and townships


@dataclass
class ColumnNode:
    """A column of the standard structure with its own and its subtree's published items."""

    column: Column
    count: int
    children: list[ColumnNode] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.count + sum(child.total for child in self.children)

    @property
    def ids(self) -> list[int]:
        return [self.column.pk, *(pk for child in self.children for pk in child.ids)]


def _published() -> QuerySet[Publication]:
    return Publication.objects.published()


def public_attachment(pk: int) -> Attachment:
    """An attachment of a published item; raises Attachment.DoesNotExist otherwise.

    A withdrawn item's files are withdrawn with its body: its page stays, its content does not.
    """
    return Attachment.objects.select_related("publication").get(
        pk=pk, publication__status=PublicationStatus.PUBLISHED
    )


def published_counts(dimension: str) -> dict[str, int]:
    """The maintained published-item counts of one dimension (unit, column, domain, five, year,
    all), by key: a few rows, not a count over every item (issue 10)."""
    return dict(
        PublishedCount.objects.filter(dimension=dimension, count__gt=0).values_list("key", "count")
    )


def public_total() -> int:
    """How many items are published."""
    return published_counts("all").get("", 0)


def public_column_tree() -> list[ColumnNode]:
    """The columns of the disclosure site as a tree, each with its published item count."""
    counts = published_counts("column")
    nodes = {
        column.pk: ColumnNode(column=column, count=counts.get(str(column.pk), 0))
        for column in Column.objects.order_by("sort_order", "code")
    }
    roots: list[ColumnNode] = []
    for node in nodes.values():
        parent = nodes.get(node.column.parent_id) if node.column.parent_id else None
        (parent.children if parent is not None else roots).append(node)
    return roots


def public_column(code: str, tree: list[ColumnNode] | None = None) -> ColumnNode:
    """One column with its subtree (from ``tree`` when the caller already has it); raises
    Column.DoesNotExist for an unknown code."""
    stack = list(public_column_tree() if tree is None else tree)
    while stack:
        node = stack.pop()
        if node.column.code == code:
            return node
        stack.extend(node.children)
    raise Column.DoesNotExist(code)


def public_in_columns(column_ids: list[int]) -> QuerySet[Publication]:
    """Published items of these columns, newest first (public_in_column reads a column with
    its sub-columns faster)."""
    return public_publications().filter(column_id__in=column_ids)


def in_column(node: ColumnNode) -> Q:
    """The condition "in this column or one of its sub-columns", written so that an index serves
    it in the newest-first order: the column's own index for a column without sub-columns, the
    top-level column's (Publication.top_column) for a top-level one with sub-columns. Either
    way a deep page skips index entries of this column only, instead of walking every published
    item and reading each row's column (issue 10). A middle column with sub-columns (none in the
    standard tree) falls back to the list of ids."""
    if not node.children:
        return Q(column_id=node.column.pk)
    if node.column.parent_id is None:
        return Q(top_column_id=node.column.pk)
    return Q(column_id__in=node.ids)


def public_in_column(node: ColumnNode) -> QuerySet[Publication]:
    """Published items of a column and its sub-columns, newest first (see in_column)."""
    return public_publications().filter(in_column(node))


def public_unit_counts(unit_ids: Iterable[int]) -> dict[int, int]:
    """The maintained published-item counts of these units (missing: none published)."""
    keys = [str(pk) for pk in unit_ids]
    rows = PublishedCount.objects.filter(dimension="unit", key__in=keys).values_list("key", "count")
    return {int(key): n for key, n in rows}


def public_top_units(limit: int) -> list[Facet]:
    """The ``limit`` units that published most, most first (a few rows of the maintained
    counts, sorted; the unit rows of those few only)."""
    rows = list(
        PublishedCount.objects.filter(dimension="unit", count__gt=0)
        .order_by("-count", "key")
        .values_list("key", "count")[:limit]
    )
    units = {
        pk: (code, name, kind)
        for pk, code, name, kind in Unit.objects.filter(
            pk__in=[int(key) for key, _n in rows]
        ).values_list("pk", "code", "name", "kind")
    }
    return [
        Facet(*units[int(key)][:2], n, units[int(key)][2]) for key, n in rows if int(key) in units
    ]


# The unit facet of a search lists this many units.
UNIT_FACET_SIZE = 10
# Up to this many hits the unit facet counts the hits of each unit exactly (reading their ids
# and units: a few milliseconds); past it, reading every hit would cost more than the search,
# so the facet offers the units that publish most instead, without counts.
UNIT_FACET_EXACT_LIMIT = 2_000


@dataclass
class UnitFacets:
    """The units a search's results come from, most hits first. ``exact``: ``units`` count the
    query's hits and ``total`` is how many units have any; otherwise the query had too many
    hits to count (UNIT_FACET_EXACT_LIMIT) and ``units`` are the units that publish most."""

    units: list[Facet]
    exact: bool
    total: int = 0


def public_search_unit_facets(
    query: str, filters: search.Filters, *, hits: int, limit: int = UNIT_FACET_SIZE
) -> UnitFacets:
    """The units with most hits for ``query`` within ``filters`` (``hits``: how many it has,
    already counted by the search). Costs the same at 50 units or 5,000 (issue 10)."""
    if hits > UNIT_FACET_EXACT_LIMIT:
        return UnitFacets(units=public_top_units(limit), exact=False)
    ids = search.matching_ids(query, filters)
    if not ids:
        return UnitFacets(units=[], exact=True)
    rows = list(
        Publication.objects.filter(pk__in=ids)
        .values("unit_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "unit_id")
        .values_list("unit_id", "n")
    )
    units = {
        pk: (code, name, kind)
        for pk, code, name, kind in Unit.objects.filter(
            pk__in=[pk for pk, _n in rows[:limit]]
        ).values_list("pk", "code", "name", "kind")
    }
    facets = [Facet(*units[pk][:2], n, units[pk][2]) for pk, n in rows[:limit] if pk in units]
    return UnitFacets(units=facets, exact=True, total=len(rows))


def unit_level(kind: str) -> str:
    """The level (a key of UNIT_LEVELS) of a unit kind."""
    return level_of(kind)


@dataclass
class UnitEntry:
    """A unit in the public unit directory: its published items and its sub-units."""

    code: str
    name: str
    kind: str
    level: str
    parent_name: str
    count: int
    children: int


def public_unit_root() -> Unit | None:
    """The single top of the organisation tree (the county's or the province's government),
    or None when the tree has several tops."""
    roots = list(Unit.objects.active().filter(parent__isnull=True).order_by("pk")[:2])
    return roots[0] if len(roots) == 1 else None


def public_unit_directory(
    *,
    parent: Unit | None = None,
    level: str = "",
    name: str = "",
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[UnitEntry], int]:
    """One page of active units, by level (县直部门, 乡镇, 村（居）) and in the order of the tree,
    with their published items and sub-units counted for that page only; and how many there are.

    ``parent``: its direct sub-units; ``level``: one level only; ``name``: names containing it
    (or that exact code). Counting and sorting read the unit rows (a few milliseconds at 5,000
    units); the published and sub-unit counts are read for the page's units only.
    """
    units = Unit.objects.active()
    if parent is not None:
        units = units.filter(parent=parent)
    if level in UNIT_LEVELS:
        units = units.filter(kind__in=UNIT_LEVELS[level])
    if name:
        units = units.filter(Q(name__contains=name) | Q(code=name.upper()))
    total = units.count()
    page = list(units.select_related("parent").order_by(*tree_order())[offset : offset + limit])
    ids = [unit.pk for unit in page]
    counts = public_unit_counts(ids)
    children = dict(
        Unit.objects.active()
        .filter(parent_id__in=ids)
        .order_by()
        .values("parent_id")
        .annotate(n=Count("pk"))
        .values_list("parent_id", "n")
    )
    entries = [
        UnitEntry(
            code=unit.code,
            name=unit.name,
            kind=unit.kind,
            level=unit_level(unit.kind),
            parent_name=unit.parent.name if unit.parent else "",
            count=counts.get(unit.pk, 0),
            children=children.get(unit.pk, 0),
        )
        for unit in page
    ]
    return entries, total


def _published_by(outer: str = "pk") -> Exists:
    return Exists(
        PublishedCount.objects.filter(
            dimension="unit", key=Cast(OuterRef(outer), output_field=CharField()), count__gt=0
        )
    )


@dataclass
class UnitLevel:
    """The first units of one level that published (in the order of the tree), and how many
    units of that level published."""

    level: str
    units: list[UnitEntry]
    total: int


def public_unit_levels(limit: int) -> list[UnitLevel]:
    """For each level with units that published, its first ``limit`` of them in the order of
    the tree with their counts, and how many there are: a statement a level (a sort that keeps
    ``limit`` rows) and one for the totals, a few milliseconds at 5,000 units."""
    published = public_units_with_counts().filter(_published_by())
    totals = (
        Unit.objects.active()
        .filter(_published_by())
        .aggregate(
            **{level: Count("pk", filter=Q(kind__in=kinds)) for level, kinds in UNIT_LEVELS.items()}
        )
    )
    levels: list[UnitLevel] = []
    for level, kinds in UNIT_LEVELS.items():
        if not totals[level]:
            continue
        units = published.filter(kind__in=kinds).order_by(*tree_order())[:limit]
        entries = [
            UnitEntry(
                code=unit.code,
                name=unit.name,
                kind=unit.kind,
                level=level,
                parent_name=unit.parent.name if unit.parent else "",
                count=unit.publication_count,  # type: ignore[attr-defined]
                children=0,
            )
            for unit in units
        ]
        levels.append(UnitLevel(level=level, units=entries, total=totals[level]))
    return levels


def public_domain_facets() -> list[Facet]:
    """Domains with published items, in the standard order, with counts."""
    counts = published_counts("domain")
    domains = (
        Domain.objects.filter(pk__in=[int(k) for k in counts])
        .order_by("sort_order", "code")
        .values_list("pk", "code", "name")
    )
    return [Facet(code, name, counts[str(pk)]) for pk, code, name in domains]


def public_five_facets() -> list[Facet]:
    """The five 五公开 classes, each with its count (classes without items included)."""
    counts = published_counts("five")
    return [Facet(value, str(label), counts.get(value, 0)) for value, label in FiveClass.choices]


def public_year_facets() -> list[Facet]:
    """Years of publication (in the county's time zone), newest first, with counts."""
    counts = published_counts("year")
    years = sorted((int(year) for year in counts), reverse=True)
    return [Facet(str(year), f"{year}年", counts[str(year)]) for year in years]


def public_search_filters(
    *,
    unit_code: str = "",
    domain_code: str = "",
    column_ids: Iterable[int] = (),
    five_class: str = "",
    year: int | None = None,
) -> search.Filters:
    """The search filters for codes people chose (an unknown code matches nothing)."""
    unit_ids: tuple[int, ...] = ()
    domain_ids: tuple[int, ...] = ()
    if unit_code:
        unit_ids = tuple(Unit.objects.filter(code=unit_code).values_list("pk", flat=True)) or (0,)
    if domain_code:
        domain_ids = tuple(Domain.objects.filter(code=domain_code).values_list("pk", flat=True))
        domain_ids = domain_ids or (0,)
    return search.Filters(
        unit_ids=unit_ids,
        column_ids=tuple(column_ids),
        domain_ids=domain_ids,
        five_class=five_class,
        year=year,
    )


def public_in_year(year: int) -> QuerySet[Publication]:
    """Items published in a calendar year of the county's time zone."""
    return public_publications().filter(published_at__year=year)


def public_filed_under(item: CatalogItem) -> QuerySet[Publication]:
    """Items filed under a catalog item or under the same matter in another catalog version.

    Matching by ``lineage`` lets information follow its matter across the unit's yearly catalogs.
    """
    return public_publications().filter(catalog_items__lineage=item.lineage).distinct()


def public_filed_counts(lineages: Iterable[uuid.UUID]) -> dict[uuid.UUID, int]:
    """How many published items are filed under each matter (catalog item lineage)."""
    rows = (
        _published()
        .filter(catalog_items__lineage__in=list(lineages))
        .values("catalog_items__lineage")
        .annotate(n=Count("pk", distinct=True))
        .values_list("catalog_items__lineage", "n")
    )
    return dict(rows)


def public_normative_library(unit_code: str = "") -> QuerySet[Publication]:
    """Currently valid normative documents and rules (seed 001 item 6), by unit, newest first."""
    items = public_publications().filter(
        doc_kind__in=(DocKind.NORMATIVE, DocKind.RULE), validity=Validity.VALID
    )
    if unit_code:
        items = items.filter(unit__code=unit_code)
    return items.order_by("unit__sort_order", "unit__code", "-written_on", "-pk")


def public_normative_units() -> list[tuple[str, str]]:
    """(code, name) of the units with valid normative documents, in the library's order."""
    rows = (
        public_normative_library()
        .order_by("unit__sort_order", "unit__code")
        .values_list("unit__code", "unit__name")
        .distinct()
    )
    return list(rows)


def public_units_with_counts() -> QuerySet[Unit]:
    """Active units, in the order of the organisation tree, with their published item counts."""
    return (
        Unit.objects.active()
        .select_related("parent")
        .annotate(
            publication_count=Coalesce(
                Subquery(
                    PublishedCount.objects.filter(
                        dimension="unit", key=Cast(OuterRef("pk"), output_field=CharField())
                    ).values("count")[:1],
                    output_field=IntegerField(),
                ),
                Value(0),
            )
        )
        .order_by("sort_order", "code")
    )


def public_latest(limit: int = FEED_SIZE) -> list[Publication]:
    """The newest published items: the home page and the site-wide feed."""
    return list(public_publications()[:limit])


def subsidy_townships(user: User) -> list[Unit]:
    """Townships (and city communities) with at least one village the user may post for."""
    villages = units_visible_to(user).filter(kind=UnitKind.VILLAGE)
    townships = {
        v.parent.pk: v.parent
        for v in villages
        if v.parent is not None and permissions.can_import_subsidies_for(user, v)
    }
    return sorted(townships.values(), key=lambda u: (u.sort_order, u.code))
