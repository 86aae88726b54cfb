"""Full-text search of published information (/search/), on the bigram index of
gongkai.publications.search (docs/adr/0005-chinese-full-text-search.md)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import SafeString

from gongkai.orgs.models import Unit
from gongkai.portal.forms import FILTERS, SORTS, SearchForm
from gongkai.portal.paging import MAX_PAGE, PAGE_SIZE, Pager, page_number
from gongkai.portal.views import units
from gongkai.publications import search as fulltext
from gongkai.publications import selectors as publications
from gongkai.publications.models import Publication

SNIPPET_WIDTH = 120


@dataclass
class Hit:
    """A search result with its matches marked (the markup comes from ``search.highlight``,
    which escapes every piece of text)."""

    publication: Publication
    title: SafeString
    doc_number: SafeString
    snippet: SafeString


def _columns(tree: list[publications.ColumnNode]) -> list[tuple[str, str]]:
    """Every column, sub-columns indented under their parents, for the filter's options."""
    options = []
    for root in tree:
        options.append((root.column.code, f"{root.column.name}（{root.total}）"))
        options += [
            (child.column.code, f"— {child.column.name}（{child.total}）")
            for child in root.children
        ]
    return options


def _filters(form: SearchForm, tree: list[publications.ColumnNode]) -> fulltext.Filters:
    """The chosen filters, run inside the full-text query (no re-reading of the published
    items); the form has already refused codes that are not among the facets."""
    data = form.cleaned_data
    unit = data.get("unit")
    return publications.public_search_filters(
        unit_code=unit.code if unit is not None else "",
        domain_code=data.get("domain") or "",
        column_ids=publications.public_column(data["column"], tree).ids
        if data.get("column")
        else [],
        five_class=data.get("five") or "",
        year=int(data["year"]) if data.get("year") else None,
    )


@dataclass
class UnitChoice:
    """The unit part of the search: the chosen unit with the link that drops it, or the units
    the results come from (most hits first) with links that choose them; and the directory
    where any unit can be chosen by name or level."""

    chosen: Unit | None
    clear_url: str
    directory_url: str
    facets: list[tuple[publications.Facet, str]] = field(default_factory=list)
    exact: bool = True
    units_with_hits: int = 0


def _unit_choice(
    request: HttpRequest,
    form: SearchForm,
    query: str,
    filters: fulltext.Filters,
    hits: int,
    *,
    usable: bool,
) -> UnitChoice:
    state = units.search_state(request.GET)
    chosen = form.cleaned_data.get("unit") if usable else None
    choice = UnitChoice(
        chosen=chosen,
        clear_url=units.search_url(state),
        directory_url=units.directory_url(state),
    )
    if query and chosen is None and hits:
        found = publications.public_search_unit_facets(
            query, filters, hits=hits, limit=publications.UNIT_FACET_SIZE
        )
        choice.facets = [(facet, units.search_url(state, facet.code)) for facet in found.units]
        choice.exact = found.exact
        choice.units_with_hits = found.total
    return choice


def _dated(form: SearchForm, filters: fulltext.Filters) -> fulltext.Filters:
    """The filters with the range of publication dates, when both ends typed were dates (a
    wrong one is left out, and the page says so)."""
    if form.has_error("date_from") or form.has_error("date_to"):
        return filters
    data = form.cleaned_data
    return replace(filters, published_from=data.get("date_from"), published_to=data.get("date_to"))


def _sort(form: SearchForm) -> str:
    chosen = form.cleaned_data.get("sort") if not form.has_error("sort") else ""
    return chosen if chosen in fulltext.SORTS else fulltext.RELEVANCE


@dataclass
class SortLink:
    """One order of the results, as a link; ``chosen`` for the order shown."""

    label: str
    url: str
    chosen: bool


def _sort_links(request: HttpRequest, chosen: str) -> list[SortLink]:
    """The two orders as links that keep the words and filters (and go back to page 1)."""
    links = []
    for key, label in SORTS:
        query = request.GET.copy()
        query.pop("page", None)
        query["sort"] = key
        if key == fulltext.RELEVANCE:
            del query["sort"]
        links.append(SortLink(label=str(label), url=f"?{query.urlencode()}", chosen=key == chosen))
    return links


def search(request: HttpRequest) -> HttpResponse:
    """Results for ``q`` within the chosen filters, best first or newest first, 20 a page; a
    blank query shows the form only. One- and two-character queries, 文号 and exact phrases all
    work. The units the results come from are offered as filters (at most ten, whatever the
    number of units). A wrong date or sort is reported and left out; a page past the end of the
    results is a 404 that links to the last page."""
    tree = publications.public_column_tree()
    form = SearchForm(
        request.GET or None,
        domains=publications.public_domain_facets(),
        columns=_columns(tree),
        fives=publications.public_five_facets(),
        years=publications.public_year_facets(),
    )
    usable = form.is_bound and (form.is_valid() or form.tolerable())
    context: dict[str, object] = {"form": form, "searched": False}
    query = form.cleaned_data.get("q", "") if usable else ""
    filters = _dated(form, _filters(form, tree)) if usable else fulltext.Filters()
    sort = _sort(form) if usable else fulltext.RELEVANCE
    context.update(
        sort=sort,
        filtering=usable
        and any(form.cleaned_data.get(name) for name in (*FILTERS, "unit", "date_from", "date_to")),
        date_errors=[*form.errors.get("date_from", []), *form.errors.get("date_to", [])],
    )
    hits = 0
    status = 200
    if query:
        number = page_number(request.GET)
        # Past the last page any list can have, only the count is wanted (for the link back).
        within = number <= MAX_PAGE
        page = fulltext.search(
            query,
            publications.public_publications(),
            offset=(number - 1) * PAGE_SIZE if within else 0,
            limit=PAGE_SIZE if within else 0,
            filters=filters,
            sort=sort,
        )
        hits = page.total + (1 if page.capped else 0)
        pager = Pager(number=number, total=page.total, query=request.GET, capped=page.capped)
        if pager.past_end:
            status = 404
        context.update(
            searched=True,
            query=query,
            total=pager.shown_total,
            pager=pager,
            sort_links=_sort_links(request, sort),
            hits=[
                Hit(
                    publication=item,
                    title=fulltext.highlight(item.title, query),
                    doc_number=fulltext.highlight(item.doc_number, query),
                    snippet=fulltext.highlight(item.body_text, query, width=SNIPPET_WIDTH),
                )
                for item in page.items
            ],
        )
    context["unit_choice"] = _unit_choice(request, form, query, filters, hits, usable=usable)
    return render(request, "portal/search.html", context, status=status)
