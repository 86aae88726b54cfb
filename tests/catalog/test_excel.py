"""Import and export of catalogs in the national Excel layout, on real files."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from gongkai.catalog import excel, services
from gongkai.catalog.models import Catalog, CatalogItem, CatalogStatus, Domain
from gongkai.catalog.selectors import catalog_sections
from gongkai.core.errors import AccessDenied, InvalidTransition
from gongkai.orgs.models import Unit, User
from tests.factories import CatalogFactory, CatalogItemFactory, DomainFactory

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _read(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def _elements(catalog: Catalog) -> list[tuple[str, dict[str, Any]]]:
    return [
        (item.domain.name, item.elements())
        for section in catalog_sections(catalog)
        for item in section.items
    ]


@pytest.fixture
def domains(domain: Domain, second_domain: Domain) -> list[Domain]:
    return [domain, second_domain]


def test_import_county_layout_with_title_row_merges_and_tick_variants(
    department: Unit, domains: list[Domain]
) -> None:
    summary = services.catalog_import(
        actor=None,
        unit=department,
        version=2024,
        source=_read("county_social_assistance.xlsx"),
        filename="county_social_assistance.xlsx",
    )
    assert summary.items == 6
    assert summary.sheets == [
        {"sheet": "Sheet1", "domain": "社会救助", "items": 6, "ignored_columns": []}
    ]
    catalog = Catalog.objects.get(unit=department, version=2024)
    items = list(catalog.items.order_by("sort_order"))
    # 一级事项 merged down over three rows is filled into each of them.
    assert [i.level1 for i in items[:3]] == ["最低生活保障"] * 3
    assert [i.level2 for i in items[:3]] == ["办事指南", "审核确认结果", "监督渠道"]
    first = items[0]
    assert first.basis == "《社会救助暂行办法》\n《江西省最低生活保障办法》"
    assert first.channels == "■政府网站 □政府公报 ■两微一端\n■公开查阅点 ■便民服务站"
    # ✓ ✔ √ all count as ticked; blank as not.
    assert (first.audience_public, first.audience_specific) == (True, False)
    assert (first.mode_proactive, first.mode_on_request) == (True, False)
    assert (first.level_county, first.level_township) == (True, True)
    special = items[4]
    assert (special.audience_public, special.audience_specific) == (False, True)
    assert (special.mode_proactive, special.mode_on_request) == (True, True)
    assert (special.level_county, special.level_township) == (True, False)
    assert all(not i.missing_elements() for i in items)


def test_import_multiple_sheets_header_variants_and_extra_columns(
    department: Unit, domains: list[Domain]
) -> None:
    summary = services.catalog_import(
        actor=None, unit=department, version=2024, source=_read("multi_domain.xlsx")
    )
    assert summary.items == 6
    assert [(s["sheet"], s["domain"], s["items"]) for s in summary.sheets] == [
        ("社会救助", "社会救助", 3),
        ("养老服务领域", "养老服务", 3),
    ]
    # A column the layout does not know is not imported, and the summary says so.
    assert summary.sheets[1]["ignored_columns"] == ["P列“责任科室”"]
    elderly = list(
        Catalog.objects.get(unit=department, version=2024)
        .items.filter(domain__name="养老服务")
        .order_by("sort_order")
    )
    # 五公开 is kept; 乡、村级 ticks both the township and the village level.
    assert [i.five_public for i in elderly] == ["执行公开", "结果公开", "结果公开"]
    assert (elderly[0].level_township, elderly[0].level_village) == (True, True)
    assert (elderly[1].level_township, elderly[1].level_village) == (False, False)
    # 特定群众 is read as 特定群体.
    assert elderly[2].audience_specific is True


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("bad_missing_basis.xlsx", "工作表“社会救助”第5行E列：“公开依据”不能为空。"),
        ("bad_unknown_domain.xlsx", "工作表“Sheet1”第1行A列：无法识别公开领域"),
        (
            "bad_broken_header.xlsx",
            "工作表“社会救助”第1行F列：表头缺少以下列：公开时限；无法识别的表头：F列“时间”",
        ),
        ("bad_bad_tick.xlsx", "工作表“社会救助”第4行K列：“有”不是勾选标记"),
        ("bad_no_level.xlsx", "工作表“社会救助”第3行M列：“公开层级”至少要勾选一项"),
        ("not_a_workbook.xlsx", "文件不是有效的Excel工作簿"),
    ],
)
def test_bad_workbooks_are_rejected_naming_sheet_row_and_column_and_import_nothing(
    department: Unit, domains: list[Domain], fixture: str, expected: str
) -> None:
    existing = CatalogFactory(unit=department, version=2024)
    kept = CatalogItemFactory(catalog=existing, domain=domains[0])
    with pytest.raises(excel.WorkbookRejected) as caught:
        services.catalog_import(actor=None, unit=department, version=2024, source=_read(fixture))
    assert any(p.startswith(expected) for p in caught.value.problems), caught.value.problems
    assert list(existing.items.all()) == [kept]
    assert not Catalog.objects.filter(version=2025).exists()


def test_rejection_creates_no_catalog(department: Unit, domains: list[Domain]) -> None:
    with pytest.raises(excel.WorkbookRejected):
        services.catalog_import(
            actor=None, unit=department, version=2023, source=_read("bad_missing_basis.xlsx")
        )
    assert not Catalog.objects.exists()
    assert not CatalogItem.objects.exists()


def _big_catalog(unit: Unit, count: int) -> Catalog:
    """A catalog of ``count`` items over five domains, with line breaks, optional columns, every
    tick pattern and 一级事项 groups of varying size."""
    domains = [
        DomainFactory(name=name)
        for name in ("社会救助", "养老服务", "就业", "户籍管理", "义务教育")
    ]
    catalog = CatalogFactory(unit=unit, version=2024)
    rows = []
    for n in range(count):
        domain = domains[n % len(domains)]
        group = n // 7
        rows.append(
            CatalogItem(
                catalog=catalog,
                domain=domain,
                sort_order=n,
                level1=f"一级事项{group}",
                level2=f"二级事项{n}（含“引号”与、顿号）",
                content=f"公开内容第{n}项\n第二行：办理条件、申请材料\n第三行",
                basis=f"《中华人民共和国政府信息公开条例》第{n % 50 + 1}条",
                time_limit="信息形成或者变更之日起20个工作日内",
                subject="县民政局\n乡镇人民政府" if n % 3 else "县民政局",
                channels="■政府网站 □政府公报\n■便民服务站",
                audience_public=n % 2 == 0,
                audience_specific=n % 2 == 1 or n % 5 == 0,
                mode_proactive=n % 4 != 3,
                mode_on_request=n % 4 >= 2,
                level_county=n % 3 != 2,
                level_township=n % 3 != 0,
                level_village=n % 11 == 0,
                five_public="结果公开" if n % 6 == 0 else "",
                site_column="社会救助专栏" if n % 9 == 0 else "",
                remark="年度调整" if n % 13 == 0 else "",
            )
        )
    CatalogItem.objects.bulk_create(rows)
    return catalog


def test_several_hundred_items_round_trip_unchanged(department: Unit) -> None:
    catalog = _big_catalog(department, 420)
    sections = catalog_sections(catalog)
    data = excel.write_catalog_workbook(
        [(s.domain, s.items) for s in sections], title_prefix="县民政局2024年"
    )
    summary = services.catalog_import(actor=None, unit=department, version=2025, source=data)
    assert summary.items == 420
    again = Catalog.objects.get(unit=department, version=2025)
    assert _elements(again) == _elements(catalog)


def test_export_layout_is_the_national_one(department: Unit, domain: Domain) -> None:
    catalog = CatalogFactory(unit=department, version=2024)
    CatalogItemFactory(catalog=catalog, domain=domain, level1="最低生活保障", level2="办事指南")
    CatalogItemFactory(catalog=catalog, domain=domain, level1="最低生活保障", level2="审核确认结果")
    data = excel.write_catalog_workbook(
        [(s.domain, s.items) for s in catalog_sections(catalog)], title_prefix="县民政局2024年"
    )
    ws = load_workbook(io.BytesIO(data)).active
    assert ws is not None
    assert ws.title == "社会救助"
    assert ws["A1"].value == "县民政局2024年社会救助领域基层政务公开标准目录"
    assert [c.value for c in ws[2]][:9] == [
        "序号",
        "公开事项",
        None,
        "公开内容（要素）",
        "公开依据",
        "公开时限",
        "公开主体",
        "公开渠道和载体",
        "公开对象",
    ]
    assert [c.value for c in ws[3]][1:3] == ["一级事项", "二级事项"]
    assert [c.value for c in ws[3]][8:14] == [
        "全社会",
        "特定群体",
        "主动",
        "依申请",
        "县级",
        "乡级",
    ]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"B2:C2", "I2:J2", "K2:L2", "M2:N2", "A2:A3", "D2:D3", "B4:B5", "A4:A5"} <= merged
    assert ws["I4"].value == "√"
    assert ws["J4"].value is None


def test_import_into_an_approved_catalog_is_refused(
    department: Unit, domains: list[Domain]
) -> None:
    catalog = CatalogFactory(unit=department, version=2024, status=CatalogStatus.APPROVED)
    with pytest.raises(InvalidTransition):
        services.catalog_import(
            actor=None, unit=department, version=2024, source=_read("multi_domain.xlsx")
        )
    assert not catalog.items.exists()


def test_import_replaces_only_the_domains_in_the_workbook_and_keeps_lineage(
    department: Unit, domains: list[Domain]
) -> None:
    catalog = CatalogFactory(unit=department, version=2024)
    other = DomainFactory(name="就业")
    kept = CatalogItemFactory(catalog=catalog, domain=other)
    old = CatalogItemFactory(
        catalog=catalog, domain=domains[0], level1="最低生活保障", level2="办事指南"
    )
    summary = services.catalog_import(
        actor=None, unit=department, version=2024, source=_read("county_social_assistance.xlsx")
    )
    assert summary.replaced == 1
    assert catalog.items.filter(pk=kept.pk).exists()
    renewed = catalog.items.get(domain=domains[0], level1="最低生活保障", level2="办事指南")
    assert renewed.lineage == old.lineage


def test_editor_of_another_unit_cannot_import(
    department: Unit, other_editor: User, domains: list[Domain]
) -> None:
    with pytest.raises(AccessDenied):
        services.catalog_import(
            actor=other_editor, unit=department, version=2024, source=_read("multi_domain.xlsx")
        )
    assert not Catalog.objects.exists()


def test_cli_import_prints_json_summary_and_export_round_trips(
    department: Unit, domains: list[Domain], tmp_path: Path
) -> None:
    out = io.StringIO()
    call_command(
        "catalog",
        "import",
        str(FIXTURES / "multi_domain.xlsx"),
        "--unit",
        "MZJ",
        "--version",
        "2024",
        stdout=out,
    )
    summary = json.loads(out.getvalue())
    assert summary["items"] == 6
    assert summary["unit"] == "MZJ"
    target = tmp_path / "export.xlsx"
    out = io.StringIO()
    call_command("catalog", "export", "--unit", "MZJ", "--output", str(target), stdout=out)
    assert json.loads(out.getvalue())["items"] == 6
    call_command(
        "catalog", "import", str(target), "--unit", "MZJ", "--version", "2025", stdout=io.StringIO()
    )
    first = Catalog.objects.get(unit=department, version=2024)
    second = Catalog.objects.get(unit=department, version=2025)
    assert _elements(first) == _elements(second)


def test_cli_import_of_a_bad_file_fails_with_the_cell(
    department: Unit, domains: list[Domain]
) -> None:
    with pytest.raises(CommandError, match="第5行E列"):
        call_command(
            "catalog",
            "import",
            str(FIXTURES / "bad_missing_basis.xlsx"),
            "--unit",
            "MZJ",
            stdout=io.StringIO(),
        )
    assert not Catalog.objects.exists()


def test_cli_rejects_unknown_unit(domains: list[Domain]) -> None:
    with pytest.raises(CommandError, match="未知的单位代码“NOPE”"):
        call_command("catalog", "import", str(FIXTURES / "multi_domain.xlsx"), "--unit", "NOPE")


def test_guideline_import_replaces_templates(domains: list[Domain], office: User) -> None:
    result = services.guideline_import(actor=office, source=_read("multi_domain.xlsx"))
    assert result["items"] == 6
    assert domains[1].guideline_items.count() == 3


def test_overlong_level2_is_reported_with_its_cell(
    department: Unit, domains: list[Domain], tmp_path: Path
) -> None:
    workbook = load_workbook(FIXTURES / "multi_domain.xlsx")
    workbook["社会救助"]["C4"] = "很长的二级事项" * 40
    target = tmp_path / "long.xlsx"
    workbook.save(target)
    with pytest.raises(excel.WorkbookRejected) as caught:
        services.catalog_import(actor=None, unit=department, version=2024, source=target)
    assert caught.value.problems == [
        "工作表“社会救助”第4行C列：“二级事项”不能超过200个字（现有280个字）。"
    ]
