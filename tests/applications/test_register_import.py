"""Registers kept before gongkai (登记台账): `gongkai applications import FILE.xlsx`, the staff page
and the service. All or nothing; every error names its sheet, row and column; imported
applications count in the statistics like any other."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from gongkai.applications import selectors, services
from gongkai.applications.models import Application, Channel, EventKind, Stage
from gongkai.applications.register import register_import
from gongkai.catalog.excel import WorkbookRejected
from gongkai.core.errors import AccessDenied
from gongkai.orgs.models import Role, Unit, User
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
D = dt.date
HEADER = [
    "申请编号",
    "收到日期",
    "申请人类型",
    "申请人",
    "申请内容",
    "承办单位",
    "办理结果",
    "答复日期",
]
ROWS: list[list[Any]] = [
    ["2023-015", dt.datetime(2023, 12, 20), "自然人", "王某", "低保资金分配文件", "县民政局", "予以公开", "2024-01-10"],
    ["石民依申〔2024〕3号", "2024/3/5", "商业企业", "某建材公司", "招标文件", "县住建局", "不予公开：属于国家秘密", "2024年3月20日"],
    ["2024-00007", "2024-06-03", "法律服务机构", "某律师事务所", "征收补偿方案", "县民政局", None, None],
    ["2024-00002", "2024.4.1", "自然人", "李某", "某事", "县民政局", "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "2024-04-20"],
    ["2024-00003", "20240410", "其他", "某协会", "补贴名单", "县民政局", "部分公开", "2024-05-06"],
]  # fmt: skip


@pytest.fixture(autouse=True)
def _today(time_machine: Any, settings: Any, tmp_path: Path) -> None:
    time_machine.move_to("2024-07-01 10:00 +0800", tick=False)
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def units(department: Unit, other_department: Unit) -> None:
    """县民政局 and 县住建局, the units the register names."""


@pytest.fixture
def handler(department: Unit) -> User:
    user: User = UserFactory(username="mzj_handler", full_name="李承办")
    MembershipFactory(user=user, unit=department, role=Role.HANDLER)
    return user


def workbook(rows: list[list[Any]], header: list[str] = HEADER, sheet: str = "台账") -> bytes:
    """A register as offices keep it: a title row, the header, the rows."""
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = sheet
    ws.append(["县民政局政府信息公开申请登记台账"])
    ws.append(header)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_good_register_is_imported_and_counts(units: None, handler: User) -> None:
    summary = register_import(actor=None, data=workbook(ROWS), filename="台账.xlsx")
    assert summary == {
        "file": "台账.xlsx",
        "sheet": "台账",
        "imported": 5,
        "handling": 1,
        "replied": 3,
        "closed": 1,
        "units": {"县民政局": 4, "县住建局": 1},
    }
    first = Application.objects.get(tracking_no="2023-015")
    assert (first.stage, first.outcome, first.received_on, first.replied_on) == (
        Stage.REPLIED,
        "grant",
        D(2023, 12, 20),
        D(2024, 1, 10),
    )
    assert first.imported and first.applicant_type == "natural"
    assert first.channel == Channel.IN_PERSON and first.submitted_on == D(2023, 12, 20)
    assert first.due_on is not None
    event = first.events.get()
    assert event.kind == EventKind.IMPORTED
    assert "台账.xlsx" in event.note and "第3行" in event.note
    secret = Application.objects.get(tracking_no="石民依申〔2024〕3号")
    assert (secret.outcome, secret.applicant_type, secret.unit.name) == (
        "secret",
        "business",
        "县住建局",
    )
    open_one = Application.objects.get(tracking_no="2024-00007")
    assert (open_one.stage, open_one.outcome, open_one.replied_on) == (Stage.HANDLING, "", None)
    # Received Monday 06-03: 20 working days, Dragon Boat Festival 06-10 off: 07-02.
    assert open_one.due_on == D(2024, 7, 2)
    lapsed = Application.objects.get(tracking_no="2024-00002")
    assert (lapsed.stage, lapsed.outcome) == (Stage.CLOSED, "lapsed")
    # Register entries have no query code: nobody can open them on the public page.
    assert selectors.public_application("2024-00007", "") is None

    # They count in the annual report like any other application.
    numbers = selectors.report_numbers(selectors.annual_report_table(2024))
    assert numbers["本年新收政府信息公开申请数量"]["总计"] == 4
    assert numbers["上年结转政府信息公开申请数量"]["自然人"] == 1
    assert numbers["予以公开"]["自然人"] == 1
    assert numbers["属于国家秘密"]["商业企业"] == 1
    assert numbers["部分公开"]["其他"] == 1
    assert numbers["申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"]["自然人"] == 1
    assert numbers["结转下年度继续办理"]["法律服务机构"] == 1

    # gongkai's own numbering continues after the register's 2024-00007.
    application, _code = services.application_register(
        actor=handler,
        unit=open_one.unit,
        channel=Channel.IN_PERSON,
        values={
            "applicant_type": "natural",
            "applicant_name": "张三",
            "id_number": "360735198506151233",
            "phone": "13807971234",
            "description": "某文件",
        },
        submitted_on=D(2024, 7, 1),
    )
    assert application.tracking_no == "2024-00008"


def _problems(data: bytes, actor: User | None = None) -> list[str]:
    with pytest.raises(WorkbookRejected) as caught:
        register_import(actor=actor, data=data)
    assert not Application.objects.exists()
    return [str(cell) for cell in caught.value.cells]


def _row(**changes: Any) -> list[Any]:
    row = list(ROWS[0])
    for name, value in changes.items():
        row[HEADER.index(name)] = value
    return row


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (_row(申请人类型="个人"), "工作表“台账”第4行C列：“个人”不是申请人类型"),
        (_row(承办单位="县教育局"), "工作表“台账”第4行F列：没有名为“县教育局”的单位"),
        (_row(办理结果="已办结"), "工作表“台账”第4行G列：“已办结”不是年度报告表中的办理结果"),
        (_row(收到日期="2024-02-30"), "工作表“台账”第4行B列：“2024-02-30”不是有效的日期"),
        (_row(收到日期="去年"), "工作表“台账”第4行B列：“去年”不是有效的日期"),
        (_row(收到日期="2024-07-02"), "工作表“台账”第4行B列：收到日期不能晚于今天"),
        (_row(答复日期="2023-12-01"), "工作表“台账”第4行H列：答复日期不能早于收到日期"),
        (_row(答复日期=None), "工作表“台账”第4行H列：已填写办理结果的申请，请填写答复日期"),
        (_row(办理结果=None), "工作表“台账”第4行G列：已填写答复日期的申请，请填写办理结果"),
        (_row(申请人=None), "工作表“台账”第4行D列：请填写申请人姓名或名称"),
        (_row(申请编号="2023-015"), "工作表“台账”第4行A列：申请编号“2023-015”与第3行重复"),
    ],
)
def test_errors_name_the_row_and_column_and_nothing_is_created(
    units: None, row: list[Any], expected: str
) -> None:
    problems = _problems(workbook([ROWS[0], row]))
    assert any(p.startswith(expected) for p in problems), problems


def test_every_bad_cell_is_reported_at_once(units: None) -> None:
    bad = [_row(申请人类型="个人", 承办单位="县教育局"), _row(申请编号="X1", 办理结果="好")]
    problems = _problems(workbook([ROWS[0], *bad]))
    assert [p.split("：")[0] for p in problems] == [
        "工作表“台账”第4行C列",
        "工作表“台账”第4行F列",
        "工作表“台账”第5行G列",
    ]


def test_a_number_already_used_is_refused(units: None, handler: User, department: Unit) -> None:
    register_import(actor=None, data=workbook([ROWS[2]]))
    with pytest.raises(WorkbookRejected) as caught:
        register_import(actor=None, data=workbook([ROWS[0], ROWS[2]]))
    assert [str(c) for c in caught.value.cells] == [
        "工作表“台账”第4行A列：申请编号“2024-00007”已被使用，请核对是否已导入过"
    ]
    assert Application.objects.count() == 1


def test_a_missing_column_and_a_non_workbook_are_refused(units: None) -> None:
    problems = _problems(workbook([ROWS[0][:7]], header=HEADER[:7]))
    assert problems == ["工作表“台账”第2行：表头缺少“答复日期”列"]
    problems = _problems(b"PK\x03\x04 not really a zip")
    assert "不是有效的Excel工作簿" in problems[0]
    problems = _problems(workbook([], header=["序号", "姓名"]))
    assert "没有找到登记台账的表头" in problems[0]


def test_staff_import_only_their_own_units(
    units: None, handler: User, editor: User, office: User
) -> None:
    problems = _problems(workbook(ROWS[:2]), actor=handler)
    assert problems == [
        "工作表“台账”第4行F列：您不能为“县住建局”导入申请：只有该单位的承办人或县政务公开办可以"
    ]
    with pytest.raises(AccessDenied):
        register_import(actor=editor, data=workbook(ROWS[:1]))
    assert register_import(actor=office, data=workbook(ROWS[:2]))["imported"] == 2
    assert set(Application.objects.values_list("handler", flat=True)) == {office.pk}


def test_the_command_prints_a_json_summary(units: None, tmp_path: Path, capsys: Any) -> None:
    path = tmp_path / "台账.xlsx"
    path.write_bytes(workbook(ROWS))
    call_command("applications", "import", str(path), "--dry-run")
    result = json.loads(capsys.readouterr().out)
    assert (result["imported"], result["dry_run"]) == (5, True)
    assert not Application.objects.exists()
    call_command("applications", "import", str(path))
    result = json.loads(capsys.readouterr().out)
    assert (result["imported"], result["replied"], result["dry_run"]) == (3 + 2, 3, False)
    assert Application.objects.count() == 5
    path.write_bytes(workbook([_row(申请编号="2023-999", 承办单位="县教育局")]))
    with pytest.raises(CommandError, match="工作表“台账”第3行F列：没有名为“县教育局”的单位"):
        call_command("applications", "import", str(path))
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("applications", "import", str(tmp_path / "none.xlsx"))


def test_the_import_page(client: Client, units: None, handler: User) -> None:
    client.force_login(handler)
    own = [row for row in ROWS if row[5] == "县民政局"]

    def post(data: bytes) -> Any:
        upload = io.BytesIO(data)
        upload.name = "台账.xlsx"
        return client.post(reverse("applications:import"), {"file": upload})

    response = post(workbook([*own, _row(申请编号="Y1", 申请人类型="个人")]))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Excel文件有误，未导入任何内容" in html
    assert "工作表“台账”第7行C列：“个人”不是申请人类型" in html
    assert not Application.objects.exists()
    response = post(workbook(own))
    assert response.status_code == 200
    html = response.content.decode()
    assert "已导入4件申请" in html and "县民政局：4" in html
    assert Application.objects.filter(imported=True).count() == 4
    response = post(b"\xd0\xcf\x11\xe0 an old xls")
    assert "这是旧版Office文件" in response.content.decode()
