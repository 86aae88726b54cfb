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


def _compare(
    catalog: Catalog,
    village_items: list[CatalogItem],
    township_catalog: Catalog | None,
    township_items: list[CatalogItem],
) -> ConsistencyReport:
    report = ConsistencyReport(village_catalog=catalog, township_catalog=township_catalog)
    if township_catalog is None:
        return report
    by_key = {matter_key(i): i for i in village_items}
    for t_item in township_items:
        v_item = by_key.get(matter_key(t_item))
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


def _items(catalog_ids: list[int]) -> dict[int, list[CatalogItem]]:
    found: dict[int, list[CatalogItem]] = {pk: [] for pk in catalog_ids}
    items = CatalogItem.objects.filter(catalog_id__in=catalog_ids).select_related("domain")
    for item in items.order_by("domain__sort_order", "sort_order", "pk"):
        found[item.catalog_id].append(item)
    return found


def village_consistency(catalog: Catalog) -> ConsistencyReport:
    """Compare a village's catalog with its township's and report differences and gaps."""
    return village_reports([catalog])[catalog.pk]


def village_reports(catalogs: list[Catalog]) -> dict[int, ConsistencyReport]:
    """Check many village catalogs at once (a township's villages page) in a fixed number of
    queries: the townships' approved catalogs once, then all items in one query."""
    if any(c.unit.kind != UnitKind.VILLAGE for c in catalogs):
        raise ValueError("village_reports needs village catalogs")
    township_ids = {c.unit.parent_id for c in catalogs if c.unit.parent_id}
    public: dict[int, list[Catalog]] = {}
    for candidate in (
        Catalog.objects.filter(unit_id__in=township_ids, status__in=PUBLIC_STATUSES)
        .select_related("unit")
        .order_by("-version")
    ):
        public.setdefault(candidate.unit_id, []).append(candidate)

    def township_catalog(catalog: Catalog) -> Catalog | None:
        # The township's approved catalog of the same version, else its newest approved one.
        # Only approved catalogs count: they are what the township publishes, and a village
        # clerk must not read the township's drafts.
        options = public.get(catalog.unit.parent_id or 0, [])
        same = [c for c in options if c.version == catalog.version]
        return same[0] if same else (options[0] if options else None)

    chosen = {c.pk: township_catalog(c) for c in catalogs}
    ids = [c.pk for c in catalogs] + [t.pk for t in chosen.values() if t is not None]
    items = _items(ids)
    reports = {}
    for catalog in catalogs:
        township = chosen[catalog.pk]
        township_items = items[township.pk] if township is not None else []
        reports[catalog.pk] = _compare(catalog, items[catalog.pk], township, township_items)
    return reports
