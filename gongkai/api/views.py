"""The read API (/api/): public data only, as JSON, GET only, no account.

Lists share one envelope, {"count", "next", "previous", "results"}, paged with ``page`` and
``page_size`` (at most 100). Everything is read through the ``public_*`` selectors, so the API can
show nothing the portal does not. The endpoints, parameters and fields are documented in
gongkai/api/openapi.py, served at /api/openapi.json and rendered at /api/docs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from gongkai.api import openapi
from gongkai.api import representations as shapes
from gongkai.catalog import selectors as catalogs
from gongkai.orgs.models import Unit, UnitKind
from gongkai.portal.paging import page_of
from gongkai.publications import search as fulltext
from gongkai.publications import selectors as publications
from gongkai.publications.models import Column, FiveClass, Publication

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
# Pages past this are answered 404 before any query: no list holds 100 million items, and an
# offset past 2**63 makes SQLite fail ("datatype mismatch").
MAX_PAGE = 1_000_000
MAX_DIGITS = 9
MAX_ID_DIGITS = 18  # a 64-bit primary key has at most 19 digits
View = TypeVar("View", bound=Callable[..., HttpResponse])


class BadRequest(Exception):
    """A malformed parameter: answered with 400 and a sentence saying what to fix."""


class NotFound(Exception):
    """Nothing public here: answered with 404."""


def _json(data: Any, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    # Public, anonymous data: any site may read it from a browser (no cookies are sent or used).
    response["Access-Control-Allow-Origin"] = "*"
    return response


def endpoint(view: View) -> View:
    """GET (and HEAD) only; BadRequest and NotFound become JSON errors.

    Exempt from the CSRF check: the API changes nothing and reads no cookie, and without the
    exemption any other method got the CSRF middleware's 403 page instead of 405 (schemathesis,
    tests/api/test_fuzz.py).
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except BadRequest as err:
            return _json({"detail": str(err)}, status=400)
        except NotFound as err:
            return _json({"detail": str(err) or "未找到。"}, status=404)

    return csrf_exempt(require_safe(wrapper))  # type: ignore[return-value]


# A whole number as a query string writes it: ASCII digits (str.isdigit() also admits ² and other
# digits that int() refuses: a 500 found by tests/api/test_fuzz.py), optionally ``.0`` (JSON
# Schema counts 3.0 as an integer, and some clients write integers that way).
_WHOLE = re.compile(r"([0-9]+)(?:\.0*)?")


def _whole_number(raw: str, *, digits: int = MAX_DIGITS) -> int | None:
    """The whole number ``raw`` writes, or None; one of more than ``digits`` significant digits
    counts as ``10 ** digits`` (past every page, never a value the database cannot take)."""
    match = _WHOLE.fullmatch(raw)
    if match is None:
        return None
    significant = match[1].lstrip("0") or "0"
    return int(significant) if len(significant) <= digits else 10**digits


def _positive(request: HttpRequest, name: str, default: int) -> int:
    """A positive integer parameter (see _whole_number); empty means ``default``."""
    raw = request.GET.get(name, "")
    if raw == "":
        return default
    value = _whole_number(raw)
    if value is None or value < 1:
        raise BadRequest(f"参数 {name} 应为正整数。")
    return value


def _year(raw: str) -> int:
    value = _whole_number(raw)
    if value is None or not 1000 <= value <= 9999:
        raise BadRequest("参数 year 应为四位年份，如 2024。")
    return value


@dataclass
class Paging:
    page: int
    size: int

    @classmethod
    def of(cls, request: HttpRequest) -> Paging:
        page = _positive(request, "page", 1)
        if page > MAX_PAGE:
            raise NotFound("没有这一页。")
        return cls(
            page=page,
            size=min(_positive(request, "page_size", DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE),
        )

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size

    def envelope(self, request: HttpRequest, total: int, results: list[Any]) -> dict[str, Any]:
        """The list envelope; a page past the end (other than an empty first page) is a 404."""
        if self.page > 1 and self.offset >= total:
            raise NotFound("没有这一页。")
        return {
            "count": total,
            "next": self._link(request, self.page + 1) if self.offset + self.size < total else None,
            "previous": self._link(request, self.page - 1) if self.page > 1 else None,
            "results": results,
        }

    def _link(self, request: HttpRequest, page: int) -> str:
        query = request.GET.copy()
        query["page"] = str(page)
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def _window(rows: Sequence[Any] | QuerySet[Any], paging: Paging) -> list[Any]:
    return list(rows[paging.offset : paging.offset + paging.size])


def _filtered(request: HttpRequest) -> QuerySet[Publication]:
    """The published items the filters select (unit, domain, column, five, year, catalog_item)."""
    scope = publications.public_publications()
    params = request.GET
    if params.get("unit"):
        scope = scope.filter(unit__code=params["unit"])
    if params.get("domain"):
        scope = scope.filter(domain__code=params["domain"])
    if params.get("column"):
        try:
            scope = scope.filter(
                publications.in_column(publications.public_column(params["column"]))
            )
        except Column.DoesNotExist:
            scope = scope.none()  # and go on: the other parameters are still checked
    if params.get("five"):
        if params["five"] not in FiveClass.values:
            raise BadRequest(f"参数 five 应为以下之一：{'、'.join(FiveClass.values)}。")
        scope = scope.filter(five_class=params["five"])
    if params.get("year"):
        scope = scope.filter(published_at__year=_year(params["year"]))
    if params.get("catalog_item"):
        item = _whole_number(params["catalog_item"], digits=MAX_ID_DIGITS)
        if item is None or item < 1:
            raise BadRequest("参数 catalog_item 应为目录事项编号（正整数）。")
        if item >= 10**MAX_ID_DIGITS:
            return scope.none()  # no such item, and too long for the database's integers
        matter = catalogs.public_items().filter(pk=item).first()
        if matter is None:
            return scope.none()
        scope = scope.filter(pk__in=publications.public_filed_under(matter).values("pk"))
    return scope


FILTERS = ("unit", "domain", "column", "five", "year", "catalog_item")


def _search(
    request: HttpRequest, query: str, scope: QuerySet[Publication], paging: Paging
) -> fulltext.Page:
    """The search with its filters inside the full-text query; a catalog_item filter (rare)
    narrows the scope instead."""
    params = request.GET
    if params.get("catalog_item") or scope.query.is_empty():
        return fulltext.search(query, scope, offset=paging.offset, limit=paging.size)
    column_ids: list[int] = []
    if params.get("column"):
        column_ids = publications.public_column(params["column"]).ids
    filters = publications.public_search_filters(
        unit_code=params.get("unit", ""),
        domain_code=params.get("domain", ""),
        column_ids=column_ids,
        five_class=params.get("five", ""),
        year=_year(params["year"]) if params.get("year") else None,
    )
    return fulltext.search(
        query,
        publications.public_publications(),
        offset=paging.offset,
        limit=paging.size,
        filters=filters,
    )


@endpoint
def publication_list(request: HttpRequest) -> HttpResponse:
    """Published items, newest first (or best first with ``q``)."""
    paging = Paging.of(request)
    scope = _filtered(request)
    query = request.GET.get("q", "").strip()[:100]
    if query:
        found = _search(request, query, scope, paging)
        total, items = found.total, found.items
    else:
        # Unfiltered, the maintained count answers; filtered, the count runs on an index.
        unfiltered = not any(request.GET.get(name) for name in FILTERS)
        total = publications.public_total() if unfiltered else scope.count()
        items = page_of(scope, paging.offset, paging.offset + paging.size)
        items = items if total > paging.offset else []
    results = [shapes.publication(request, item) for item in items]
    return _json(paging.envelope(request, total, results))


@endpoint
def publication_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        item = publications.public_publication(pk)
    except Publication.DoesNotExist as err:
        raise NotFound("该政府信息不存在或尚未公开。") from err
    lineages = [matter.lineage for matter in item.catalog_items.all()]
    links = dict(catalogs.public_items().filter(lineage__in=lineages).values_list("lineage", "pk"))
    return _json(shapes.publication_detail(request, item, links))


@endpoint
def catalog_list(request: HttpRequest) -> HttpResponse:
    """Every unit's public catalog (the newest approved or reported version), in the order of
    the organisation tree: counted and paged in the database (a province has 5,000), with the
    items counted for the page's catalogs only."""
    paging = Paging.of(request)
    scope = catalogs.public_catalogs_of_units()
    total = scope.count()
    end = paging.offset + paging.size
    found = page_of(scope, paging.offset, end) if total > paging.offset else []
    counts = catalogs.public_item_counts([catalog.pk for catalog in found])
    results = [shapes.catalog(request, catalog, counts.get(catalog.pk, 0)) for catalog in found]
    return _json(paging.envelope(request, total, results))


def _active_unit(code: str) -> Unit:
    unit = publications.public_units_with_counts().filter(code=code).first()
    if unit is None:
        raise NotFound("没有这个单位。")
    return unit


@endpoint
def catalog_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One unit's public catalog with every item and every element."""
    unit = _active_unit(code)
    found = catalogs.public_catalog_of(unit)
    if found is None:
        raise NotFound("该单位还没有公开的目录。")
    found.unit = unit
    return _json(shapes.catalog_detail(request, found, catalogs.public_unit_items(unit)))


@endpoint
def unit_list(request: HttpRequest) -> HttpResponse:
    """Active units in the order of the organisation tree, with how much each has published;
    by ``parent`` (its direct sub-units), ``kind`` or ``name``. Only the page asked for is read
    (a province has 5,000 units or more)."""
    paging = Paging.of(request)
    units = Unit.objects.active()
    params = request.GET
    if params.get("parent"):
        units = units.filter(parent__code=params["parent"])
    if params.get("kind"):
        if params["kind"] not in UnitKind.values:
            raise BadRequest(f"参数 kind 应为以下之一：{'、'.join(UnitKind.values)}。")
        units = units.filter(kind=params["kind"])
    if params.get("name"):
        units = units.filter(name__contains=params["name"].strip()[:50])
    total = units.count()
    page: list[Unit] = []
    if total > paging.offset:
        page = list(
            units.select_related("parent").order_by("sort_order", "code")[
                paging.offset : paging.offset + paging.size
            ]
        )
    ids = [unit.pk for unit in page]
    counts = publications.public_unit_counts(ids)
    with_catalog = set(
        catalogs.public_catalogs().filter(unit_id__in=ids).values_list("unit_id", flat=True)
    )
    results = []
    for unit in page:
        unit.publication_count = counts.get(unit.pk, 0)  # type: ignore[attr-defined]
        results.append(shapes.unit(request, unit, has_catalog=unit.pk in with_catalog))
    return _json(paging.envelope(request, total, results))


@endpoint
def not_found(request: HttpRequest) -> HttpResponse:
    """Any other address under /api/: the API's JSON 404, not the site's HTML page."""
    raise NotFound("没有这个接口地址，请查看 /api/docs。")


@endpoint
def openapi_document(request: HttpRequest) -> HttpResponse:
    return _json(openapi.document())


@csrf_exempt
@require_safe
def docs(request: HttpRequest) -> HttpResponse:
    """The API's documentation as a plain page, rendered from the OpenAPI document itself."""
    document = openapi.document()
    context = {"info": document["info"], "endpoints": openapi.endpoints(document)}
    return render(request, "api/docs.html", context)
