"""Load the demo county 石城县 so gongkai can be tried, shown and tested with realistic data.

The data lives in ``gongkai/demo/data/*.json`` (each file explains its sources in ``_note``): the
unit tree from the Shicheng monthly report (seeds/003), the 26 pilot domains (seeds/002) with the
lead departments of seeds/004 annex 2 mapped onto Shicheng's departments, demo guideline items in
the national layout, and the plan of which catalog ends in which state.

Everything goes through the services (``gongkai.orgs.services``, ``gongkai.catalog.services``), so
the demo's catalogs carry real history and audit entries and show who did what. Loading is
idempotent: units, users, domains and memberships are looked up by their natural keys, guideline
items are only added to a domain that has none, and a catalog that exists for (unit, version) is
never touched again, so running ``gongkai demo`` twice changes nothing.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from functools import cache
from pathlib import Path
from typing import TypedDict, cast

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction

from gongkai.applications.models import Application
from gongkai.catalog import services as catalog_services
from gongkai.catalog.models import (
    TICK_GROUPS,
    Catalog,
    CatalogStatus,
    Domain,
    DomainKind,
    GuidelineItem,
)
from gongkai.core import clock
from gongkai.core.audit import audit
from gongkai.core.errors import ValidationFailed
from gongkai.demo.accesspoints import load_access_points
from gongkai.demo.applications import load_applications
from gongkai.demo.assessment import load_assessment
from gongkai.demo.columns import load_standard_columns
from gongkai.demo.enterprises import ENTERPRISES, load_enterprises
from gongkai.demo.guides import load_unit_guides
from gongkai.demo.interaction import load_interaction
from gongkai.demo.interpretations import load_interpretations
from gongkai.demo.ledger import load_ledger
from gongkai.demo.monitoring import load_monitoring
from gongkai.demo.publications import load_publications
from gongkai.demo.push import load_push
from gongkai.demo.reports import load_reports
from gongkai.demo.serviceguides import load_service_guides
from gongkai.demo.site import link_interpretations, load_site_settings
from gongkai.demo.topics import load_topics
from gongkai.ledger.models import Task
from gongkai.monitoring.models import NewMediaAccount
from gongkai.orgs import services as org_services
from gongkai.orgs.models import COUNTY_LEVEL_KINDS, Role, Unit, UnitKind, User
from gongkai.publications.models import Publication

DATA_DIR = Path(__file__).resolve().parent / "data"

# Every demo account has this password. It is printed by `gongkai demo --logins` and in the
# README; the demo refuses to load in production, so it never guards real data.
DEMO_PASSWORD = "gongkai-demo"  # noqa: S105 - a documented demo password, not a secret
LOGIN_URL = "http://127.0.0.1:8000/accounts/login/"

OFFICE_USERNAME = "office"
LEADER_USERNAME = "leader"
HANDLER_UNIT = "MZJ"  # 县民政局 handles the demo's applications, so it also gets a 承办人

_TICK_FIELD_BY_LABEL = {label: field for _group, ticks in TICK_GROUPS for field, label in ticks}


# ---------------------------------------------------------------------------- the data files


class UnitSpec(TypedDict):
    code: str
    name: str


class ParentSpec(TypedDict):
    code: str
    name: str
    villages: list[str]


class UnitsData(TypedDict):
    county: UnitSpec
    office: UnitSpec
    departments: list[UnitSpec]
    stationed: list[UnitSpec]
    townships: list[ParentSpec]
    community: ParentSpec


class DomainSpec(TypedDict):
    code: str
    name: str
    aliases: list[str]
    lead: list[str]


class DomainsData(TypedDict):
    pilot: list[DomainSpec]
    other: list[DomainSpec]


class GuidelineSpec(TypedDict):
    level1: str
    level2: str
    content: str
    basis: str
    time_limit: str
    subject: str
    channels: str
    ticks: list[str]


class GuidelinesData(TypedDict):
    items: dict[str, list[GuidelineSpec]]


class ItemRef(TypedDict):
    domain: str
    level1: str
    level2: str


class ItemUpdate(ItemRef):
    elements: dict[str, str]


class VillageChange(TypedDict):
    village: str
    update: ItemUpdate
    delete: ItemRef


class CurrentYearPlan(TypedDict):
    draft: list[str]
    submitted: dict[str, str]
    returned: dict[str, str]
    reported: list[str]


class CatalogsData(TypedDict):
    current_year: CurrentYearPlan
    village_changes: list[VillageChange]


def _read(name: str) -> object:
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


@cache
def units_data() -> UnitsData:
    return cast(UnitsData, _read("units.json"))


@cache
def domains_data() -> DomainsData:
    return cast(DomainsData, _read("domains.json"))


@cache
def guidelines_data() -> GuidelinesData:
    return cast(GuidelinesData, _read("guidelines.json"))


@cache
def catalogs_data() -> CatalogsData:
    return cast(CatalogsData, _read("catalogs.json"))


# ---------------------------------------------------------------------------- the plan


@dataclass(frozen=True)
class PlannedUnit:
    code: str
    name: str
    kind: str
    parent: str | None
    sort_order: int


@dataclass(frozen=True)
class PlannedUser:
    username: str
    full_name: str
    unit: str
    role: str


def village_code(parent_code: str, number: int) -> str:
    """Village codes are the parent's code and a two-digit number: QJZ01, QJZ02 …"""
    return f"{parent_code}{number:02d}"


def planned_units() -> list[PlannedUnit]:
    """Every demo unit, parents first; sort_order keeps that order in ``unit_tree_rows()``.

    Order: county, office, the departments in the monthly report's order, the stationed tax
    bureau, the townships, the community committee, then villages grouped by township.
    """
    data = units_data()
    county = data["county"]["code"]
    units = [
        PlannedUnit(county, data["county"]["name"], UnitKind.COUNTY, None, 0),
        PlannedUnit(data["office"]["code"], data["office"]["name"], UnitKind.OFFICE, county, 10),
    ]
    for n, spec in enumerate(data["departments"], start=1):
        units.append(PlannedUnit(spec["code"], spec["name"], UnitKind.DEPARTMENT, county, 100 + n))
    for n, spec in enumerate(data["stationed"], start=1):
        units.append(PlannedUnit(spec["code"], spec["name"], UnitKind.STATIONED, county, 200 + n))
    parents: list[tuple[ParentSpec, str]] = [(t, UnitKind.TOWNSHIP) for t in data["townships"]]
    parents.append((data["community"], UnitKind.COMMUNITY))
    for n, (spec, kind) in enumerate(parents, start=1):
        units.append(PlannedUnit(spec["code"], spec["name"], kind, county, 300 + n))
    for n, (spec, _kind) in enumerate(parents, start=1):
        for m, name in enumerate(spec["villages"], start=1):
            code = village_code(spec["code"], m)
            units.append(
                PlannedUnit(code, name, UnitKind.VILLAGE, spec["code"], 1000 + 100 * n + m)
            )
    return units


def planned_users() -> list[PlannedUser]:
    """The demo's staff: one account per role and unit, named ``<unit code>_<role>``."""
    data = units_data()
    users = [
        PlannedUser(OFFICE_USERNAME, "县政务公开办工作人员", data["office"]["code"], Role.OFFICE),
        PlannedUser(LEADER_USERNAME, "县政府分管领导", data["county"]["code"], Role.LEADER),
    ]
    for unit in planned_units():
        prefix = unit.code.lower()
        if unit.kind == UnitKind.VILLAGE:
            users.append(
                PlannedUser(
                    f"{prefix}_clerk", f"{unit.name}村务管理员", unit.code, Role.VILLAGE_CLERK
                )
            )
        elif unit.kind in (UnitKind.COUNTY, UnitKind.OFFICE):
            continue
        else:
            users.append(
                PlannedUser(f"{prefix}_editor", f"{unit.name}信息员", unit.code, Role.EDITOR)
            )
            users.append(
                PlannedUser(f"{prefix}_reviewer", f"{unit.name}审核人", unit.code, Role.REVIEWER)
            )
            if unit.code == HANDLER_UNIT:
                users.append(
                    PlannedUser(f"{prefix}_handler", f"{unit.name}承办人", unit.code, Role.HANDLER)
                )
    return users


def all_domain_specs() -> list[tuple[DomainSpec, str]]:
    """Every domain of the data file with its kind, pilot domains first, in the file's order."""
    data = domains_data()
    specs: list[tuple[DomainSpec, str]] = [(d, DomainKind.PILOT) for d in data["pilot"]]
    specs.extend((d, DomainKind.OTHER) for d in data["other"])
    return specs


# ---------------------------------------------------------------------------- the logins


@dataclass(frozen=True)
class DemoLogin:
    role: str
    unit: str
    username: str


def demo_logins() -> list[DemoLogin]:
    """One account per role to try the demo with (read from the data files, nothing loaded)."""
    names = {u.code: u.name for u in planned_units()}
    names.update((spec.code, spec.name) for spec in ENTERPRISES)
    data = units_data()
    township = data["townships"][0]
    village = village_code(township["code"], 1)
    office, county = data["office"]["code"], data["county"]["code"]
    rows = [
        (Role.OFFICE.label, office, OFFICE_USERNAME),
        (Role.LEADER.label, county, LEADER_USERNAME),
        (Role.EDITOR.label, HANDLER_UNIT, f"{HANDLER_UNIT.lower()}_editor"),
        (Role.REVIEWER.label, HANDLER_UNIT, f"{HANDLER_UNIT.lower()}_reviewer"),
        (Role.HANDLER.label, HANDLER_UNIT, f"{HANDLER_UNIT.lower()}_handler"),
        (f"{Role.EDITOR.label}（乡镇）", township["code"], f"{township['code'].lower()}_editor"),
        (Role.VILLAGE_CLERK.label, village, f"{village.lower()}_clerk"),
        (f"{Role.EDITOR.label}（公共企事业单位）", "RMYY", "rmyy_editor"),
    ]
    return [DemoLogin(role=role, unit=names[code], username=user) for role, code, user in rows]


# ---------------------------------------------------------------------------- loading


@dataclass(frozen=True)
class DemoCounts:
    units: int
    users: int
    domains: int
    guideline_items: int
    catalogs: int
    publications: int  # published items (已发布政府信息)
    applications: int
    tasks: int  # work-plan tasks of the ledger
    accounts: int  # new-media accounts monitored

    def __sub__(self, other: DemoCounts) -> DemoCounts:
        return DemoCounts(
            **{f.name: getattr(self, f.name) - getattr(other, f.name) for f in fields(self)}
        )

    @property
    def is_zero(self) -> bool:
        return not any(getattr(self, f.name) for f in fields(self))

    def text(self) -> str:
        return (
            f"单位{self.units}个，用户{self.users}个，公开领域{self.domains}个，"
            f"标准指引事项{self.guideline_items}项，目录{self.catalogs}份，"
            f"已发布政府信息{self.publications}条，依申请公开申请{self.applications}件，"
            f"工作任务{self.tasks}项，政务新媒体账号{self.accounts}个"
        )


@dataclass(frozen=True)
class DemoSummary:
    """What the database holds after loading, and how much of it this run added."""

    totals: DemoCounts
    added: DemoCounts
    dry_run: bool = False

    def line(self) -> str:
        """The one-line report `gongkai demo` prints."""
        text = f"石城县演示数据：{self.totals.text()}"
        if self.added.is_zero:
            text += "（已是最新，未作改动）"
        else:
            text += f"（本次新增{self.added.text()}）"
        if self.dry_run:
            text += "；试运行，未保存"
        return text


def _counts() -> DemoCounts:
    return DemoCounts(
        units=Unit.objects.count(),
        users=User.objects.count(),
        domains=Domain.objects.count(),
        guideline_items=GuidelineItem.objects.count(),
        catalogs=Catalog.objects.count(),
        publications=Publication.objects.published().count(),
        applications=Application.objects.count(),
        tasks=Task.objects.count(),
        accounts=NewMediaAccount.objects.count(),
    )


@transaction.atomic
def demo_load(*, dry_run: bool = False) -> DemoSummary:
    """Load the demo county; with ``dry_run`` do everything, report it, and roll it all back.

    Refuses in production: the demo accounts share a published password.
    """
    if getattr(settings, "GONGKAI_ENV", "development") == "production":
        raise ValidationFailed(
            "生产环境不能载入演示数据：演示账号的密码是公开的。",
            log="refusing to load demo data in production",
        )
    before = _counts()
    units = _load_units()
    _load_users(units)
    users = {u.username: u for u in User.objects.filter(username__in=_usernames())}
    office = users[OFFICE_USERNAME]
    domains = _load_domains()
    _load_guidelines(domains)
    _load_lead_units(domains, units, office)
    _load_catalogs(units, users)
    load_publications(units=units, users=users)
    load_standard_columns(units=units)
    load_interpretations()
    link_interpretations()
    load_site_settings()
    load_applications(units=units, users=users)
    load_reports(office=office, units=units)
    load_ledger(units=units, users=users)
    load_monitoring(units=units, today=clock.today())
    load_assessment(units=units, users=users)
    load_push()  # 政策找人 (issue 13)
    load_topics(office=office)  # D: 专题专栏 (issue 14)
    load_interaction(units=units, users=users)  # K: messages (issue 13)
    load_service_guides(units=units, users=users)  # A: 办事指南 (issue 14)
    load_enterprises(units=units)  # C: 公共企事业单位 (issue 14)
    load_access_points(units=units)  # E: 政务公开专区和查阅点 (issue 14)
    after = _counts()
    if after != before:
        audit(
            actor=None,
            action="demo.load",
            target=units[units_data()["county"]["code"]],
            summary="载入演示县石城县",
            data={"added": asdict(after - before)},
        )
    if dry_run:
        transaction.set_rollback(True)
    return DemoSummary(totals=after, added=after - before, dry_run=dry_run)


def _usernames() -> list[str]:
    return [u.username for u in planned_users()]


def _load_units() -> dict[str, Unit]:
    units: dict[str, Unit] = {}
    for plan in planned_units():
        unit, _created = org_services.unit_ensure(
            actor=None,
            code=plan.code,
            name=plan.name,
            kind=plan.kind,
            parent=units[plan.parent] if plan.parent else None,
            sort_order=plan.sort_order,
        )
        units[plan.code] = unit
    _give_phones(units)
    load_unit_guides(units)
    return units


def _give_phones(units: dict[str, Unit]) -> None:
    """Invented enquiry numbers (0797 is Ganzhou's area code) so letters print a 联系电话."""
    blank = [u for u in units.values() if not u.phone and u.kind != UnitKind.VILLAGE]
    for number, unit in enumerate(sorted(blank, key=lambda u: u.sort_order), start=1):
        unit.phone = f"0797-57{number:05d}"
    Unit.objects.bulk_update(blank, ["phone"])


def _load_users(units: dict[str, Unit]) -> None:
    plans = planned_users()
    existing = {u.username: u for u in User.objects.filter(username__in=_usernames())}
    # Hash once: a password hash costs tens of milliseconds by design, and every account
    # shares the demo password.
    password_hash = (
        make_password(DEMO_PASSWORD) if any(p.username not in existing for p in plans) else None
    )
    for plan in plans:
        user = existing.get(plan.username)
        if user is None:
            user, _created = org_services.user_ensure(
                actor=None,
                username=plan.username,
                full_name=plan.full_name,
                password_hash=password_hash,
            )
        org_services.membership_grant(actor=None, user=user, unit=units[plan.unit], role=plan.role)


def _load_domains() -> dict[str, Domain]:
    domains: dict[str, Domain] = {}
    for order, (spec, kind) in enumerate(all_domain_specs(), start=1):
        domain, created = Domain.objects.get_or_create(
            code=spec["code"],
            defaults={
                "name": spec["name"],
                "kind": kind,
                "aliases": spec["aliases"],
                "sort_order": order,
            },
        )
        if created:
            audit(
                actor=None,
                action="domain.create",
                target=domain,
                summary=f"新增公开领域 {domain.name}（{domain.get_kind_display()}）",
            )
        domains[spec["code"]] = domain
    return domains


def guideline_elements(spec: GuidelineSpec) -> dict[str, object]:
    """The element values of a guideline item in the data file, ticks turned into fields."""
    values: dict[str, object] = {
        key: value for key, value in spec.items() if key != "ticks" and isinstance(value, str)
    }
    for label in spec["ticks"]:
        values[_TICK_FIELD_BY_LABEL[label]] = True
    return catalog_services.clean_elements(values)


def _load_guidelines(domains: dict[str, Domain]) -> None:
    filled = set(GuidelineItem.objects.values_list("domain_id", flat=True).distinct())
    rows: list[GuidelineItem] = []
    for code, specs in guidelines_data()["items"].items():
        domain = domains[code]
        if domain.pk in filled:
            continue
        rows.extend(
            GuidelineItem(domain=domain, sort_order=n, **guideline_elements(spec))
            for n, spec in enumerate(specs, start=1)
        )
        audit(
            actor=None,
            action="guideline.create",
            target=domain,
            summary=f"载入{domain.name}领域演示标准指引{len(specs)}项",
        )
    GuidelineItem.objects.bulk_create(rows)


def _load_lead_units(domains: dict[str, Domain], units: dict[str, Unit], office: User) -> None:
    """Name each domain's lead departments, unless the office has already named some."""
    led = set(Domain.lead_units.through.objects.values_list("domain_id", flat=True).distinct())
    for spec, _kind in all_domain_specs():
        domain = domains[spec["code"]]
        if domain.pk not in led:
            catalog_services.domain_set_lead_units(
                actor=office, domain=domain, units=[units[code] for code in spec["lead"]]
            )


def _staff(users: dict[str, User], unit: Unit) -> tuple[User, User]:
    """Who drafts and who submits the unit's catalog: the village clerk does both in a village."""
    prefix = unit.code.lower()
    if unit.kind == UnitKind.VILLAGE:
        clerk = users[f"{prefix}_clerk"]
        return clerk, clerk
    return users[f"{prefix}_editor"], users[f"{prefix}_reviewer"]


def _load_catalogs(units: dict[str, Unit], users: dict[str, User]) -> None:
    """Create last year's and this year's catalogs of lead departments, townships and villages.

    Last year's are created first, so this year's start from them as a real yearly revision does.
    """
    plan = catalogs_data()
    current = plan["current_year"]
    year = clock.today().year
    lead_units = [
        u
        for u in Unit.objects.filter(lead_domains__isnull=False, kind__in=COUNTY_LEVEL_KINDS)
        .distinct()
        .order_by("sort_order", "code")
        if u.code in units
    ]
    local_units = [u for u in units.values() if u.kind in (UnitKind.TOWNSHIP, UnitKind.COMMUNITY)]
    villages = [u for u in units.values() if u.kind == UnitKind.VILLAGE]
    changes = {c["village"]: c for c in plan["village_changes"]}
    existing = set(Catalog.objects.values_list("unit_id", "version"))
    office = users[OFFICE_USERNAME]

    def target_for(unit: Unit, version: int) -> tuple[str, str]:
        """The status the unit's catalog ends in, and the office's comment if it is returned."""
        if unit.kind == UnitKind.VILLAGE:
            return CatalogStatus.APPROVED, ""
        if version < year:
            return CatalogStatus.REPORTED, ""
        if unit.kind in COUNTY_LEVEL_KINDS:
            if unit.code in current["draft"]:
                return CatalogStatus.DRAFT, ""
            if unit.code in current["submitted"]:
                return CatalogStatus.SUBMITTED, ""
            if unit.code in current["returned"]:
                return CatalogStatus.RETURNED, current["returned"][unit.code]
            if unit.code in current["reported"]:
                return CatalogStatus.REPORTED, ""
        return CatalogStatus.APPROVED, ""

    for version in (year - 1, year):
        for unit in [*lead_units, *local_units, *villages]:
            if (unit.pk, version) in existing:
                continue
            status, return_comment = target_for(unit, version)
            change = changes.get(unit.code) if version == year else None
            _catalog_through(
                unit=unit,
                version=version,
                status=status,
                staff=_staff(users, unit),
                office=office,
                submit_comment=current["submitted"].get(unit.code, ""),
                return_comment=return_comment,
                change=change,
            )


def _catalog_through(
    *,
    unit: Unit,
    version: int,
    status: str,
    staff: tuple[User, User],
    office: User,
    submit_comment: str,
    return_comment: str,
    change: VillageChange | None,
) -> Catalog:
    """Walk one catalog through its life up to ``status``, each step by the person who takes it."""
    editor, reviewer = staff
    catalog = catalog_services.catalog_create(actor=editor, unit=unit, version=version)
    if change is not None:
        _apply_village_change(catalog, editor, change)
    if status == CatalogStatus.DRAFT:
        return catalog
    catalog = catalog_services.catalog_submit(
        actor=reviewer, catalog=catalog, comment=submit_comment
    )
    if status == CatalogStatus.SUBMITTED:
        return catalog
    if status == CatalogStatus.RETURNED:
        return catalog_services.catalog_return(
            actor=office, catalog=catalog, comment=return_comment
        )
    catalog = catalog_services.catalog_approve(actor=office, catalog=catalog)
    if status == CatalogStatus.REPORTED:
        catalog = catalog_services.catalog_report(
            actor=office, catalog=catalog, comment="已报市政务公开办审核。"
        )
    return catalog


def _apply_village_change(catalog: Catalog, clerk: User, change: VillageChange) -> None:
    """Make a village's list differ from its township's on purpose, for the consistency check."""
    update = change["update"]
    item = catalog.items.get(
        domain__code=update["domain"], level1=update["level1"], level2=update["level2"]
    )
    catalog_services.catalog_item_update(actor=clerk, item=item, elements=update["elements"])
    gone = change["delete"]
    item = catalog.items.get(
        domain__code=gone["domain"], level1=gone["level1"], level2=gone["level2"]
    )
    catalog_services.catalog_item_delete(actor=clerk, item=item)
