"""The public's 办事服务 pages (/banshi/): services by unit and by life event with a search over
their names, each published guide in the standard elements, its one-page 一次告知 for the
counter, the materials' sample and blank forms, and the 办事一本通 as a web page and a Word file.

Only published guides exist here: anything else is a 404 (public_selectors), never a 403.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from django import forms
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from gongkai.core.downloads import stored_download
from gongkai.orgs.models import Unit
from gongkai.orgs.tree_order import level_of
from gongkai.serviceguides import elements as el
from gongkai.serviceguides import handbook as hb
from gongkai.serviceguides import public_selectors as selectors
from gongkai.serviceguides.elements import guide_elements
from gongkai.serviceguides.models import Material, ServiceItem

# Guides listed at most on the index for one unit, life event or search; a county's largest
# department has far fewer, a search that finds more asks for a narrower query.
LIST_LIMIT = 100
FILE_KINDS = {".pdf": "pdf", ".docx": "docx", ".xlsx": "xlsx", ".doc": "doc", ".xls": "xls"}
# The levels units are listed by (gongkai.orgs.tree_order.UNIT_LEVELS), in the tree's order.
LEVEL_LABELS = {
    "county": _lazy("县直部门"),
    "township": _lazy("乡镇"),
    "village": _lazy("村（居）"),
}
WHICH = {"sample": ("sample", "示例样表"), "blank": ("blank_form", "空白表格")}


class IndexForm(forms.Form):
    q = forms.CharField(required=False, max_length=selectors.MAX_QUERY, strip=True)
    unit = forms.CharField(required=False, max_length=32)
    event = forms.SlugField(required=False, max_length=32)


def index(request: HttpRequest) -> HttpResponse:
    """The services by unit (departments, townships) and by life event, and a search over their
    names; a chosen unit, life event or query lists its guides below."""
    form = IndexForm(request.GET)
    chosen = form.cleaned_data if form.is_valid() else {}
    query, unit_code, event_code = (chosen.get(k, "") for k in ("q", "unit", "event"))
    units = selectors.public_guide_units()
    events = selectors.public_life_events()
    heading = ""
    guides = None
    if query:
        guides = selectors.search_guides(query)
        heading = _("“%(query)s”的搜索结果") % {"query": query}
    elif unit_code:
        unit = next((row.unit for row in units if row.unit.code == unit_code), None)
        if unit is None:
            raise Http404
        guides = selectors.public_guides().filter(unit=unit)
        heading = hb.unit_title(unit)
    elif event_code:
        event = next((row.event for row in events if row.event.code == event_code), None)
        if event is None:
            raise Http404
        guides = selectors.public_guides().filter(life_events=event)
        heading = event.name
    rows: list[ServiceItem] = []
    total = 0
    if guides is not None:
        rows = list(guides.select_related("unit")[: LIST_LIMIT + 1])
        total = len(rows) if len(rows) <= LIST_LIMIT else guides.count()
        rows = rows[:LIST_LIMIT]
    context = {
        "form": form,
        "query": query,
        "unit_code": unit_code,
        "event_code": event_code,
        "unit_groups": [
            (label, [row for row in units if level_of(row.unit.kind) == level])
            for level, label in LEVEL_LABELS.items()
        ],
        "has_units": bool(units),
        "events": events,
        "heading": heading,
        "listed": guides is not None,
        "rows": rows,
        "total": total,
        "truncated": total > len(rows),
    }
    return render(request, "banshi/index.html", context)


def _guide_or_404(pk: int) -> ServiceItem:
    try:
        return selectors.public_guide(pk)
    except ServiceItem.DoesNotExist as err:
        raise Http404 from err


def _handbook_url(name: str, unit: Unit) -> str:
    return reverse(name) + "?" + urlencode({"unit": unit.code, "group": hb.GROUP_UNIT})


def _revising(request: HttpRequest, pk: int) -> HttpResponse | None:
    """The page for a guide being revised (public_selectors.revising_guide), if it is one."""
    service = selectors.revising_guide(pk)
    if service is None:
        return None
    context = {"service": service, "unit_title": hb.unit_title(service.unit)}
    return render(request, "banshi/revising.html", context)


def guide(request: HttpRequest, pk: int) -> HttpResponse:
    """A published guide with every standard element in order, the catalog item it fulfils,
    and links to its 一次告知 and its unit's 办事一本通."""
    revising = _revising(request, pk)
    if revising is not None:
        return revising
    service = _guide_or_404(pk)
    context = {
        "service": service,
        "guide": guide_elements(service),
        "unit_title": hb.unit_title(service.unit),
        "catalog_item": selectors.public_catalog_item(service),
        "handbook_url": _handbook_url("banshi:handbook", service.unit),
        "handbook_docx_url": _handbook_url("banshi:handbook_docx", service.unit),
        "labels": el,
    }
    return render(request, "banshi/guide.html", context)


def notice(request: HttpRequest, pk: int) -> HttpResponse:
    """一次告知: everything the applicant must bring and know on one printable A4 page."""
    revising = _revising(request, pk)
    if revising is not None:
        return revising
    service = _guide_or_404(pk)
    context = {
        "service": service,
        "guide": guide_elements(service),
        "unit_title": hb.unit_title(service.unit),
        "guide_url": request.build_absolute_uri(service.get_absolute_url()),
        "labels": el,
    }
    return render(request, "banshi/notice.html", context)


def material(request: HttpRequest, pk: int, which: str) -> FileResponse:
    """A material's sample (示例样表) or blank form (空白表格), for published guides only."""
    if which not in WHICH:
        raise Http404
    try:
        found = selectors.public_material(pk)
    except Material.DoesNotExist as err:
        raise Http404 from err
    field_name, label = WHICH[which]
    stored = getattr(found, field_name)
    if not stored:
        raise Http404
    suffix = PurePath(stored.name).suffix.lower()
    return stored_download(
        stored,
        name=f"{found.name}（{label}）{suffix}",
        kind=FILE_KINDS.get(suffix, ""),
        private=False,
    )


class HandbookForm(forms.Form):
    unit = forms.CharField(required=False, max_length=32)
    group = forms.ChoiceField(
        required=False, choices=[(code, label) for code, label in hb.GROUPS.items()]
    )


def _handbook_choice(request: HttpRequest) -> tuple[Unit | None, str]:
    """The unit (None: the county) and grouping asked for; 404 for an unknown unit or group."""
    form = HandbookForm(request.GET)
    if not form.is_valid():
        raise Http404
    code = form.cleaned_data["unit"]
    unit = get_object_or_404(Unit.objects.active(), code=code) if code else None
    return unit, form.cleaned_data["group"] or hb.GROUP_UNIT


def handbook(request: HttpRequest) -> HttpResponse:
    """办事一本通 on the web: the same contents as the Word file, with a table of contents."""
    unit, group = _handbook_choice(request)
    query = urlencode({"unit": unit.code if unit else "", "group": group})
    context: dict[str, Any] = {
        "unit": unit,
        "group": group,
        "groups": list(hb.GROUPS.items()),
        "units": selectors.public_guide_units(),
        "docx_url": reverse("banshi:handbook_docx") + "?" + query,
        "labels": el,
    }
    try:
        context["handbook"] = hb.compile_handbook(unit=unit, group=group)
    except hb.HandbookEmpty as exc:
        context["empty"] = exc.message
    return render(request, "banshi/handbook.html", context)


def handbook_docx(request: HttpRequest) -> HttpResponse | FileResponse:
    """The 办事一本通 as a Word file, rebuilt only when a guide in it changed."""
    unit, group = _handbook_choice(request)
    try:
        handle, built = hb.open_handbook_docx(unit=unit, group=group)
    except hb.HandbookEmpty as exc:
        return render(request, "banshi/handbook_empty.html", {"message": exc.message}, status=404)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=built.filename,
        content_type=hb.DOCX_CONTENT_TYPE,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
