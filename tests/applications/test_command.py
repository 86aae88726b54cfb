"""`gongkai applications import`, `gongkai applications overdue` and `gongkai applications
recompute`. What the import reads is tested cell by cell in test_register_import.py; here, the
command line: its JSON summary, --dry-run and its one-line refusals."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.management import CommandError, call_command

from gongkai import clock as statutory
from gongkai.applications import services
from gongkai.applications.models import Application, Channel, Routing
from gongkai.core.models import AuditEntry
from gongkai.orgs.models import Role, Unit, User
from gongkai.workdays import selectors as workdays
from gongkai.workdays import services as workday_services
from tests.applications.fixtures.registers import FULL_HEADER, ROWS, record, row, workbook
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
D = dt.date
CALENDAR_2027 = Path(__file__).resolve().parent.parent / "workdays" / "calendar_2027.csv"
APPLICANT: dict[str, Any] = {
    "applicant_type": "natural",
    "applicant_name": "王小明",
    "id_number": "360735198506151233",
    "phone": "13807971234",
    "description": "某文件",
}


@pytest.fixture(autouse=True)
def _fresh_calendar() -> Iterator[None]:
    workdays.forget_calendar()
    yield
    workdays.forget_calendar()


@pytest.fixture
def handler(department: Unit) -> User:
    user: User = UserFactory(username="mzj_handler", full_name="李承办")
    MembershipFactory(user=user, unit=department, role=Role.HANDLER)
    return user


def _register(handler: User, unit: Unit, received: dt.date) -> Application:
    application, _code = services.application_register(
        actor=handler,
        unit=unit,
        channel=Channel.IN_PERSON,
        values=APPLICANT,
        submitted_on=received,
    )
    return application


def _run(capsys: Any, *args: str) -> Any:
    call_command("applications", *args)
    return json.loads(capsys.readouterr().out)


def test_overdue_lists_late_and_soon_due_applications(
    capsys: Any, handler: User, office: User, department: Unit, other_department: Unit
) -> None:
    with time_machine.travel("2024-10-28 10:00 +0800", tick=False):
        soon = _register(handler, department, D(2024, 9, 27))  # due Wednesday 10-30
        late = _register(handler, department, D(2024, 9, 20))  # due 10-23
        other = _register(office, other_department, D(2024, 9, 20))
        result = _run(capsys, "overdue")
        assert result["on"] == "2024-10-28"
        assert result["within_workdays"] == 5
        assert [row["tracking_no"] for row in result["overdue"]] == [
            late.tracking_no,
            other.tracking_no,
        ]
        assert result["overdue"][0] == {
            "tracking_no": late.tracking_no,
            "unit": "县民政局",
            "handler": "李承办",
            "stage": "已登记",
            "due_on": "2024-10-23",
            "days_late": 3,
        }
        assert [
            (r["tracking_no"], r["what"], r["due"], r["days_left"]) for r in result["due_soon"]
        ] == [(soon.tracking_no, "答复期限", "2024-10-30", 2)]
        mine = _run(capsys, "overdue", "--unit", "ZJJ", "--days", "1")
        assert [row["tracking_no"] for row in mine["overdue"]] == [other.tracking_no]
        assert mine["due_soon"] == []
        with pytest.raises(CommandError, match="未知的单位代码“XX”"):
            call_command("applications", "overdue", "--unit", "XX")


def test_recompute_dates_the_applications_once_the_year_is_known(
    capsys: Any, handler: User, department: Unit
) -> None:
    with time_machine.travel("2026-12-17 10:00 +0800", tick=False):
        application = _register(handler, department, D(2026, 12, 17))
        # The period runs into 2027, whose working days nobody has published yet: 期限待定.
        assert application.due_on is None
        assert application.supplement_notice_due == D(2026, 12, 28)
        result = _run(capsys, "recompute")
        assert (result["checked"], result["changed"], result["undated"]) == (1, 0, 1)

        workday_services.calendar_import(
            actor=None, source=CALENDAR_2027.read_bytes(), filename=CALENDAR_2027.name
        )
        result = _run(capsys, "recompute", "--dry-run")
        assert (result["changed"], result["dry_run"]) == (1, True)
        assert Application.objects.get().due_on is None

        result = _run(capsys, "recompute")
        # 12-18..12-31 are ten working days, 2027-01-01 is off: the twentieth is 01-15.
        assert result["changes"] == [
            {
                "tracking_no": application.tracking_no,
                "due_on": [None, "2027-01-15"],
                "supplement_notice_due": ["2026-12-28", "2026-12-28"],
            }
        ]
        assert result["undated"] == 0
        assert Application.objects.get().due_on == D(2027, 1, 15)
        assert statutory.due_date(D(2026, 12, 17), calendar=workdays.calendar()) == D(2027, 1, 15)
        assert AuditEntry.objects.filter(action="application.recompute").count() == 1
        assert _run(capsys, "recompute")["changed"] == 0


def test_import_prints_a_json_summary(
    capsys: Any, tmp_path: Path, county: Unit, department: Unit, other_department: Unit
) -> None:
    register = [
        *(record(cells) for cells in ROWS),
        record(ROWS[2], 申请编号="2024-00010", 提交方式="口头", 代为填写人="李承办"),
        record(ROWS[4], 申请编号="2024-00011", 办理结果="撤回", 答复日期="2024-04-15",
               说明="申请人来电撤回"),
        record(ROWS[0], 申请编号="2024-00012", 收到日期="2024-03-01", 首次收到单位="石城县人民政府",
               转交日期="2024-03-04", 答复日期="2024-03-20"),
    ]  # fmt: skip
    path = tmp_path / "台账.xlsx"
    path.write_bytes(workbook(register, FULL_HEADER))
    with time_machine.travel("2024-07-01 10:00 +0800", tick=False):
        result = _run(capsys, "import", str(path), "--dry-run")
        assert result == {
            "file": "台账.xlsx",
            "sheet": "台账",
            "imported": 8,
            "handling": 2,
            "replied": 4,
            "closed": 2,
            "withdrawn": 1,
            "oral": 1,
            "routed": 1,
            "units": {"县民政局": 7, "县住建局": 1},
            "dry_run": True,
        }
        assert not Application.objects.exists() and not Routing.objects.exists()
        result = _run(capsys, "import", str(path))
        assert (result["imported"], result["routed"], result["dry_run"]) == (8, 1, False)
        assert Application.objects.count() == 8 and Routing.objects.count() == 1

        path.write_bytes(workbook([row(申请编号="2023-999", 承办单位="县教育局")]))
        with pytest.raises(CommandError, match="工作表“台账”第3行F列：没有名为“县教育局”的单位"):
            call_command("applications", "import", str(path))
        oral = record(ROWS[2], 申请编号="2024-00020", 提交方式="口头提出")
        path.write_bytes(workbook([oral], FULL_HEADER))
        with pytest.raises(CommandError, match="第3行J列：口头提出的申请，请在“代为填写人”列填写"):
            call_command("applications", "import", str(path))
        assert Application.objects.count() == 8
        with pytest.raises(CommandError, match="找不到文件"):
            call_command("applications", "import", str(tmp_path / "none.xlsx"))
