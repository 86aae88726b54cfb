"""Full-text search of published information (/search/), on the bigram index of
gongkai.publications.search (docs/adr/0005-chinese-full-text-search.md)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import SafeString

from gongkai.portal.forms import SearchForm
from gongkai.portal.paging import PAGE_SIZE, Pager, page_number
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


def _scope(form: SearchForm, tree: list[publications.ColumnNode]) -> QuerySet[Publication]:
    data = form.cleaned_data
    scope = publications.public_publications()
    if data.get("unit"):
        scope = scope.filter(unit__code=data["unit"])
    if data.get("domain"):
        scope = scope.filter(domain__code=data["domain"])
    if data.get("column"):
        scope = scope.filter(column_id__in=publications.public_column(data["column"], tree).ids)
    if data.get("five"):
        scope = scope.filter(five_class=data["five"])
    if data.get("year"):
        scope = scope.filter(published_at__year=int(data["year"]))
    return scope


def search(request: HttpRequest) -> HttpResponse:
    """Results for ``q`` within the chosen filters, best first, 20 a page; a blank query shows
    the form only. One- and two-character queries, 文号 and exact phrases all work."""
    tree = publications.public_column_tree()
    form = SearchForm(
        request.GET or None,
        units=publications.public_unit_facets(),
        domains=publications.public_domain_facets(),
        columns=_columns(tree),
        fives=publications.public_five_facets(),
        years=publications.public_year_facets(),
    )
    context: dict[str, object] = {"form": form, "searched": False}
    query = form.cleaned_data.get("q", "") if form.is_valid() else ""
    if query:
        number = page_number(request.GET)
        page = fulltext.search(
            query, _scope(form, tree), offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE
        )
        context.update(
            searched=True,
            query=query,
            total=page.total,
            pager=Pager(number=number, total=page.total, query=request.GET),
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
    return render(request, "portal/search.html", context)
