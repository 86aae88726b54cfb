"""The village-list check: a village's list must match its township's for the same matters.

Seeds 002 and 004 (task 13) require 县、乡级政务公开与村（居）务公开有效衔接、相同事项的公开内容对应一致.
A matter is the same when domain, 一级事项 and 二级事项 agree (ignoring white space); it is
inconsistent when its 公开内容, 公开时限 or 公开渠道和载体 differ. The township's items ticked 村级
are the ones every village under it is expected to carry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from gongkai.catalog.models import PUBLIC_STATUSES, Catalog, CatalogItem, Domain
from gongkai.orgs.models import UnitKind

COMPARED_FIELDS: list[tuple[str, str]] = [
    ("content", "公开内容（要素）"),
    ("time_limit", "公开时限"),
    ("channels", "公开渠道和载体"),
]
_SPACE = re.compile(r"\s+")
_PUNCT = str.maketrans({"，": ",", "；": ";", "、": ",", "：": ":", "（": "(", "）": ")"})


def _norm(text: str) -> str:
    """Compare texts as people read them: white space, line breaks and full/half-width punctuation
    do not make two texts different."""
    return _SPACE.sub("", text).translate(_PUNCT)


def matter_key(item: CatalogItem) -> tuple[int, str, str]:
    return (item.domain_id, _norm(item.level1), _norm(item.level2))


@dataclass
class Difference:
    """A matter both lists carry whose compared elements differ."""

    domain: Domain
    village_item: CatalogItem
    township_item: CatalogItem
    fields: list[str]


@dataclass
class ConsistencyReport:
    village_catalog: Catalog
    township_catalog: Catalog | None
    differences: list[Difference] = field(default_factory=list)
    missing: list[CatalogItem] = field(default_factory=list)

    @property
    def is_consistent(self) -> bool:
        return self.township_catalog is not None and not self.differences and not self.missing


def township_catalog_for(catalog: Catalog) -> Catalog | None:
    """The township catalog a village catalog is compared with: the township's approved (public)
    catalog of the same version if there is one, otherwise its newest approved one.

    Only approved catalogs count: they are what the township publishes, and a village clerk must
    not read the township's drafts.
    """
    township = catalog.unit.parent
    if township is None:
        return None
    public = Catalog.objects.filter(unit=township, status__in=PUBLIC_STATUSES)
    same = public.filter(version=catalog.version).select_related("unit").first()
    return same or public.select_related("unit").order_by("-version").first()


def village_consistency(catalog: Catalog) -> ConsistencyReport:
    """Compare a village's catalog with its township's and report differences and gaps."""
    if catalog.unit.kind != UnitKind.VILLAGE:
        raise ValueError("village_consistency needs a village catalog")
    township_catalog = township_catalog_for(catalog)
    report = ConsistencyReport(village_catalog=catalog, township_catalog=township_catalog)
    if township_catalog is None:
        return report
    village_items = {
        matter_key(i): i for i in catalog.items.select_related("domain").order_by("sort_order")
    }
    for t_item in township_catalog.items.select_related("domain").order_by(
        "domain__sort_order", "sort_order", "pk"
    ):
        v_item = village_items.get(matter_key(t_item))
        if v_item is None:
            if t_item.level_village:
                report.missing.append(t_item)
            continue
        differing = [
            label
            for name, label in COMPARED_FIELDS
            if _norm(getattr(v_item, name)) != _norm(getattr(t_item, name))
        ]
        if differing:
            report.differences.append(
                Difference(
                    domain=t_item.domain,
                    village_item=v_item,
                    township_item=t_item,
                    fields=differing,
                )
            )
    return report
