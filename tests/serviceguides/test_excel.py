"""Service guides in and out of the offices' Excel layout, with real .xlsx files written and read
back: the cell formats, the round trip, all or nothing, hostile files and the command line."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from gongkai.catalog.models import Domain
from gongkai.orgs.models import Unit, User
from gongkai.serviceguides import excel, selectors, services
from gongkai.serviceguides.models import ServiceItem, ServiceStatus
from tests.serviceguides.service_setup import catalog_item, complete_guide

pytestmark = pytest.mark.django_db

HEADER = [header for _name, header, _width in excel.COLUMNS]


@pytest.fixture
def item(department: Unit, domain: Domain) -> Any:
    return catalog_item(department, domain)


def _row(**changes: Any) -> list[Any]:
    values = {
        "序号": 1,
        "事项名称": "临时救助",
        "事项编码": "MZ-009",
        "事项类型": "行政给付",
        "实施主体": "县民政局",
        "对应公开事项": "",
        "适用情形（人生事件）": "其他、医疗",
        "设定依据": "《社会救助暂行办法》第四十七条",
        "申请条件": "因意外事件导致基本生活暂时出现严重困难的家庭。",
        "办理材料": "1. 临时救助申请书（原件，1份）\n2. 居民身份证（原件和复印件，1份）\n"
        "3. 医疗费用票据（复印件，2份，非必需，如有提供）",
        "办理流程": "1. 申请\n2. 审核\n3. 审批",
        "法定办结时限（工作日）": "即办",
        "承诺办结时限（工作日）": None,
        "办理地点": "县政务服务中心2楼",
        "办理时间": "工作日",
        "收费标准": "不收费",
        "咨询电话": "0797-5703116",
        "监督投诉电话": "12345",
        "网上办理地址": "https://www.jxzwfww.gov.cn/",
        "常见问题": "问：外地人能申请吗？\n答：可以，向经常居住地申请。\n问：多久到账？\n答：审批后5个工作日内。",
    }
    values.update(changes)
    return [values[header] for header in HEADER]


def _workbook(*rows: list[Any], title: str | None = "县民政局办事指南") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    if title:
        sheet.append([title])
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _import(editor: User | None, unit: Unit, data: bytes, **kwargs: Any) -> services.ImportSummary:
    return services.service_guides_import(actor=editor, unit=unit, source=data, **kwargs)


def _export(user: Any, unit: Unit) -> bytes:
    items = selectors.service_items_for_list(user, unit).select_related("catalog_item__domain")
    return excel.write_service_workbook(list(items), title=f"{unit.name}办事指南")


def test_a_row_becomes_a_draft_with_materials_questions_and_life_events(
    editor: User, department: Unit
) -> None:
    summary = _import(editor, department, _workbook(_row()))
    assert summary.as_dict()["created"] == 1
    guide = ServiceItem.objects.get(unit=department)
    assert (guide.name, guide.kind, guide.status) == ("临时救助", "benefit", ServiceStatus.DRAFT)
    assert (guide.legal_days, guide.time_limit_note) == (None, "即办")
    assert sorted(e.name for e in guide.life_events.all()) == ["其他", "医疗"]
    assert [m.summary for m in guide.materials.all()] == [
        "临时救助申请书（原件，1份）",
        "居民身份证（原件和复印件，1份）",
        "医疗费用票据（复印件，2份，非必需，如有提供）",
    ]
    assert [(q.question, q.answer) for q in guide.questions.all()] == [
        ("外地人能申请吗？", "可以，向经常居住地申请。"),
        ("多久到账？", "审批后5个工作日内。"),
    ]
    assert services.writer_ids(guide) == {editor.pk}


def test_export_then_import_round_trips_unchanged(
    editor: User, reviewer: User, department: Unit, item: Any, tmp_path: Path
) -> None:
    guide = complete_guide(
        editor, department, item, legal_days=20, time_limit_note="材料齐全当场办结"
    )
    services.material_add(
        actor=editor,
        service=guide,
        values={
            "name": "户口簿（户籍证明）",
            "form": "copy",
            "copies": 2,
            "source": "government",
            "required": False,
            "note": "外地户籍提供",
        },
    )
    services.question_add(
        actor=editor, service=guide, question='=HYPERLINK("x")', answer="第一行\n第二行"
    )
    guide = services.service_item_publish(actor=reviewer, item=guide)
    target = tmp_path / "guides.xlsx"
    target.write_bytes(_export(reviewer, department))
    sheet = load_workbook(target).active
    assert sheet is not None
    assert [c.value for c in sheet[2]] == HEADER
    row = {h: c.value for h, c in zip(HEADER, sheet[3], strict=True)}
    assert row["对应公开事项"] == f"{item.domain.name}／最低生活保障／办事指南"
    assert row["法定办结时限（工作日）"] == "20（材料齐全当场办结）"
    assert (
        "2. 户口簿（户籍证明）（复印件，2份，非必需，政府部门核发，外地户籍提供）"
        in row["办理材料"]
    )
    summary = _import(editor, department, target.read_bytes())
    assert summary.as_dict() == {
        "unit": "MZJ",
        "rows": 1,
        "created": 0,
        "updated": 0,
        "unchanged": 1,
        "reopened": 0,
        "dry_run": False,
    }
    guide.refresh_from_db()
    assert (guide.status, guide.version) == (ServiceStatus.PUBLISHED, 1)


def test_a_formula_like_text_is_exported_as_text_and_reads_back(
    editor: User, department: Unit, item: Any, tmp_path: Path
) -> None:
    complete_guide(editor, department, item, fee="=1+1")
    data = _export(editor, department)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")
    assert _import(editor, department, data).unchanged == 1


def test_an_edited_export_updates_the_guide_and_reopens_it(
    editor: User, reviewer: User, department: Unit, item: Any
) -> None:
    guide = services.service_item_publish(
        actor=reviewer, item=complete_guide(editor, department, item)
    )
    material = guide.materials.get()
    services_file = services.read_material_file("样表.pdf", b"%PDF-1.4\n%%EOF\n")
    services.material_update(actor=editor, material=material, values={}, sample=services_file)
    guide = services.service_item_publish(actor=reviewer, item=guide)
    workbook = load_workbook(io.BytesIO(_export(reviewer, department)))
    sheet = workbook.active
    assert sheet is not None
    sheet.cell(row=3, column=HEADER.index("收费标准") + 1, value="工本费10元")
    out = io.BytesIO()
    workbook.save(out)
    summary = _import(editor, department, out.getvalue())
    assert (summary.updated, summary.reopened) == (1, 1)
    guide.refresh_from_db()
    assert (guide.fee, guide.status) == ("工本费10元", ServiceStatus.DRAFT)
    assert guide.materials.get().sample  # matched by name: the sample is kept


def test_one_bad_row_rejects_the_whole_file(editor: User, department: Unit) -> None:
    rows = [
        _row(),
        _row(**{"事项名称": "乙", "事项编码": "MZ-010", "咨询电话": "电话待定"}),
        _row(
            **{
                "事项名称": "丙",
                "事项编码": "MZ-011",
                "承诺办结时限（工作日）": 30,
                "法定办结时限（工作日）": 20,
            }
        ),
        _row(**{"事项名称": "丁", "事项编码": "MZ-009"}),
        _row(
            **{
                "事项名称": "戊",
                "事项编码": "MZ-012",
                "适用情形（人生事件）": "退休",
                "常见问题": "答：没有问题",
                "对应公开事项": "社会救助／不存在／事项",
                "实施主体": "县住建局",
                "事项类型": "审批",
            }
        ),
    ]
    with pytest.raises(excel.WorkbookRejected) as refused:
        _import(editor, department, _workbook(*rows))
    problems = refused.value.problems
    assert problems[0].startswith("第4行Q列（咨询电话）：咨询电话“电话待定”")
    assert problems[1] == "第5行M列（承诺办结时限（工作日））：承诺办结时限不能超过法定办结时限。"
    assert problems[2] == "第6行C列（事项编码）：事项编码“MZ-009”与第3行重复。"
    joined = "\n".join(problems)
    for part in (
        "“审批”不是有效的事项类型",
        "实施主体“县住建局”不是县民政局",
        "“退休”不是已登记的人生事件",
        "对应公开事项“社会救助／不存在／事项”不在县民政局的目录中",
        "“答：”前面应有“问：”",
    ):
        assert part in joined
    assert not ServiceItem.objects.exists()


def test_the_catalog_item_is_found_by_its_label(editor: User, department: Unit, item: Any) -> None:
    label = f"{item.domain.name}/最低生活保障/办事指南"
    _import(editor, department, _workbook(_row(**{"对应公开事项": label}), title=None))
    assert ServiceItem.objects.get().catalog_item == item


def test_dry_run_changes_nothing(editor: User, department: Unit) -> None:
    summary = _import(editor, department, _workbook(_row()), dry_run=True)
    assert (summary.created, summary.dry_run) == (1, True)
    assert not ServiceItem.objects.exists()


def test_another_units_editor_cannot_import(other_editor: User, department: Unit) -> None:
    from gongkai.core.errors import AccessDenied

    with pytest.raises(AccessDenied):
        _import(other_editor, department, _workbook(_row()))


def test_a_formula_cell_is_refused(editor: User, department: Unit) -> None:
    data = _workbook(_row(**{"收费标准": '=HYPERLINK("http://evil.example","x")'}))
    with pytest.raises(excel.WorkbookRejected) as refused:
        _import(editor, department, data)
    assert refused.value.problems == [
        "第3行P列（收费标准）：“收费标准”是公式，请改为直接填写文字或数字后重新导入。"
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not a workbook at all", "不是有效的Excel工作簿"),
        (b"PK\x03\x04broken zip", "不是有效的Excel工作簿"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old xls", "不是有效的Excel工作簿"),
    ],
)
def test_broken_files_are_refused(
    editor: User, department: Unit, data: bytes, message: str
) -> None:
    with pytest.raises(excel.WorkbookRejected) as refused:
        _import(editor, department, data)
    assert message in refused.value.problems[0]


def test_a_truncated_xlsx_is_refused(editor: User, department: Unit) -> None:
    data = _workbook(_row())
    with pytest.raises(excel.WorkbookRejected):
        _import(editor, department, data[: len(data) // 2])


def test_a_ten_thousand_row_file_is_refused_before_anything_is_written(
    editor: User, department: Unit
) -> None:
    rows = [_row(**{"事项名称": f"事项{n}", "事项编码": f"C{n}"}) for n in range(10_000)]
    with pytest.raises(excel.WorkbookRejected) as refused:
        _import(editor, department, _workbook(*rows))
    assert "行数过多" in refused.value.problems[0]
    assert not ServiceItem.objects.exists()


def test_a_sheet_without_the_header_is_refused(editor: User, department: Unit) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["事项名称", "办理材料"])
    sheet.append(["甲", "身份证"])
    out = io.BytesIO()
    workbook.save(out)
    with pytest.raises(excel.WorkbookRejected) as refused:
        _import(editor, department, out.getvalue())
    assert "表头缺少以下列" in refused.value.problems[0]


@pytest.mark.parametrize(
    ("line", "parsed"),
    [
        ("1. 居民身份证（原件，1份）", ("居民身份证", "original", 1, True, "applicant", "")),
        ("2、户口簿（户籍证明）", ("户口簿（户籍证明）", "original", 1, True, "applicant", "")),
        ("结婚证(复印件,2份,非必需)", ("结婚证", "copy", 2, False, "applicant", "")),
        ("出生医学证明", ("出生医学证明", "original", 1, True, "applicant", "")),
        (
            "申请书（原件，1份，可由村（居）委会代写）",
            ("申请书", "original", 1, True, "applicant", "可由村（居）委会代写"),
        ),
        (
            "证明（复印件，1份，如医疗费用票据、事故证明等）",
            ("证明", "copy", 1, True, "applicant", "如医疗费用票据、事故证明等"),
        ),
        ("营业执照（复印件，1份，政府部门核发）", ("营业执照", "copy", 1, True, "government", "")),
        ("  ", None),
    ],
)
def test_material_lines(line: str, parsed: Any) -> None:
    material = excel.parse_material(line)
    if parsed is None:
        assert material is None
    else:
        assert material is not None
        assert (
            material.name,
            material.form,
            material.copies,
            material.required,
            material.source,
            material.note,
        ) == parsed


def test_the_cli_imports_and_exports(editor: User, department: Unit, tmp_path: Path) -> None:
    source = tmp_path / "in.xlsx"
    source.write_bytes(_workbook(_row()))
    out = io.StringIO()
    call_command("service-guides", "import", str(source), "--unit", "MZJ", "--dry-run", stdout=out)
    assert json.loads(out.getvalue())["dry_run"] is True
    assert not ServiceItem.objects.exists()
    call_command("service-guides", "import", str(source), "--unit", "MZJ", stdout=io.StringIO())
    target = tmp_path / "out.xlsx"
    out = io.StringIO()
    call_command("service-guides", "export", "--unit", "MZJ", "--output", str(target), stdout=out)
    assert json.loads(out.getvalue())["items"] == 1
    out = io.StringIO()
    call_command("service-guides", "import", str(target), "--unit", "MZJ", stdout=out)
    assert json.loads(out.getvalue())["unchanged"] == 1
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"nonsense")
    with pytest.raises(CommandError, match="不是有效的Excel工作簿"):
        call_command("service-guides", "import", str(bad), "--unit", "MZJ")
    with pytest.raises(CommandError, match="未知的单位代码"):
        call_command("service-guides", "import", str(source), "--unit", "NOPE")
