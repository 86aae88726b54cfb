"""`gongkai handbook [--unit CODE] --group unit|life-event --output FILE.docx`: the file it writes
opens and holds the selection; every refusal is one Chinese line, before any work."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from docx import Document

from gongkai.orgs.models import Unit
from tests.serviceguides.guide_factories import make_guide

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def guides(department: Unit, township: Unit) -> None:
    make_guide(department, "最低生活保障审核确认", events=["elderly", "medical"])
    make_guide(township, "生育登记", events=["birth"])


def _headings(path: Path, style: str) -> list[str]:
    document = Document(io.BytesIO(path.read_bytes()))
    return [p.text for p in document.paragraphs if p.style.name == style]


def _run(*args: str) -> dict[str, Any]:
    out = io.StringIO()
    call_command("handbook", *args, stdout=out)
    return dict(json.loads(out.getvalue()))


def test_county_by_unit(guides: None, tmp_path: Path) -> None:
    output = tmp_path / "一本通.docx"
    report = _run("--group", "unit", "--output", str(output))
    assert report["output"] == str(output) and report["bytes"] == output.stat().st_size
    assert report["cached"] is False
    assert _headings(output, "Heading 1") == ["石城县民政局", "琴江镇"]
    # Unchanged guides: the second run copies the cached file.
    again = tmp_path / "again.docx"
    assert _run("--group", "unit", "--output", str(again))["cached"] is True
    assert again.read_bytes() == output.read_bytes()


def test_one_unit_by_life_event(guides: None, tmp_path: Path) -> None:
    output = tmp_path / "mzj.docx"
    _run("--unit", "mzj", "--group", "life-event", "--output", str(output))
    assert _headings(output, "Heading 1") == ["养老", "医疗"]
    assert _headings(output, "Heading 2") == ["最低生活保障审核确认（县民政局）"] * 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--unit", "NOPE", "--group", "unit"], "未知的单位代码“NOPE”"),
        (["--group", "domain"], "编排方式“domain”无效"),
        (["--group", "unit", "--unit", "QJZ01"], "还没有已发布的办事指南"),
    ],
)
def test_refusals(
    guides: None, village: Unit, tmp_path: Path, args: list[str], message: str
) -> None:
    output = tmp_path / "out.docx"
    with pytest.raises(CommandError, match=message):
        _run(*args, "--output", str(output))
    assert not output.exists()


def test_unwritable_output_is_refused_before_any_work(guides: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"输出文件夹.*不存在"):
        _run("--group", "unit", "--output", str(tmp_path / "missing" / "out.docx"))
    with pytest.raises(CommandError, match="是文件夹"):
        _run("--group", "unit", "--output", str(tmp_path))
    assert not list(tmp_path.rglob("*.docx"))
