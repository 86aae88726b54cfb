"""Registers kept before gongkai (登记台账): the service and the staff page (the command line is in
test_command.py). All or nothing; every error names its sheet, row and column; imported
applications count in the statistics like any other, with the steps of issue 7: oral
applications and who wrote them down (条例第二十九条第一款), withdrawals (其他处理 3.其他),
第三十六条第（五）项 with the responsible agency, routing inside the unified intake and the
第三十五条 period."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from gongkai.applications import selectors, services
from gongkai.applications.models import Application, Channel, EventKind, Routing, Stage
from gongkai.applications.register import OPTIONAL, REQUIRED, register_import
from gongkai.catalog.excel import WorkbookRejected
from gongkai.core.errors import AccessDenied
from gongkai.core.models import AuditEntry
from gongkai.orgs.models import Role, Unit, User
from tests.applications.fixtures.registers import (
    FULL_HEADER,
    HEADER,
    ROWS,
    record,
    row,
    workbook,
)
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture(autouse=True)
def _today(time_machine: Any, settings: Any, tmp_path: Path) -> None:
    time_machine.move_to("2024-07-01 10:00 +0800", tick=False)
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def units(county: Unit, department: Unit, other_department: Unit, office_unit: Unit) -> None:
    """县民政局 and 县住建局, the units the register names; 石城县人民政府, whose unified intake
    routes applications to them; the office, which receives none itself."""


@pytest.fixture
def handler(department: Unit) -> User:
    user: User = UserFactory(username="mzj_handler", full_name="李承办")
    MembershipFactory(user=user, unit=department, role=Role.HANDLER)
    return user


def test_a_good_register_is_imported_and_counts(units: None, handler: User) -> None:
    summary = register_import(actor=None, data=workbook(ROWS), filename="台账.xlsx")
    assert summary == {
        "file": "台账.xlsx",
        "sheet": "台账",
        "imported": 5,
        "handling": 1,
        "replied": 3,
        "closed": 1,
        "withdrawn": 0,
        "oral": 0,
        "routed": 0,
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
    assert first.account_unit == first.unit and not first.routings.exists()
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


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (row(申请人类型="个人"), "工作表“台账”第4行C列：“个人”不是申请人类型"),
        (row(承办单位="县教育局"), "工作表“台账”第4行F列：没有名为“县教育局”的单位"),
        (row(办理结果="已办结"), "工作表“台账”第4行G列：“已办结”不是年度报告表中的办理结果"),
        (row(收到日期="2024-02-30"), "工作表“台账”第4行B列：“2024-02-30”不是有效的日期"),
        (row(收到日期="去年"), "工作表“台账”第4行B列：“去年”不是有效的日期"),
        (row(收到日期="2024-07-02"), "工作表“台账”第4行B列：收到日期不能晚于今天"),
        (row(答复日期="2023-12-01"), "工作表“台账”第4行H列：答复日期不能早于收到日期"),
        (row(答复日期=None), "工作表“台账”第4行H列：已填写办理结果的申请，请填写答复日期"),
        (row(办理结果=None), "工作表“台账”第4行G列：已填写答复日期的申请，请填写办理结果"),
        (row(申请人=None), "工作表“台账”第4行D列：请填写申请人姓名或名称"),
        (row(申请编号="2023-015"), "工作表“台账”第4行A列：申请编号“2023-015”与第3行重复"),
    ],
)
def test_errors_name_the_row_and_column_and_nothing_is_created(
    units: None, cells: list[Any], expected: str
) -> None:
    problems = _problems(workbook([ROWS[0], cells]))
    assert any(p.startswith(expected) for p in problems), problems


def test_every_bad_cell_is_reported_at_once(units: None) -> None:
    bad = [row(申请人类型="个人", 承办单位="县教育局"), row(申请编号="X1", 办理结果="好")]
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


def test_each_application_has_its_events_and_audit_entries(
    units: None, office: User, county: Unit
) -> None:
    routed = record(ROWS[1], 申请编号="2024-00020", 首次收到单位="SCX", 转交日期="2024-03-06")
    register_import(actor=office, data=workbook([record(ROWS[0]), routed], FULL_HEADER))
    first, second = Application.objects.order_by("tracking_no")
    assert [e.kind for e in first.events.all()] == [EventKind.IMPORTED]
    assert [e.kind for e in second.events.all()] == [EventKind.IMPORTED, EventKind.ROUTED]
    entries = AuditEntry.objects.filter(target_type="applications.application")
    assert sorted(entries.values_list("target_id", "action", "actor", "unit_code")) == [
        (str(first.pk), "application.imported", office.pk, "MZJ"),
        (str(second.pk), "application.imported", office.pk, "ZJJ"),
        (str(second.pk), "application.routed", office.pk, "ZJJ"),
    ]
    summary = entries.get(action="application.routed").summary
    assert summary.startswith("2024-00020 转交承办单位：由石城县人民政府转交县住建局办理")


def test_a_step_in_a_year_whose_annual_report_is_final_is_refused(
    units: None, department: Unit, county: Unit
) -> None:
    services.year_close(year=2023, unit=department)
    routed = record(ROWS[1], 申请编号="2024-00020", 收到日期="2023-12-28",
                    首次收到单位="SCX", 转交日期="2024-01-03")  # fmt: skip
    problems = _problems(workbook([record(ROWS[0]), record(ROWS[2]), routed], FULL_HEADER))
    assert problems == [
        "工作表“台账”第3行B列：县民政局的2023年政府信息公开工作年度报告已经定稿，不能再登记日期在"
        "2023年的办理步骤（2023-12-20）；确需补录的，请公开办先撤销该年度报告的定稿。"
    ]
    services.year_close(year=2024, unit=None)
    problems = _problems(workbook([routed], FULL_HEADER))
    assert [p.split("：")[0] for p in problems] == ["工作表“台账”第3行O列"]
    assert "全县2024年政府信息公开工作年度报告已经定稿" in problems[0]


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


def test_the_import_page(client: Client, units: None, handler: User) -> None:
    client.force_login(handler)
    own = [row for row in ROWS if row[5] == "县民政局"]

    def post(data: bytes) -> Any:
        upload = io.BytesIO(data)
        upload.name = "台账.xlsx"
        return client.post(reverse("applications:import"), {"file": upload})

    response = post(workbook([*own, row(申请编号="Y1", 申请人类型="个人")]))
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


# ------------------------------------------------------------------------------- issue 7 steps

NOT_RESPONSIBLE = "本机关不掌握相关政府信息（不属于本机关负责公开，告知负责机关）"
NEW_STEPS = [
    # Oral, written down by 李承办 (条例第二十九条第一款); still in handling.
    record(ROWS[2], 申请编号="2024-00010", 提交方式="口头提出", 代为填写人="李承办"),
    # Withdrawn by the applicant, once by the choice's name and once in short.
    record(ROWS[4], 申请编号="2024-00011", 办理结果="申请人撤回申请", 答复日期="2024-04-15",
           说明="申请人来电撤回：已从村务公开栏看到"),
    record(ROWS[0], 申请编号="2024-00012", 收到日期="2024-05-06", 办理结果="撤回",
           答复日期="2024-05-08", 说明="申请人书面撤回"),
    # 第三十六条第（五）项: another agency is responsible.
    record(ROWS[1], 申请编号="2024-00013", 办理结果=NOT_RESPONSIBLE, 负责公开的机关="市自然资源局",
           负责机关联系方式="0797-8123456"),
    # Routed by the county's unified intake in the year of receipt, and across the year end.
    record(ROWS[0], 申请编号="2024-00014", 收到日期="2024-03-01", 申请人类型="科研机构",
           首次收到单位="石城县人民政府", 转交日期="2024-03-04", 答复日期="2024-03-20"),
    record(ROWS[1], 申请编号="2023-099", 收到日期="2023-12-28", 首次收到单位="SCX",
           转交日期="2024-01-03", 办理结果="予以公开", 答复日期="2024-01-20"),
    # 条例第三十五条: a reasonable longer period, not overdue before it.
    record(ROWS[2], 申请编号="2024-00015", 申请人类型="自然人", 延迟答复期限="2024-08-30"),
]  # fmt: skip


def test_the_optional_columns_are_the_full_template() -> None:
    assert [*REQUIRED, *OPTIONAL] == FULL_HEADER


def test_oral_withdrawn_routed_and_deferred_applications_are_imported(
    units: None, county: Unit, department: Unit, other_department: Unit
) -> None:
    summary = register_import(actor=None, data=workbook(NEW_STEPS, FULL_HEADER))
    assert summary == {
        "file": "",
        "sheet": "台账",
        "imported": 7,
        "handling": 2,
        "replied": 3,
        "closed": 2,
        "withdrawn": 2,
        "oral": 1,
        "routed": 2,
        "units": {"县民政局": 5, "县住建局": 2},
    }
    get = Application.objects.get
    oral = get(tracking_no="2024-00010")
    assert (oral.channel, oral.transcribed_by, oral.submitted_on, oral.due_on) == (
        Channel.ORAL,
        "李承办",
        D(2024, 6, 3),
        D(2024, 7, 2),
    )
    withdrawn = get(tracking_no="2024-00011")
    assert (withdrawn.stage, withdrawn.outcome, withdrawn.replied_on) == (
        Stage.CLOSED,
        "withdrawn",
        D(2024, 4, 15),
    )
    assert withdrawn.outcome_note == "申请人来电撤回：已从村务公开栏看到"
    assert get(tracking_no="2024-00012").outcome == "withdrawn"
    elsewhere = get(tracking_no="2024-00013")
    assert (elsewhere.stage, elsewhere.outcome) == (Stage.REPLIED, "not_responsible")
    assert (elsewhere.responsible_agency, elsewhere.responsible_contact) == (
        "市自然资源局",
        "0797-8123456",
    )

    # Routed within the year: one application, at the unit it went to, from its first receipt:
    # Friday 03-01 + 20 working days = 03-29.
    routed = get(tracking_no="2024-00014")
    assert (routed.unit, routed.account_unit) == (department, department)
    assert (routed.received_on, routed.due_on) == (D(2024, 3, 1), D(2024, 3, 29))
    routing = Routing.objects.get(application=routed)
    assert (routing.from_unit, routing.to_unit, routing.on, routing.actor, routing.note) == (
        county,
        department,
        D(2024, 3, 4),
        None,
        "从登记台账导入",
    )
    assert [e.kind for e in routed.events.all()] == [EventKind.IMPORTED, EventKind.ROUTED]
    assert routed.events.first().data["routed"] == {  # type: ignore[union-attr]
        "from": "SCX",
        "to": "MZJ",
        "on": "2024-03-04",
    }
    # Routed after the year end: the county's 2023 report already carried it forward.
    late = get(tracking_no="2023-099")
    assert (late.unit, late.account_unit, late.received_on) == (
        other_department,
        county,
        D(2023, 12, 28),
    )

    # 第三十五条: the longer period replaces the statutory date; no reasons date is invented.
    deferred = get(tracking_no="2024-00015")
    assert (deferred.deferred_until, deferred.due_on) == (D(2024, 8, 30), D(2024, 8, 30))
    assert deferred.reasons_requested_on is None
    event = deferred.events.get()
    assert event.data["deferred_until"] == "2024-08-30"
    assert "延迟答复期限2024-08-30（条例第三十五条）" in event.note
    late_ones = selectors.overdue(selectors.county_applications(), on=D(2024, 7, 3))
    assert [a.tracking_no for a in late_ones] == ["2024-00010"]

    def report(year: int, unit: Unit) -> dict[str, dict[str, int]]:
        return selectors.report_numbers(selectors.annual_report_table(year, units=[unit]))

    mzj = report(2024, department)
    assert mzj["本年新收政府信息公开申请数量"]["总计"] == 5
    # A withdrawal is counted under 其他处理 3.其他 (its row is named 其他).
    assert mzj["其他"] == {**dict.fromkeys(mzj["其他"], 0), "自然人": 1, "其他": 1, "总计": 2}
    assert mzj["予以公开"]["科研机构"] == 1
    assert mzj["结转下年度继续办理"]["总计"] == 2
    zjj = report(2024, other_department)
    assert zjj["本年新收政府信息公开申请数量"]["总计"] == 1
    assert zjj["本机关不掌握相关政府信息"]["商业企业"] == 1
    assert zjj["上年结转政府信息公开申请数量"]["总计"] == zjj["予以公开"]["总计"] == 0
    county_2023, county_2024 = report(2023, county), report(2024, county)
    assert county_2023["本年新收政府信息公开申请数量"]["商业企业"] == 1
    assert county_2023["结转下年度继续办理"] == county_2024["上年结转政府信息公开申请数量"]
    assert county_2024["上年结转政府信息公开申请数量"]["商业企业"] == 1
    assert county_2024["予以公开"]["商业企业"] == 1


def _one_problem(*cells: Any, header: list[str] = FULL_HEADER) -> str:
    problems = _problems(workbook(cells, header))
    assert len(problems) == 1, problems
    return problems[0]


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (record(提交方式="电话"), "第3行I列：“电话”不是提交方式"),
        (record(提交方式="口头"), "第3行J列：口头提出的申请，请在“代为填写人”列填写代为填写申请的工作人员（条例第二十九条第一款）"),
        (record(代为填写人="李承办"), "第3行J列：只有口头提出的申请填写代为填写人，请核对提交方式"),
        (record(提交方式="口头", 代为填写人="李" * 101), "第3行J列：代为填写人不能超过100个字"),
        (record(办理结果="撤回"), "第3行K列：申请人撤回申请的，请在“说明”列写明撤回的方式和理由"),
        (record(办理结果=NOT_RESPONSIBLE), "第3行L列：不属于本机关负责公开的，请在“负责公开的机关”“负责机关联系方式”列填写"),
        (record(办理结果=NOT_RESPONSIBLE, 负责公开的机关="市自然资源局"), "第3行M列：请在“负责机关联系方式”列填写负责公开该信息的行政机关的联系方式（条例第三十六条第（五）项）"),
        (record(首次收到单位="县信访局", 转交日期="2023-12-21"), "第3行N列：没有名为“县信访局”的单位"),
        (record(首次收到单位="石城县政务公开办", 转交日期="2023-12-21"), "第3行N列：“石城县政务公开办”不是政府信息公开申请的受理机关"),
        (record(转交日期="2023-12-21"), "第3行N列：填写了转交日期的，请在“首次收到单位”列填写首次收到申请的单位"),
        (record(首次收到单位="石城县人民政府"), "第3行O列：由“石城县人民政府”转交“县民政局”的申请，请在“转交日期”列填写转交日期"),
        (record(首次收到单位="县民政局", 转交日期="2023-12-21"), "第3行O列：首次收到单位就是承办单位，没有转交"),
        (record(首次收到单位="SCX", 转交日期="2023-12-19"), "第3行O列：转交日期不能早于收到日期"),
        (record(首次收到单位="SCX", 转交日期="2024-01-11"), "第3行O列：转交日期不能晚于答复日期"),
        (record(首次收到单位="SCX", 转交日期="2024-07-02"), "第3行O列：转交日期不能晚于今天"),
        (record(延迟答复期限="下月底"), "第3行P列：“下月底”不是有效的日期"),
        (record(ROWS[2], 延迟答复期限="2024-07-02"), "第3行P列：延迟答复期限应晚于法定答复期限（2024-07-02）"),
        (record(办理结果="无正当理由大量反复申请", 延迟答复期限="2024-03-01"), "第3行P列：确定延迟答复期限，说明申请理由合理（条例第三十五条），办理结果不能是“无正当理由大量反复申请”"),
    ],
)  # fmt: skip
def test_each_bad_cell_of_the_new_columns_is_named(
    units: None, cells: dict[str, Any], expected: str
) -> None:
    assert _one_problem(cells).startswith(f"工作表“台账”{expected}")
    assert not Routing.objects.exists()


def test_a_missing_optional_column_is_asked_for_at_the_cell_that_needs_it(units: None) -> None:
    header = [*HEADER, "提交方式"]
    oral = _one_problem([*ROWS[0], "口头提出"], header=header)
    assert oral.startswith("工作表“台账”第3行I列：口头提出的申请，请在“代为填写人”列填写")
    withdrawn = _one_problem(row(办理结果="申请人撤回申请"), header=HEADER)
    assert withdrawn.startswith("工作表“台账”第3行G列：申请人撤回申请的，请在“说明”列写明")
    explained = record(办理结果=NOT_RESPONSIBLE, 说明="经查，该信息的制作机关已撤销，无法确定")
    register_import(actor=None, data=workbook([explained], FULL_HEADER))
    assert Application.objects.get().responsible_agency == ""


def test_staff_import_routings_only_from_units_they_may_route_from(
    units: None, handler: User, office: User
) -> None:
    routed = record(首次收到单位="石城县人民政府", 转交日期="2023-12-21")
    problems = _problems(workbook([routed], FULL_HEADER), actor=handler)
    assert problems == [
        "工作表“台账”第3行N列：您不能导入由“石城县人民政府”转交的申请：只有县政务公开办或该单位的承办人可以转交"
    ]
    register_import(actor=office, data=workbook([routed], FULL_HEADER))
    assert Routing.objects.get().actor == office
