"""`gongkai textcheck`: JSON lines on stdout, exit status 1 when a finding blocks publication."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import docx
import pytest
from django.core.management import CommandError, call_command

ROOT = Path(__file__).resolve().parents[2]
BLOCKING = "公示名单：张三，身份证号360735198506151233，县环保局。"


def run(*args: str, stdin: bytes | None = None) -> tuple[int, list[dict[str, Any]]]:
    out = io.StringIO()
    options: dict[str, Any] = {"stdout": out}
    if stdin is not None:
        options["stdin"] = io.BytesIO(stdin)
    try:
        call_command("textcheck", *args, **options)
        status = 0
    except SystemExit as exc:
        status = int(exc.code or 0)
    return status, [json.loads(line) for line in out.getvalue().splitlines()]


def test_findings_are_json_lines_and_block_exits_1(tmp_path: Path) -> None:
    path = tmp_path / "notice.txt"
    path.write_text(BLOCKING, encoding="utf-8")
    out = io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("textcheck", str(path), stdout=out)
    assert exited.value.code == 1
    assert '"text": "环保局"' in out.getvalue()  # Chinese as is, not \u escapes
    assert [json.loads(line) for line in out.getvalue().splitlines()] == [
        {
            "kind": "id_number",
            "start": 12,
            "end": 30,
            "text": "360735198506151233",
            "severity": "block",
            "suggestion": None,
        },
        {
            "kind": "wrong_word",
            "start": 32,
            "end": 35,
            "text": "环保局",
            "severity": "warn",
            "suggestion": "生态环境局",
        },
    ]


def test_warnings_only_exit_0(tmp_path: Path) -> None:
    path = tmp_path / "notice.txt"
    path.write_text("县环保局召开会议。", encoding="utf-8")
    assert run(str(path)) == (
        0,
        [
            {
                "kind": "wrong_word",
                "start": 1,
                "end": 4,
                "text": "环保局",
                "severity": "warn",
                "suggestion": "生态环境局",
            }
        ],
    )


@pytest.mark.parametrize("args", [(), ("-",)])
def test_standard_input(args: tuple[str, ...]) -> None:
    status, lines = run(*args, stdin="村民王某某138 1234 5678反映".encode())
    assert status == 1
    assert [(line["kind"], line["start"], line["end"]) for line in lines] == [("mobile", 5, 18)]
    assert run(*args, stdin="石城县人民政府".encode()) == (0, [])


def test_a_contact_number_warns_and_exits_0() -> None:
    # Issue 8: a contact clause's number is published on purpose (it used to block).
    status, lines = run(stdin="联系电话：138 1234 5678".encode())
    assert status == 0
    assert [(line["kind"], line["severity"]) for line in lines] == [("mobile", "warn")]


def test_explain_adds_the_reason(tmp_path: Path) -> None:
    path = tmp_path / "notice.txt"
    path.write_text("联系人：张某某 联系电话：13950291234\n村民王某某（13807971234）反映", "utf-8")
    status, lines = run(str(path), "--explain")
    assert status == 1
    assert [(line["kind"], line["severity"]) for line in lines] == [
        ("mobile", "warn"),
        ("mobile", "block"),
    ]
    assert "位于“联系电话”之后" in lines[0]["reason"]
    assert "没有联系人、联系电话等字样" in lines[1]["reason"]
    # Without --explain the lines keep the keys they always had.
    assert all("reason" not in line for line in run(str(path))[1])


def test_standard_input_of_a_real_process() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "gongkai", "textcheck"],
        input=BLOCKING.encode(),
        capture_output=True,
        cwd=ROOT,
        env={**os.environ, "GONGKAI_ENV": "test"},
        timeout=60,
        check=False,
    )
    assert (result.returncode, result.stderr.decode()) == (1, "")
    lines = [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]
    assert [line["kind"] for line in lines] == ["id_number", "wrong_word"]


def test_extra_word_lists(tmp_path: Path) -> None:
    first = tmp_path / "a.txt"
    first.write_text("# 本县词库\n琴江镇政府\t琴江镇人民政府\n", encoding="utf-8")
    second = tmp_path / "b.txt"
    second.write_text("保密材料\n", encoding="utf-8")
    status, lines = run(
        "--words", str(first), "--words", str(second), stdin="琴江镇政府保密材料".encode()
    )
    assert status == 1
    assert [(line["kind"], line["text"], line["suggestion"]) for line in lines] == [
        ("wrong_word", "琴江镇政府", "琴江镇人民政府"),
        ("sensitive_word", "保密材料", None),
    ]


def test_docx_input(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("补贴名单")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "张三"
    table.cell(0, 1).text = "6222021234567894"
    path = tmp_path / "list.docx"
    document.save(str(path))
    status, lines = run(str(path), "--docx")
    assert status == 1
    assert [(line["kind"], line["start"]) for line in lines] == [("bank_card", 8)]


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (("missing.txt",), None, "找不到文件：missing.txt"),
        (("-",), b"\xb9\xab\xbf\xaa", "不是 UTF-8 编码的文本"),
        (("-", "--docx"), "不是Word".encode(), "不是有效的 Word 文档"),
        (("--words", "missing.txt"), b"", "找不到词库文件：missing.txt"),
    ],
)
def test_errors_are_one_chinese_line(
    args: tuple[str, ...], stdin: bytes | None, message: str
) -> None:
    with pytest.raises(CommandError, match=message) as caught:
        run(*args, stdin=stdin)
    assert "\n" not in str(caught.value)


def test_a_bad_word_list_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "words.txt"
    path.write_text("# 词库\n环保局 生态环境局\n", encoding="utf-8")
    with pytest.raises(CommandError, match="第2行"):
        run("--words", str(path), stdin=b"")
