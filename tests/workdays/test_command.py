"""`gongkai workdays`: the clock from the command line, and the office's CSV import."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from gongkai.workdays.models import DeclaredDay, DeclaredYear
from tests.workdays.conftest import whole_year

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = StringIO()
    call_command("workdays", *args, stdout=out)
    return out.getvalue().strip()


def _refused(*args: str) -> str:
    with pytest.raises(CommandError) as caught:
        _run(*args)
    message = str(caught.value)
    assert "\n" not in message
    return message


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["add", "2024-09-27", "1"], "2024-09-29"),
        (["add", "2024-09-30", "1"], "2024-10-08"),
        (["add", "2024-10-11", "1"], "2024-10-12"),
        (["add", "2024-03-08", "0"], "2024-03-08"),
        (["add", "2025-01-27", "1"], "2025-02-05"),
        (["due", "--received", "2024-09-20"], "2024-10-23"),
        (["due", "--received", "2024-09-20", "--extension"], "2024-11-20"),
        (["due", "--received", "2024-03-01", "--supplemented", "2024-03-15"], "2024-04-15"),
        (["due", "--received", "2024-03-01", "--pause", "2024-03-11:2024-03-15"], "2024-04-08"),
        (
            [
                "due",
                "--received",
                "2024-03-01",
                "--pause",
                "2024-03-11:2024-03-13",
                "--pause",
                "2024-03-12:2024-03-15",
            ],
            "2024-04-08",
        ),
    ],
)
def test_prints_the_date(args: list[str], expected: str) -> None:
    assert _run(*args) == expected


def test_check_says_whether_a_day_is_worked_and_by_whose_calendar() -> None:
    assert json.loads(_run("check", "2024-10-12")) == {
        "date": "2024-10-12",
        "workday": True,
        "source": "state_council",
    }
    assert json.loads(_run("check", "2024-10-01"))["workday"] is False


def test_years_lists_the_known_years() -> None:
    rows = json.loads(_run("years"))
    assert rows[0] == {"year": 2004, "source": "state_council"}
    assert rows[-1] == {"year": 2026, "source": "state_council"}


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["add", "2024-02-30", "1"], "日期“2024-02-30”无效"),
        (["add", "2024/03/01", "1"], "日期“2024/03/01”无效"),
        (["add", "2024-03-01", "-3"], "工作日数不能为负数，收到“-3”"),
        (["add", "2024-03-01", "abc"], "工作日数“abc”无效"),
        (["due", "--received", "2024-13-01"], "收到申请日期“2024-13-01”无效"),
        (
            ["due", "--received", "2024-03-01", "--supplemented", "2024-02-01"],
            "早于收到申请日期",
        ),
        (["due", "--received", "2024-03-01", "--pause", "2024-03-11"], "暂停期间“2024-03-11”无效"),
        (
            ["due", "--received", "2024-03-01", "--pause", "2024-03-11:2024-03-99"],
            "暂停期间“2024-03-11:2024-03-99”的结束日期“2024-03-99”无效",
        ),
        (
            ["due", "--received", "2024-03-01", "--pause", "2024-03-15:2024-03-11"],
            "结束日期早于起始日期",
        ),
        (
            ["due", "--received", "2026-12-20"],
            "尚无2027年的节假日安排，请公开办先导入该年度工作日历。",
        ),
        (["add", "2026-12-31", "1"], "尚无2027年的节假日安排"),
        (["check", "2027-01-04"], "尚无2027年的节假日安排"),
        (["check", "2003-06-02"], "尚无2003年的节假日安排"),
    ],
)
def test_refuses_with_one_chinese_line(args: list[str], fragment: str) -> None:
    assert fragment in _refused(*args)


def test_an_action_is_required() -> None:
    with pytest.raises(CommandError):
        call_command("workdays", stdout=StringIO())


def test_import_then_count_into_the_new_year(csv_2027: Path) -> None:
    assert "尚无2027年" in _refused("due", "--received", "2026-12-25")
    summary = json.loads(_run("import", str(csv_2027)))
    assert summary == {
        "years": [2027],
        "holidays": 16,
        "workdays": 4,
        "replaced": [],
        "overrides": [],
        "dry_run": False,
        "changes": [],
    }
    assert _run("due", "--received", "2026-12-25") == "2027-01-25"
    assert _run("add", "2027-10-08", "1") == "2027-10-09"
    assert json.loads(_run("check", "2027-10-09")) == {
        "date": "2027-10-09",
        "workday": True,
        "source": "office",
    }
    assert json.loads(_run("years"))[-1] == {"year": 2027, "source": "office"}


def test_reimport_needs_replace_year_and_shows_the_changes(csv_2027: Path, tmp_path: Path) -> None:
    _run("import", str(csv_2027))
    correction = tmp_path / "fix.csv"
    correction.write_text(whole_year(2027), encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("workdays", "import", str(correction), stdout=StringIO(), stderr=err)
    assert "2027年已有工作日历，未导入" in str(caught.value)
    assert "--replace-year" in str(caught.value)
    assert "取消调休上班4天（01-30、02-20、09-26、10-09）" in err.getvalue()
    assert DeclaredDay.objects.count() == 20
    summary = json.loads(_run("import", str(correction), "--replace-year"))
    assert summary["replaced"] == [2027]
    assert summary["changes"][0]["workdays_removed"][0] == "2027-01-30"
    assert DeclaredDay.objects.count() == 12
    assert _run("add", "2027-10-08", "1") == "2027-10-19"


def test_a_partial_year_is_refused(tmp_path: Path) -> None:
    partial = tmp_path / "partial.csv"
    partial.write_text("date,type\n2026-10-01,holiday\n", encoding="utf-8")
    assert "2026年只有1天工作日放假" in _refused("import", str(partial), "--replace-year")


def test_bad_import_names_the_line_and_stores_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("date,type\n2027-01-01,holiday\n2027-02-30,holiday\n", encoding="utf-8")
    message = _refused("import", str(bad))
    assert "第3行" in message
    assert "2027-02-30" in message
    assert not DeclaredYear.objects.exists()


def test_dry_run_import_changes_nothing(csv_2027: Path) -> None:
    summary = json.loads(_run("import", str(csv_2027), "--dry-run"))
    assert summary["dry_run"] is True
    assert summary["years"] == [2027]
    assert not DeclaredYear.objects.exists()


def test_import_of_a_missing_file_is_refused(tmp_path: Path) -> None:
    assert "找不到文件" in _refused("import", str(tmp_path / "none.csv"))
