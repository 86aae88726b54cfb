"""The demo county: `gongkai demo` loads 石城县 from the seeds, idempotently, through the services.

Loading takes a few seconds, so the county is loaded once for the package (tests/demo/conftest.py);
each test runs in its own transaction on top of it.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from gongkai.catalog.consistency import village_consistency
from gongkai.catalog.models import (
    PUBLIC_STATUSES,
    Catalog,
    CatalogAction,
    CatalogEvent,
    CatalogItem,
    CatalogStatus,
    Domain,
    DomainKind,
    GuidelineItem,
)
from gongkai.catalog.services import catalog_problems
from gongkai.core import clock
from gongkai.core.models import AuditEntry
from gongkai.demo.services import DEMO_PASSWORD, demo_logins
from gongkai.orgs.models import Membership, Role, Unit, UnitKind, User
from gongkai.orgs.selectors import unit_tree_rows

# The first table of the Shicheng monthly report (seeds/003), in its order.
SEED_003_DEPARTMENTS = [
    "县市场监管局", "县自然资源局", "县住建局", "县发改委", "县公安局", "县生态环境局", "县财政局",
    "县民政局", "县文广新旅局", "县就业局", "县教科体局", "县人社局", "县应急管理局", "县农业农村局",
    "县果茶服务中心", "县乡村振兴局", "县统计局", "县医疗保障局", "县司法局", "县商务局", "县行管委",
    "县退役军人事务局", "县林业局", "县交通运输局", "县卫健委", "县气象局", "县社保局",
    "县工业园区管委会", "县城管局", "县水利局", "县工信局", "县供销社", "县审计局",
]  # fmt: skip
# The second table (seeds/003).
SEED_003_TOWNSHIPS = [
    "琴江镇", "高田镇", "丰山乡", "屏山镇", "横江镇", "大由乡", "小松镇", "赣江源镇", "龙岗乡",
    "珠坑乡", "木兰乡",
]  # fmt: skip
# The 26 pilot domains as seeds/002 lists them (征地补偿 is also known as 农村集体土地征收).
SEED_002_PILOT_DOMAINS = [
    "城乡规划", "重大建设项目", "公共资源交易", "财政预决算", "安全生产", "税收管理", "征地补偿",
    "国有土地上房屋征收与补偿", "保障性住房", "农村危房改造", "生态环境", "公共文化服务",
    "公共法律服务", "扶贫", "救灾", "食品药品监管", "城市综合执法", "就业", "社会保险", "社会救助",
    "养老服务", "户籍管理", "涉农补贴", "义务教育", "卫生健康", "市政服务",
]  # fmt: skip


def _snapshot() -> dict[str, int]:
    models = [Unit, User, Membership, Domain, GuidelineItem, Catalog, CatalogItem, CatalogEvent]
    counts = {model.__name__: model._default_manager.count() for model in models}
    counts["AuditEntry"] = AuditEntry.objects.count()
    counts["lead units"] = Domain.lead_units.through.objects.count()
    return counts


def test_load_prints_a_one_line_summary(demo: str) -> None:
    lines = demo.strip().splitlines()
    assert len(lines) == 1
    assert f"单位{Unit.objects.count()}个" in lines[0]
    assert f"用户{User.objects.count()}个" in lines[0]
    assert f"公开领域{Domain.objects.count()}个" in lines[0]
    assert f"标准指引事项{GuidelineItem.objects.count()}项" in lines[0]
    assert f"目录{Catalog.objects.count()}份" in lines[0]


def test_running_twice_changes_nothing(demo: str) -> None:
    before = _snapshot()
    out = StringIO()
    call_command("demo", stdout=out)
    assert _snapshot() == before
    assert "未作改动" in out.getvalue()


def test_departments_are_exactly_those_of_seed_003(demo: str) -> None:
    departments = list(
        Unit.objects.filter(kind=UnitKind.DEPARTMENT)
        .order_by("sort_order")
        .values_list("name", flat=True)
    )
    assert departments == SEED_003_DEPARTMENTS
    county = Unit.objects.get(code="SCX")
    assert county.kind == UnitKind.COUNTY and county.parent is None
    assert set(Unit.objects.filter(kind=UnitKind.DEPARTMENT).values_list("parent", flat=True)) == {
        county.pk
    }


def test_townships_community_committee_and_villages(demo: str) -> None:
    townships = Unit.objects.filter(kind=UnitKind.TOWNSHIP).order_by("sort_order")
    assert [t.name for t in townships] == SEED_003_TOWNSHIPS
    committee = Unit.objects.get(name="县城市社区管委会")
    assert committee.kind == UnitKind.COMMUNITY
    for parent in [*townships, committee]:
        villages = list(parent.children.all())
        assert 3 <= len(villages) <= 5, parent.name
        for village in villages:
            assert village.kind == UnitKind.VILLAGE
            assert village.code.startswith(parent.code)
            if parent.kind == UnitKind.TOWNSHIP:
                assert village.name.startswith(parent.name)
            else:
                assert village.name.endswith("社区居委会")


def test_office_and_stationed_tax_bureau(demo: str) -> None:
    office = Unit.objects.get(code="GKB")
    assert (office.name, office.kind, office.parent.code if office.parent else None) == (
        "石城县政务公开办",
        UnitKind.OFFICE,
        "SCX",
    )
    tax = Unit.objects.get(name="县税务局")
    assert tax.kind == UnitKind.STATIONED
    assert list(tax.lead_domains.values_list("name", flat=True)) == ["税收管理"]


def test_unit_codes_are_short_and_parents_come_first(demo: str) -> None:
    seen: set[str] = set()
    for row in unit_tree_rows():
        code = str(row["code"])
        assert code.isascii() and code.isalnum() and code.upper() == code and len(code) <= 8
        assert row["parent"] is None or row["parent"] in seen, code
        seen.add(code)
    assert len(seen) == Unit.objects.count()


def test_pilot_domains_follow_seed_002_with_leads_and_complete_guidelines(demo: str) -> None:
    pilots = list(Domain.objects.filter(kind=DomainKind.PILOT).order_by("sort_order"))
    assert [d.name for d in pilots] == SEED_002_PILOT_DOMAINS
    for domain in pilots:
        assert domain.lead_units.exists(), domain.name
        items = list(domain.guideline_items.all())
        assert 3 <= len(items) <= 6, domain.name
        for item in items:
            assert item.missing_elements() == [], str(item)
        assert any(item.level_county for item in items), domain.name
    for domain in Domain.objects.filter(kind=DomainKind.OTHER):
        assert domain.lead_units.exists(), domain.name
        items = list(domain.guideline_items.all())
        assert 2 <= len(items) <= 3, domain.name
        assert all(item.missing_elements() == [] for item in items)


def test_domain_codes_and_aliases(demo: str) -> None:
    domains = list(Domain.objects.all())
    names = {d.name for d in domains}
    assert {"广播电视", "交通运输", "旅游", "统计", "新闻出版", "自然资源"} <= names
    assert "医疗卫生" not in names
    aliases = [alias for d in domains for alias in d.aliases]
    assert len(aliases) == len(set(aliases))
    assert not set(aliases) & names
    by_name = {d.name: d for d in domains}
    assert "农村集体土地征收" in by_name["征地补偿"].aliases
    assert "国土空间规划" in by_name["城乡规划"].aliases
    assert "环境保护" in by_name["生态环境"].aliases
    assert "就业创业" in by_name["就业"].aliases
    assert "医疗卫生" in by_name["卫生健康"].aliases
    assert "国有土地上房屋征收" in by_name["国有土地上房屋征收与补偿"].aliases
    for domain in domains:
        assert domain.code.isascii() and domain.code == domain.code.lower()


@pytest.mark.parametrize(
    ("domain", "leads"),
    [
        ("社会救助", {"县民政局"}),
        ("养老服务", {"县民政局"}),
        ("公共资源交易", {"县行管委"}),
        ("义务教育", {"县教科体局"}),
        ("就业", {"县人社局", "县就业局"}),
        ("社会保险", {"县人社局", "县社保局"}),
        ("城乡规划", {"县自然资源局"}),
        ("征地补偿", {"县自然资源局"}),
        ("市政服务", {"县住建局"}),
        ("扶贫", {"县乡村振兴局"}),
        ("涉农补贴", {"县农业农村局"}),
        ("公共文化服务", {"县文广新旅局"}),
        ("卫生健康", {"县卫健委"}),
        ("城市综合执法", {"县城管局"}),
        ("税收管理", {"县税务局"}),
        ("旅游", {"县文广新旅局"}),
        ("统计", {"县统计局"}),
    ],
)
def test_lead_units_map_seed_004_onto_shicheng(demo: str, domain: str, leads: set[str]) -> None:
    found = Domain.objects.get(name=domain).lead_units.values_list("name", flat=True)
    assert set(found) == leads


def test_village_matters_are_also_township_matters(demo: str) -> None:
    village_items = GuidelineItem.objects.filter(level_village=True)
    assert village_items.exists()
    assert not village_items.filter(level_township=False).exists()
    assert set(village_items.values_list("domain__name", flat=True)) == {
        "社会救助",
        "涉农补贴",
        "农村危房改造",
        "养老服务",
        "扶贫",
    }


def test_every_role_has_a_user_who_can_log_in(demo: str, client: Client) -> None:
    for role in Role:
        membership = Membership.objects.filter(role=role).select_related("user").first()
        assert membership is not None, role
        assert client.login(username=membership.user.username, password=DEMO_PASSWORD), role
        client.logout()
    for row in demo_logins():
        assert client.login(username=row.username, password=DEMO_PASSWORD), row.username
        client.logout()


def test_staff_accounts_per_unit(demo: str) -> None:
    def roles(username: str) -> set[tuple[str, str]]:
        return set(
            Membership.objects.filter(user__username=username).values_list("unit__code", "role")
        )

    assert roles("office") == {("GKB", Role.OFFICE)}
    assert roles("leader") == {("SCX", Role.LEADER)}
    assert roles("mzj_handler") == {("MZJ", Role.HANDLER)}
    for unit in Unit.objects.exclude(kind__in=[UnitKind.COUNTY, UnitKind.OFFICE]):
        prefix = unit.code.lower()
        if unit.kind == UnitKind.VILLAGE:
            assert roles(f"{prefix}_clerk") == {(unit.code, Role.VILLAGE_CLERK)}
        else:
            assert roles(f"{prefix}_editor") == {(unit.code, Role.EDITOR)}
            assert roles(f"{prefix}_reviewer") == {(unit.code, Role.REVIEWER)}
    assert all(user.full_name for user in User.objects.all())


def test_catalogs_of_both_years_in_their_planned_states(demo: str) -> None:
    year = clock.today().year
    current = {c.unit.code: c for c in Catalog.objects.filter(version=year).select_related("unit")}
    assert {code for code, c in current.items() if c.status == CatalogStatus.DRAFT} == {
        "GAJ",
        "TJJ",
        "JTYSJ",
    }
    assert current["ZJJ"].status == CatalogStatus.SUBMITTED
    assert current["MZJ"].status == CatalogStatus.RETURNED
    returned = current["MZJ"].events.get(action=CatalogAction.RETURNED)
    assert returned.actor is not None and returned.actor.username == "office"
    assert "身份证号" in returned.comment
    reported = {code for code, c in current.items() if c.status == CatalogStatus.REPORTED}
    assert len(reported) >= 3
    for unit in Unit.objects.filter(lead_domains__isnull=False).distinct():
        assert unit.code in current, unit.name
        assert Catalog.objects.filter(unit=unit, version=year - 1).exists(), unit.name
    local = Unit.objects.filter(kind__in=[UnitKind.TOWNSHIP, UnitKind.COMMUNITY, UnitKind.VILLAGE])
    for unit in local:
        for version in (year - 1, year):
            catalog = Catalog.objects.get(unit=unit, version=version)
            assert catalog.status in PUBLIC_STATUSES, (unit.name, version)


def test_public_catalogs_are_complete_and_show_who_did_what(demo: str) -> None:
    for catalog in Catalog.objects.filter(status__in=PUBLIC_STATUSES):
        assert catalog_problems(catalog) == [], str(catalog)
        approved = catalog.events.get(action=CatalogAction.APPROVED)
        assert approved.actor is not None and approved.actor.username == "office"
        created = catalog.events.get(action=CatalogAction.CREATED)
        assert created.actor is not None
        assert created.actor.memberships.filter(unit=catalog.unit).exists()


def test_catalogs_start_from_the_right_templates(demo: str) -> None:
    year = clock.today().year
    township = Catalog.objects.get(unit__code="QJZ", version=year)
    assert township.items.count() == GuidelineItem.objects.filter(level_township=True).count()
    village = Catalog.objects.get(unit__code="FSX01", version=year)
    assert village.items.count() == GuidelineItem.objects.filter(level_village=True).count()
    civil = Catalog.objects.get(unit__code="MZJ", version=year)
    assert set(civil.items.values_list("domain__name", flat=True)) == {"社会救助", "养老服务"}


def test_consistency_check_finds_the_deliberate_differences(demo: str) -> None:
    year = clock.today().year
    found = {}
    for catalog in Catalog.objects.filter(unit__kind=UnitKind.VILLAGE).select_related("unit"):
        report = village_consistency(catalog)
        if not report.is_consistent:
            found[(catalog.unit.code, catalog.version)] = (
                [(str(d.village_item), d.fields) for d in report.differences],
                [str(item) for item in report.missing],
            )
    assert found == {
        ("QJZ01", year): (
            [("最低生活保障/审核确认结果", ["公开时限"])],
            ["农业生产发展资金/耕地地力保护补贴"],
        ),
        ("GTZ02", year): (
            [("补助对象/补助对象审核结果", ["公开内容（要素）"])],
            ["高龄津贴/发放对象及标准"],
        ),
    }
