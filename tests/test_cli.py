"""`gongkai` on bad input (issue 12): one Chinese line and a non-zero exit, never a traceback.

The first tests run the real console script in a subprocess (settings errors, the safety net and
the two findings of the probe need the whole start-up); the sweep of every command's bad input
uses call_command, which raises the same CommandError the script prints as one line.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from gongkai import cli
from gongkai.orgs.models import Unit

GONGKAI = Path(sys.executable).with_name("gongkai")


def _gongkai(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run the installed console script with its own empty var dir (SQLite, not migrated)."""
    environ = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "GONGKAI_LOG_FILE", "SECRET_KEY", "ALLOWED_HOSTS"}
    }
    environ.update({"GONGKAI_VAR_DIR": str(tmp_path / "var"), "GONGKAI_ENV": "test", **env})
    return subprocess.run(  # noqa: S603 - our own script, fixed arguments
        [str(GONGKAI), *args],
        env=environ,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _one_chinese_line(result: subprocess.CompletedProcess[str], fragment: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert fragment in lines[0]


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["workdays", "due", "--received", "9999-12-31"], "超出工作日历的范围"),
        (["catalog", "export", "--unit", "MZJ", "--output", "missing/x.xlsx"], "不存在"),
        (["catalog", "export", "--unit", "MZJ", "--output", "."], "是文件夹"),
    ],
)
def test_the_probes_findings_are_one_line(tmp_path: Path, args: list[str], fragment: str) -> None:
    _one_chinese_line(_gongkai(tmp_path, *args), fragment)


@pytest.mark.parametrize("command", ["check", "serve"])
def test_a_settings_error_is_one_line_and_exit_2(tmp_path: Path, command: str) -> None:
    """Raised while config.settings is imported: production without SECRET_KEY."""
    result = _gongkai(tmp_path, command, GONGKAI_ENV="production", DEBUG="0")
    _one_chinese_line(result, "配置错误：")
    assert "SECRET_KEY" in result.stderr
    assert result.returncode == 2


def test_any_error_while_reading_the_settings_is_a_settings_error(tmp_path: Path) -> None:
    result = _gongkai(tmp_path, "units", "list", DATABASE_URL="foo://x", TMPDIR=str(tmp_path))
    _one_chinese_line(result, "配置错误：读取设置时出错（UnknownSchemeError")
    assert result.returncode == 2


def test_an_unexpected_error_is_one_line_and_the_traceback_goes_to_the_log(
    tmp_path: Path,
) -> None:
    # A database nobody migrated: the command fails in a way it does not expect.
    result = _gongkai(tmp_path, "units", "list")
    _one_chinese_line(result, "内部错误：数据库出错（OperationalError）")
    assert result.returncode == 1
    assert "详细信息已写入日志" in result.stderr
    log = (tmp_path / "var" / "log" / cli.ERROR_LOG_NAME).read_text(encoding="utf-8")
    assert "command `gongkai units list` failed" in log
    assert "Traceback" in log and "no such table" in log


def test_the_safety_net_in_process(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    settings: Any,
) -> None:
    """Any exception a command did not expect, with the log file configured."""
    from gongkai.orgs.management.commands import units

    def broken(*args: Any, **options: Any) -> None:
        raise RuntimeError("secret detail /home/x")

    monkeypatch.setattr(units.Command, "handle", broken)
    settings.GONGKAI_LOG_FILE = str(tmp_path / "gongkai.log")
    assert cli.run(["gongkai", "units", "--skip-checks", "list"]) == 1
    captured = capsys.readouterr()
    assert captured.err.startswith("内部错误：命令未能完成（RuntimeError），详细信息已写入日志")
    assert "secret detail" not in captured.err and "Traceback" not in captured.err
    log = (tmp_path / "gongkai.log").read_text(encoding="utf-8")
    assert "RuntimeError: secret detail /home/x" in log


# ------------------------------------------------------------------------------- the sweep


def _refused(*args: str) -> str:
    with pytest.raises(CommandError) as caught:
        call_command(*args, stdout=io.StringIO(), stderr=io.StringIO())
    message = str(caught.value)
    assert "\n" not in message
    return message


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "sub").mkdir()
    return tmp_path


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        # Dates and years no calendar or Python date can hold.
        (["workdays", "due", "--received", "9999-12-31"], "超出工作日历的范围"),
        (["workdays", "add", "0001-01-01", "1"], "超出工作日历的范围"),
        (
            ["workdays", "due", "--received", "2024-01-02", "--pause", "2024-01-03:9999-12-31"],
            "超出",
        ),
        (["workdays", "import", "{dir}"], "是文件夹"),
        (["workdays", "import", "{dir}/none.csv"], "找不到文件"),
        (
            ["report", "monthly", "--year", "99999", "--month", "1", "--output", "{dir}/r.docx"],
            "2000至2100",
        ),
        (["report", "annual", "--year", "-1", "--output", "{dir}/r.docx"], "2000至2100"),
        (["report", "annual", "--year", "2024", "--output", "{dir}/sub"], "是文件夹"),
        (["report", "annual", "--year", "2024", "--output", "{dir}/none/r.docx"], "不存在"),
        (["monitor", "check", "--date", "9999-12-31"], "2000至2100"),
        (["monitor", "probe", "--url", "http://[::1", "--timeout", "1"], "检测地址"),
        (["monitor", "probe", "--url", "http://127.0.0.1:9/", "--timeout", "1e308"], "超时时间"),
        (["catalog", "export", "--unit", "MZJ", "--output", "{dir}/sub"], "是文件夹"),
        (
            [
                "catalog",
                "export",
                "--unit",
                "MZJ",
                "--output",
                "{dir}/x.xlsx",
                "--version",
                str(10**20),
            ],
            "2000至2100",
        ),
        (["catalog", "import", "{dir}/sub", "--unit", "MZJ"], "是文件夹"),
        (["catalog", "guidelines", "{dir}/none.xlsx"], "找不到文件"),
        (["publications", "export", "--output", "{dir}/none/x.xlsx"], "不存在"),
        (["applications", "import", "{dir}/none.xlsx"], "找不到文件"),
        (["textcheck", "{dir}/sub"], "找不到文件"),
        (["serve", "--bind", "127.0.0.1:99999"], "65535"),
    ],
)
def test_every_command_refuses_bad_input_with_one_line(
    folder: Path, department: Unit, args: list[str], fragment: str
) -> None:
    assert fragment in _refused(*(arg.format(dir=folder) for arg in args))


@pytest.mark.django_db
def test_publications_export_to_a_folder_named_like_a_file(tmp_path: Path) -> None:
    (tmp_path / "x.xlsx").mkdir()
    assert "是文件夹" in _refused("publications", "export", "--output", str(tmp_path / "x.xlsx"))
