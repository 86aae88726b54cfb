"""公共企事业单位信息公开 (/xxgk/enterprises/): the list of public enterprises and institutions
that must disclose (适用主体清单, seed 001 item 9), by sector with their supervising department
(行业主管部门), and the newest items of their column.

Each enterprise links to its published items (the unit browse page) and to its own 信息公开指南
when it has published one: an enterprise is no 行政机关, so it has no guide built from the
条例's elements (gongkai.portal.views.guide) but publishes its own as an item (docs/adr/0023).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from gongkai.orgs import enterprises
from gongkai.orgs.models import Unit
from gongkai.publications import selectors as publications
from gongkai.publications.models import Column

# The column of migration publications 0014.
COLUMN = "enterprises"
# An enterprise's own guide is the newest of its items whose title says so.
GUIDE_TITLE = "信息公开指南"
LATEST = 10


@dataclass
class Row:
    """An enterprise as the list shows it."""

    unit: Unit
    url: str
    count: int
    supervisor_url: str
    guide_url: str


@dataclass
class Group:
    label: str
    rows: list[Row]


def guide_urls(unit_ids: list[int]) -> dict[int, str]:
    """{unit id: the page of its newest published 信息公开指南} for those enterprises that have
    one (one query)."""
    found: dict[int, str] = {}
    items = (
        publications.public_publications()
        .filter(unit_id__in=unit_ids, title__contains=GUIDE_TITLE)
        .select_related(None)
        .only("pk", "unit_id")
    )
    for item in items:
        found.setdefault(item.unit_id, item.get_absolute_url())
    return found


def guide_url(unit: Unit) -> str:
    """Where an enterprise's own 信息公开指南 is, or "" when it has published none."""
    return guide_urls([unit.pk]).get(unit.pk, "")


def enterprise_list(request: HttpRequest) -> HttpResponse:
    """The 适用主体清单 by sector and the column's newest items: five queries, however many
    enterprises there are."""
    units = list(enterprises.public_enterprises())
    ids = [u.pk for u in units]
    counts = publications.public_unit_counts(ids)
    guides = guide_urls(ids)
    groups = [
        Group(
            label=group.label,
            rows=[
                Row(
                    unit=unit,
                    url=reverse("portal:browse_unit", args=[unit.code]),
                    count=counts.get(unit.pk, 0),
                    supervisor_url=reverse("portal:browse_unit", args=[unit.supervisor.code])
                    if unit.supervisor
                    else "",
                    guide_url=guides.get(unit.pk, ""),
                )
                for unit in group.units
            ],
        )
        for group in enterprises.enterprises_by_sector(units)
    ]
    column = Column.objects.filter(code=COLUMN).first()
    latest = (
        list(publications.public_publications().filter(column=column)[:LATEST])
        if column is not None
        else []
    )
    context = {
        "groups": groups,
        "total": len(units),
        "column": column,
        "publications": latest,
    }
    return render(request, "portal/enterprises.html", context)
