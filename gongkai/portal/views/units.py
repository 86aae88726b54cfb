"""The directory of units that publish (/xxgk/units/): browsable by level and by the tree
(county → township → village), searchable by name, paged, without JavaScript.

A province runs thousands of units on one site, so no page lists them all: the directory shows
one page of one level or of one unit's sub-units at a time, and the search page's unit filter
comes from here ("pick" mode: each unit then links back to the search, filtered to it) or from
the units its results come from. The unit stays a code in the URL (?unit=MZJ), so links people
saved keep working.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongkai.orgs.models import Unit
from gongkai.portal.forms import UnitDirectoryForm
from gongkai.portal.paging import Pager, page_number
from gongkai.publications import selectors as publications

PAGE_SIZE = 50
LEVEL_LABELS = {
    "county": gettext_lazy("县直部门"),
    "township": gettext_lazy("乡镇"),
    "village": gettext_lazy("村（居）"),
    "enterprise": gettext_lazy("公共企事业单位"),
}
# What of a search the unit directory carries while a unit is being chosen for it.
SEARCH_KEYS = ("q", "domain", "column", "five", "year", "sort", "date_from", "date_to")
MAX_SEARCH_STATE = 500


def search_state(query: QueryDict) -> QueryDict:
    """The search's words and filters other than the unit (and not the page): what choosing
    a unit keeps."""
    state = QueryDict(mutable=True)
    for key in SEARCH_KEYS:
        value = query.get(key, "")
        if value:
            state[key] = value
    return state


def search_url(state: QueryDict, unit_code: str = "") -> str:
    """The search page for ``state``, filtered to a unit when ``unit_code`` is given."""
    query = state.copy()
    if unit_code:
        query["unit"] = unit_code
    encoded = query.urlencode()
    return reverse("portal:search") + (f"?{encoded}" if encoded else "")


def directory_url(state: QueryDict | None = None, **params: str) -> str:
    """The unit directory; with ``state``, in pick mode for that search."""
    query = {key: value for key, value in params.items() if value}
    if state is not None:
        query["search"] = state.urlencode()
    return reverse("portal:unit_directory") + (f"?{urlencode(query)}" if query else "")


def _picking(request: HttpRequest) -> QueryDict | None:
    """The search a unit is being chosen for (pick mode), only its known keys; or None."""
    if "search" not in request.GET:
        return None
    raw = request.GET["search"][:MAX_SEARCH_STATE]
    return search_state(QueryDict(raw))


@dataclass
class Entry:
    """A unit as the directory shows it, with its links."""

    unit: publications.UnitEntry
    url: str
    children_url: str = ""


@dataclass
class Group:
    label: str
    entries: list[Entry] = field(default_factory=list)


def _unit_url(unit_code: str, picking: QueryDict | None) -> str:
    """Where choosing a unit leads: its published items, or the search filtered to it."""
    if picking is not None:
        return search_url(picking, unit_code)
    return reverse("portal:browse_unit", args=[unit_code])


def _groups(entries: list[publications.UnitEntry], picking: QueryDict | None) -> list[Group]:
    """Entries under their level's label, with their links."""
    groups: list[Group] = []
    for entry in entries:
        label = str(LEVEL_LABELS.get(entry.level, _("其他单位")))
        if not groups or groups[-1].label != label:
            groups.append(Group(label))
        children_url = directory_url(picking, parent=entry.code) if entry.children else ""
        groups[-1].entries.append(
            Entry(unit=entry, url=_unit_url(entry.code, picking), children_url=children_url)
        )
    return groups


def unit_directory(request: HttpRequest) -> HttpResponse:
    """Units by level or under a parent, or found by name; 50 a page.

    ?name= finds units whose name contains it (or with that code) anywhere in the tree;
    ?level=county|township|village lists one level; ?parent=<code> lists a unit's sub-units;
    with none of them, the sub-units of the top of the tree. ?search= (pick mode) carries the
    search a unit is being chosen for.
    """
    picking = _picking(request)
    form = UnitDirectoryForm(request.GET)
    name = form.cleaned_data.get("name", "") if form.is_valid() else ""
    level = request.GET.get("level", "")
    level = level if level in LEVEL_LABELS else ""
    parent: Unit | None = None
    at_top = False
    if name:
        level = ""
    elif request.GET.get("parent"):
        parent = get_object_or_404(
            Unit.objects.active().select_related("parent"), code=request.GET["parent"]
        )
    elif not level:
        parent = publications.public_unit_root()
        at_top = True
    wanted = (page_number(request.GET) - 1) * PAGE_SIZE
    entries, total = publications.public_unit_directory(
        parent=parent, level=level, name=name, offset=wanted, limit=PAGE_SIZE
    )
    pager = Pager.checked(request.GET, total, PAGE_SIZE)  # past the end: 没有这一页
    context = {
        "form": form,
        "name": name,
        "level": level,
        "level_label": LEVEL_LABELS.get(level, ""),
        "parent": parent,
        "at_top": at_top,
        "parent_url": _unit_url(parent.code, picking) if parent is not None else "",
        "parent_count": publications.public_unit_counts([parent.pk]).get(parent.pk, 0)
        if parent is not None
        else 0,
        "up_url": _up_url(parent, picking),
        "groups": _groups(entries, picking),
        "total": total,
        "pager": pager,
        "levels": [
            (code, label, directory_url(picking, level=code))
            for code, label in LEVEL_LABELS.items()
        ],
        "all_url": directory_url(picking),
        "picking": picking is not None,
        "picking_q": picking.get("q", "") if picking is not None else "",
        "search_state": picking.urlencode() if picking is not None else "",
        "back_url": search_url(picking) if picking is not None else "",
    }
    return render(request, "portal/unit_directory.html", context)


def _up_url(parent: Unit | None, picking: QueryDict | None) -> str:
    """The directory one level up from ``parent`` (empty at the top)."""
    if parent is None or parent.parent is None:
        return ""
    if parent.parent.parent_id is None:  # the top of the tree: the directory's first page
        return directory_url(picking)
    return directory_url(picking, parent=parent.parent.code)
