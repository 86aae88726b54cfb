"""Turn a task table's unit column into units: "各乡镇政府、县有关部门" → every township and every
department; "县直26个试点领域业务主管部门" → the plan's annex 2; "县政务公开办" → the office.

Plans name groups and bodies as their county writes them (seed 004 annex 1), and another county's
units carry other names (青阳县's 县发展改革委 is 石城县's 县发改委). A name is matched exactly, then
with the county's own prefix (县X → 石城县X), then, for an annex-2 department, through the pilot
domains it leads (its 业务主管部门 as the catalog records them). What matches nothing is kept as
text and reported, never guessed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypedDict

from gongkai.catalog.models import Domain, DomainKind
from gongkai.orgs.models import Unit, UnitKind

SEPARATORS = re.compile(r"[、，,；;/\s]+")

TOWNSHIP_GROUPS = frozenset({"各乡镇政府", "各乡镇人民政府", "各乡镇", "各乡镇（街道）"})
DEPARTMENT_GROUPS = frozenset(
    {"县有关部门", "县直有关部门", "县直各部门", "县政府各部门", "县直各单位", "各有关部门"}
)
PILOT_GROUPS = frozenset(
    {"县直26个试点领域业务主管部门", "县直各公开领域业务主管部门", "试点领域业务主管部门"}
)
# The county disclosure office goes by several names in one and the same table (seed 004 writes
# both 县政务公开办 and 县公开办); each denotes the unit of kind "office".
OFFICE_NAMES = frozenset({"县政务公开办", "县公开办", "政务公开办", "县政府信息公开办"})


class PilotDepartment(TypedDict):
    """One line of a plan's annex 2: a department and the pilot domains it leads."""

    name: str
    domains: list[str]


@dataclass
class Resolution:
    """The units a column names, the names that matched no unit, and how odd names were read."""

    units: list[Unit] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, units: Iterable[Unit]) -> None:
        seen = {u.pk for u in self.units}
        for unit in units:
            if unit.pk not in seen:
                self.units.append(unit)
                seen.add(unit.pk)


def split_names(text: str) -> list[str]:
    """The names of a unit column: "县政府办公室，县政务公开办" → two names."""
    clean = unicodedata.normalize("NFKC", text or "").replace("(", "（").replace(")", "）")
    return [part for part in SEPARATORS.split(clean) if part]


class UnitDirectory:
    """The county's units and pilot domains read once, so resolving a table of thousands of rows
    costs three queries (an import of a province-sized plan resolves every row)."""

    def __init__(self) -> None:
        units = list(Unit.objects.active().exclude(kind=UnitKind.VILLAGE).order_by("sort_order"))
        self.by_name = {u.name: u for u in units}
        self.townships = [u for u in units if u.kind == UnitKind.TOWNSHIP]
        self.departments = [u for u in units if u.kind == UnitKind.DEPARTMENT]
        self.offices = [u for u in units if u.kind == UnitKind.OFFICE]
        county = next((u for u in units if u.kind == UnitKind.COUNTY), None)
        # "石城县人民政府" → "石城县": the prefix a county puts before "县X" in its units' names.
        self.prefix = county.name.removesuffix("人民政府") if county else ""
        by_pk = {u.pk: u for u in units}
        self.domain_leads: dict[str, list[Unit]] = {}
        self.pilot_leads: list[Unit] = []
        domains = Domain.objects.prefetch_related("lead_units").order_by("sort_order")
        for domain in domains:
            leads = [by_pk[u.pk] for u in domain.lead_units.all() if u.pk in by_pk]
            for name in (domain.name, *domain.aliases):
                self.domain_leads.setdefault(name, leads)
            if domain.kind == DomainKind.PILOT:
                self.pilot_leads.extend(u for u in leads if u not in self.pilot_leads)

    def named(self, name: str) -> Unit | None:
        """The unit a name denotes: exactly, or with the county's prefix (县X → 石城县X)."""
        if name in self.by_name:
            return self.by_name[name]
        if self.prefix and name.startswith("县"):
            prefixed = self.prefix + name[1:]
            if prefixed in self.by_name:
                return self.by_name[prefixed]
        if name in OFFICE_NAMES and len(self.offices) == 1:
            return self.offices[0]
        return None

    def resolve(self, text: str, *, pilot: Sequence[PilotDepartment] = ()) -> Resolution:
        """Resolve a unit column; ``pilot`` is the plan's annex 2 (empty: the lead units of every
        pilot domain)."""
        result = Resolution()
        for name in split_names(text):
            if name in TOWNSHIP_GROUPS:
                result.add(self.townships)
            elif name in DEPARTMENT_GROUPS:
                result.add(self.departments)
            elif name in PILOT_GROUPS:
                self._pilot(name, pilot, result)
            elif unit := self.named(name):
                result.add([unit])
                if unit.name != name:
                    result.notes.append(f"“{name}”即{unit.name}")
            else:
                result.unresolved.append(name)
        return result

    def _pilot(self, group: str, pilot: Sequence[PilotDepartment], result: Resolution) -> None:
        if not pilot:
            if self.pilot_leads:
                result.add(self.pilot_leads)
                result.notes.append(f"“{group}”按各试点领域的业务主管部门确定")
            else:
                result.unresolved.append(group)
            return
        for entry in pilot:
            unit = self.named(entry["name"])
            if unit is not None:
                result.add([unit])
                if unit.name != entry["name"]:
                    result.notes.append(f"“{entry['name']}”即{unit.name}")
                continue
            leads = [u for d in entry["domains"] for u in self.domain_leads.get(d, [])]
            if leads:
                result.add(leads)
                names = "、".join(dict.fromkeys(u.name for u in leads))
                domains = "、".join(entry["domains"])
                result.notes.append(f"“{entry['name']}”按所管领域（{domains}）对应{names}")
            else:
                result.unresolved.append(entry["name"])
