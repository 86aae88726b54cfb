"""Properties of the Excel importers: whatever the cells hold, an import either succeeds with
exactly the rows of the file or refuses with Chinese messages and changes nothing — never an
uncaught exception, never a partial import; and a catalog exported imports back unchanged.

Each Hypothesis example runs in a savepoint rolled back at its end (workbooks.rolled_back), so
all examples of a test start from the same fixtures.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from gongkai.applications.models import Application
from gongkai.applications.register import register_import
from gongkai.catalog import excel, services
from gongkai.catalog.models import (
    OPTIONAL_ELEMENTS,
    TEXT_ELEMENTS,
    TICK_GROUPS,
    Catalog,
    CatalogItem,
    Domain,
)
from gongkai.core.errors import ValidationFailed
from gongkai.core.models import AuditEntry
from gongkai.orgs.models import Unit, User
from gongkai.publications import interchange, subsidies
from gongkai.publications.archive import import_rows
from gongkai.publications.models import Publication
from gongkai.publications.subsidies import subsidy_list_import
from tests.fuzz.workbooks import (
    assert_chinese_refusal,
    cell_values,
    rolled_back,
    texts,
    xlsx,
)

pytestmark = pytest.mark.django_db
fixtures_per_test = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])

# ------------------------------------------------------------------------------------ catalog

LIMITS = excel.TEXT_LIMITS


def _element_text(name: str, *, required: bool) -> st.SearchStrategy[str]:
    limit = LIMITS.get(name, 2000)
    text = st.one_of(texts, st.sampled_from(["=1+1", "+1", "-", "@x", "注：见附件", "√"]))
    text = text.map(lambda s: s[:limit])
    if required:
        text = text.filter(lambda s: _normal(s) != "")
    return text


def _normal(text: str) -> str:
    """What a text element is after the import's cleaning (catalog.services.clean_elements)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.strip() for line in text.split("\n")).strip()


@st.composite
def catalog_items(draw: st.DrawFn) -> dict[str, Any]:
    item: dict[str, Any] = {
        name: draw(_element_text(name, required=True)) for name, _ in TEXT_ELEMENTS
    }
    for _, ticks in TICK_GROUPS:
        values = draw(st.lists(st.booleans(), min_size=len(ticks), max_size=len(ticks)))
        if not any(values):
            values[draw(st.integers(0, len(ticks) - 1))] = True
        item.update({name: value for (name, _), value in zip(ticks, values, strict=True)})
    for name, _ in OPTIONAL_ELEMENTS:
        item[name] = draw(_element_text(name, required=False))
    return item


def _elements(items: Any) -> list[dict[str, Any]]:
    return [item.elements() for item in items]


def _expected(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {name: value if isinstance(value, bool) else _normal(value) for name, value in i.items()}
        for i in items
    ]


@fixtures_per_test
@given(items=st.lists(catalog_items(), min_size=1, max_size=5))
def test_a_catalog_exported_imports_back_unchanged(
    items: list[dict[str, Any]], department: Unit, domain: Domain
) -> None:
    with rolled_back():
        rows = [CatalogItem(domain=domain, **values) for values in items]
        data = excel.write_catalog_workbook([(domain, rows)], title_prefix="县民政局2025年")
        services.catalog_import(actor=None, unit=department, version=2025, source=data)
        catalog = Catalog.objects.get(unit=department, version=2025)
        imported = _elements(catalog.items.order_by("sort_order"))
        assert imported == _expected(items)
        # And once more: the import's own export is a fixed point.
        again = excel.write_catalog_workbook(
            [(domain, list(catalog.items.order_by("sort_order")))], title_prefix="县民政局2025年"
        )
        services.catalog_import(actor=None, unit=department, version=2025, source=again)
        assert _elements(catalog.items.order_by("sort_order")) == imported


def _counts() -> tuple[int, ...]:
    return (
        CatalogItem.objects.count(),
        Catalog.objects.count(),
        Publication.objects.count(),
        Application.objects.count(),
        AuditEntry.objects.count(),
    )


@pytest.fixture
def catalog_base(domain: Domain) -> bytes:
    """An exported catalog of three valid items to be spoiled cell by cell."""
    values = {
        "level1": "最低生活保障",
        "level2": "政策文件",
        "content": "低保政策文件",
        "basis": "《社会救助暂行办法》",
        "time_limit": "信息形成或变更之日起20个工作日内",
        "subject": "县民政局",
        "channels": "政府网站",
        "audience_public": True,
        "mode_proactive": True,
        "level_county": True,
        "remark": "",
    }
    rows = [CatalogItem(domain=domain, **{**values, "level2": f"政策文件{n}"}) for n in range(3)]
    return excel.write_catalog_workbook([(domain, rows)], title_prefix="县民政局2025年")


spoils = st.lists(
    st.tuples(st.integers(4, 8), st.integers(1, 17), cell_values), min_size=1, max_size=8
)


@fixtures_per_test
@given(changes=spoils)
def test_a_catalog_with_any_cells_imports_exactly_or_changes_nothing(
    changes: list[tuple[int, int, Any]], catalog_base: bytes, department: Unit
) -> None:
    book = load_workbook(io.BytesIO(catalog_base))
    sheet = book.worksheets[0]
    for row, column, value in changes:
        # A merged cell (一级事项 over its rows) only holds a value in its first cell.
        target = sheet.cell(row=row, column=column)
        if type(target).__name__ == "MergedCell":
            continue
        target.value = value
        if isinstance(value, str):
            target.data_type = "s"
    buffer = io.BytesIO()
    book.save(buffer)
    with rolled_back():
        before = _counts()
        try:
            summary = services.catalog_import(
                actor=None, unit=department, version=2025, source=buffer.getvalue()
            )
        except ValidationFailed as error:
            assert_chinese_refusal(error)
            assert _counts() == before
        else:
            parsed = excel.read_catalog_workbook(buffer.getvalue(), domains=[*Domain.objects.all()])
            expected = sum(len(s.items) for s in parsed)
            assert summary.items == expected
            catalog = Catalog.objects.get(unit=department, version=2025)
            assert catalog.items.count() == expected


# ------------------------------------------------------------------------------- subsidies

SUBSIDY_HEADER = [
    "序号",
    "村（社区）",
    "姓名",
    "身份证号",
    "补贴项目",
    "面积（亩）",
    "补贴金额（元）",
    "备注",
]


@st.composite
def subsidy_rows(draw: st.DrawFn) -> list[Any]:
    """A payout row: usually a good one, with any of its cells replaced by anything."""
    good = [
        draw(st.integers(1, 999)),
        draw(st.sampled_from(["古樟村", "琴江镇古樟村"])),
        draw(st.sampled_from(["张三", "欧阳小明", "买买提·艾力"])),
        "",
        "耕地地力保护补贴",
        draw(st.sampled_from([None, 3.5, "2.4"])),
        draw(st.sampled_from([120, 88.5, "1,200.00", "66.6"])),
        None,
    ]
    for index in draw(st.lists(st.integers(0, len(good) - 1), max_size=3)):
        good[index] = draw(cell_values)
    return good


def _is_payout(row: list[Any]) -> bool:
    """Whether the importer must take ``row``: any of its named columns filled, and no cell
    starting 合计/总计/小计/注 (totals and notes under the table are skipped on purpose)."""
    labels = [subsidies._label(value) for value in row]
    if any(label.startswith(("合计", "总计", "小计", "注：", "注:")) for label in labels):
        return False
    return any(subsidies._text(value) for value in row[1:])


@fixtures_per_test
@given(rows=st.lists(subsidy_rows(), min_size=1, max_size=6))
def test_a_subsidy_list_imports_exactly_or_changes_nothing(
    rows: list[list[Any]], township: Unit, village: Unit, township_editor: User
) -> None:
    data = xlsx([["2025年耕地地力保护补贴发放名单"], SUBSIDY_HEADER, *rows])
    with rolled_back():
        before = _counts()
        try:
            result = subsidy_list_import(
                actor=township_editor,
                township=township,
                data=data,
                subsidy="2025年耕地地力保护补贴",
                written_on=dt.date(2025, 3, 1),
            )
        except ValidationFailed as error:
            assert_chinese_refusal(error)
            assert _counts() == before
        else:
            assert Publication.objects.count() == before[2] + len(result.publications)
            assert result.rows == len([r for r in rows if _is_payout(r)])
            assert result.total.is_finite()
            assert result.total == result.total.quantize(Decimal("0.01"))


@pytest.mark.parametrize("amount", ["NaN", "nan", "-NaN"])
def test_an_amount_that_is_not_a_number_is_refused(
    amount: str, township: Unit, village: Unit, township_editor: User
) -> None:
    """Found by fuzzing: Decimal("NaN") parses, so the posting published "NaN" as a payout."""
    data = xlsx([SUBSIDY_HEADER, [1, "古樟村", "张三", "", "耕地地力保护补贴", None, amount, None]])
    before = _counts()
    with pytest.raises(ValidationFailed) as refused:
        subsidy_list_import(
            actor=township_editor,
            township=township,
            data=data,
            subsidy="2025年耕地地力保护补贴",
            written_on=dt.date(2025, 3, 1),
        )
    assert_chinese_refusal(refused.value)
    assert "G列" in " ".join(refused.value.problems)
    assert _counts() == before


# --------------------------------------------------------------------------------- register

REGISTER_HEADER = [
    "申请编号",
    "收到日期",
    "申请人类型",
    "申请人",
    "申请内容",
    "承办单位",
    "办理结果",
    "答复日期",
]


@st.composite
def register_rows(draw: st.DrawFn) -> list[Any]:
    number = draw(st.integers(1, 9999))
    good = [
        f"石民依申〔2024〕{number}号",
        draw(st.sampled_from(["2024-03-05", dt.datetime(2024, 3, 5), "2024年3月5日", "20240305"])),
        draw(st.sampled_from(["自然人", "商业企业", "其他"])),
        "王某",
        "低保资金分配文件",
        "县民政局",
        draw(st.sampled_from(["予以公开", "部分公开", None])),
        None,
    ]
    if good[6] is not None:
        good[7] = "2024-03-20"
    for index in draw(st.lists(st.integers(0, len(good) - 1), max_size=3)):
        good[index] = draw(cell_values)
    return good


@fixtures_per_test
@given(rows=st.lists(register_rows(), min_size=1, max_size=6))
def test_a_register_imports_exactly_or_changes_nothing(
    rows: list[list[Any]], department: Unit, office_unit: Unit, time_machine: Any
) -> None:
    time_machine.move_to("2024-07-01 10:00 +0800", tick=False)
    data = xlsx([["县民政局政府信息公开申请登记台账"], REGISTER_HEADER, *rows], title="台账")
    with rolled_back():
        before = _counts()
        try:
            summary = register_import(actor=None, data=data, filename="台账.xlsx")
        except ValidationFailed as error:
            assert_chinese_refusal(error)
            assert _counts() == before
        else:
            filled = [r for r in rows if any(excel._text(v) for v in r)]
            assert summary["imported"] == len(filled)
            assert Application.objects.count() == before[3] + len(filled)


# ----------------------------------------------------------------------------- publications

PUBLICATION_HEADER = ["标题", "正文", "发布日期", "文号", "成文日期", "发布机构", "索引号"]


@st.composite
def publication_rows(draw: st.DrawFn) -> list[Any]:
    good = [
        f"关于{draw(st.sampled_from(['低保', '医保', '补贴']))}的通知{draw(st.integers(1, 999))}",
        "现将有关事项通知如下。",
        draw(st.sampled_from(["2023-05-06", dt.datetime(2023, 5, 6, 9, 30), "2023年5月6日"])),
        None,
        None,
        "县民政局",
        None,
    ]
    for index in draw(st.lists(st.integers(0, len(good) - 1), max_size=3)):
        good[index] = draw(cell_values)
    return good


@fixtures_per_test
@given(rows=st.lists(publication_rows(), min_size=1, max_size=6))
def test_old_site_publications_import_exactly_or_change_nothing(
    rows: list[list[Any]], department: Unit
) -> None:
    data = xlsx([PUBLICATION_HEADER, *rows])
    with rolled_back():
        before = _counts()
        try:
            parsed = interchange.read(data, "old.xlsx")
            summary = import_rows(actor=None, parsed=parsed, unit=department)
        except ValidationFailed as error:
            assert_chinese_refusal(error)
            assert _counts() == before
        else:
            assert not parsed.problems
            assert Publication.objects.count() == before[2] + len(parsed.rows)
            assert summary


# The same rows as JSON lines (an old site's .jsonl export): any string JSON can hold, including
# the escaped lone surrogates ("\\ud800") a JSON decoder turns into characters no database or
# UTF-8 encoder accepts.
any_json_text = st.text(st.characters(codec=None, exclude_categories=()), max_size=40)


@fixtures_per_test
@given(
    rows=st.lists(
        st.fixed_dictionaries(
            {"标题": any_json_text, "正文": any_json_text, "发布日期": st.just("2023-05-06")}
        ),
        min_size=1,
        max_size=4,
    )
)
@example(
    rows=[
        {"标题": "关于低保的通知\ud800", "正文": "现将有关事项通知如下。", "发布日期": "2023-05-06"}
    ]
)
def test_old_site_json_lines_import_exactly_or_change_nothing(
    rows: list[dict[str, str]], department: Unit
) -> None:
    data = "\n".join(json.dumps(row) for row in rows).encode()
    with rolled_back():
        before = _counts()
        try:
            parsed = interchange.read(data, "old.jsonl")
            import_rows(actor=None, parsed=parsed, unit=department)
        except ValidationFailed as error:
            assert_chinese_refusal(error)
            assert _counts() == before
        else:
            assert Publication.objects.count() == before[2] + len(rows)
