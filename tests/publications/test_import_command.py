"""`gongkai publications import|export|rescan` from the command line: an old site's GB18030 CSV
with attachments, errors as Chinese lines, the export round trip for .jsonl and .xlsx, and the
re-scan that changes nothing."""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from openpyxl import Workbook

from gongkai.orgs.models import Unit, User
from gongkai.publications import archive, interchange, search, services
from gongkai.publications.models import (
    Attachment,
    Column,
    DocKind,
    Publication,
    PublicationVersion,
    Validity,
)
from tests.publications.conftest import ID_NUMBER, publication_values

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "old_site"
PDF = (FIXTURES / "附件" / "低保标准.pdf").read_bytes()


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def old_site(tmp_path: Path) -> Path:
    """A copy of the old site's export: the table and its attachments folder."""
    target = tmp_path / "old_site"
    shutil.copytree(FIXTURES, target)
    return target / "政府信息.csv"


def run(*args: str) -> dict[str, Any]:
    out = io.StringIO()
    call_command("publications", *args, stdout=out)
    result: dict[str, Any] = json.loads(out.getvalue())
    return result


def test_an_old_sites_gb18030_csv_comes_in_with_its_attachment(
    department: Unit, old_site: Path
) -> None:
    summary = run("import", str(old_site))
    assert summary["imported"] == 3
    assert (summary["index_numbers_kept"], summary["index_numbers_new"]) == (2, 1)
    assert summary["ignored_columns"] == ["点击数"]
    assert summary["unmapped_columns"] == {"部门动态": 1}
    notice = Publication.objects.get(index_no="MZJ-1600-2015-00012")
    assert notice.doc_number == "石民字〔2015〕31号"
    assert notice.written_on == dt.date(2015, 7, 20)
    assert notice.published_at == timezone.make_aware(dt.datetime(2015, 7, 24, 9, 30))
    assert notice.source_url.endswith("art_1234_56789.html")
    assert [a.name for a in notice.attachments.all()] == ["低保标准.pdf"]
    funds = Publication.objects.get(title="2015年第三季度城乡低保资金发放情况")
    assert funds.body == "<p>第三季度共发放城乡低保资金<strong>312.6万元</strong>。</p>"
    assert funds.column.code == "news" and funds.index_no == "MZJ-2100-2015-00001"
    assert Publication.objects.get(index_no="MZJ-1600-2015-00015").column.code == "notices"


def test_dry_run_prints_the_summary_and_writes_nothing(department: Unit, old_site: Path) -> None:
    summary = run("import", str(old_site), "--dry-run", "--default-column", "notices")
    assert summary["imported"] == 3 and summary["dry_run"] is True
    assert summary["default_column"]["code"] == "notices"
    assert Publication.objects.count() == 0


def test_errors_are_a_chinese_line_then_each_problem(department: Unit, old_site: Path) -> None:
    text = old_site.read_bytes().decode("gb18030").replace("2015/7/24 9:30", "2015/7/32")
    old_site.write_bytes(text.replace("县民政局\r\n", "县林业局\r\n", 1).encode("gb18030"))
    (old_site.parent / "附件" / "低保标准.pdf").unlink()
    with pytest.raises(CommandError) as caught:
        run("import", str(old_site))
    lines = str(caught.value).split("\n")
    assert lines[0] == "导入文件有误，未导入任何信息。请按以下提示修改后重新导入。"
    assert lines[1:] == [
        "第2行“石城县民政局关于调整2015年城乡低保标准的通知”，附件：找不到附件文件“附件/低保标准.pdf”。",
        "第2行“石城县民政局关于调整2015年城乡低保标准的通知”，发布日期：“2015/7/32”不是有效的日期，"
        "请写成2015-10-16、2015-10-16 14:12或2015年10月16日。",
    ]
    assert Publication.objects.count() == 0


def test_unit_option_and_unknown_files(department: Unit, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="找不到文件"):
        run("import", str(tmp_path / "none.csv"))
    garbage = tmp_path / "garbage.xlsx"
    garbage.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(CommandError, match="文件不是有效的Excel工作簿"):
        run("import", str(garbage))
    table = tmp_path / "t.csv"
    table.write_text("标题,正文,发布日期\n甲,乙,2015-10-16\n", encoding="utf-8")
    with pytest.raises(CommandError, match="未知的单位代码“NOPE”"):
        run("import", str(table), "--unit", "NOPE")
    with pytest.raises(CommandError, match="公开单位：未填写"):
        run("import", str(table))
    assert run("import", str(table), "--unit", "MZJ")["imported"] == 1


def test_blocking_findings_need_the_override_reason(department: Unit, tmp_path: Path) -> None:
    table = tmp_path / "t.jsonl"
    line = {"标题": "名单", "正文": f"张三 {ID_NUMBER}", "发布日期": "2015-10-16"}
    table.write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        run("import", str(table), "--unit", "MZJ")
    assert str(caught.value).split("\n")[1].startswith("第1行“名单”：正文第4个字起：身份证号")
    summary = run("import", str(table), "--unit", "MZJ", "--override-reason", "依法公示")
    assert summary["overridden"] == 1
    assert Publication.objects.get().override_reason == "依法公示"


# ---------------------------------------------------------------------------- round trip


def _published(editor: User, reviewer: User, department: Unit) -> None:
    """Items born here (one normative, with validity; one with an attachment) and one imported
    from an old site with its 原网址 and an item only an attachment carries."""
    notice = services.publication_create(actor=editor, unit=department, values=publication_values())
    services.publication_attach(actor=editor, publication=notice, name="标准.pdf", data=PDF)
    normative = services.publication_create(
        actor=editor,
        unit=department,
        values=publication_values(
            title="石城县最低生活保障实施细则",
            doc_number="石民规〔2024〕1号",
            doc_kind=DocKind.NORMATIVE,
            validity=Validity.VALID,
            column=Column.objects.get(code="normative"),
            body="<p>第一条　为规范最低生活保障工作，制定本细则。</p>",
        ),
    )
    for item in (notice, normative):
        services.publication_submit(actor=editor, publication=item)
        services.publication_approve(actor=reviewer, publication=item)
    line = {
        "标题": "2015年城乡低保标准调整情况",
        "正文": "经县政府同意，调整城乡低保标准。",
        "发布日期": "2015-11-02 08:05:09",
        "成文日期": "2015-10-30",
        "文号": "石民字[2015]33号",
        "有效性": "已失效",
        "主题分类": "民政、扶贫、救灾",
        "原网址": "http://www.shicheng.gov.cn/art/2015/11/2/art_1_9.html",
    }
    archive.import_rows(
        actor=None,
        parsed=interchange.read(json.dumps(line, ensure_ascii=False).encode(), "a.jsonl"),
        unit=department,
    )


def _items() -> list[tuple[Any, ...]]:
    return sorted(
        (
            p.title,
            p.body_text,
            p.written_on,
            p.published_at.replace(microsecond=0) if p.published_at else None,
            p.index_no,
            p.doc_number,
            p.issuer,
            p.topic.name,
            p.column.code,
            p.validity,
            p.doc_kind,
            p.unit.code,
            p.source_url,
            tuple(p.attachments.values_list("name", "sha256")),
        )
        for p in Publication.objects.published().select_related("unit", "topic", "column")
    )


def _empty_database() -> None:
    Attachment.objects.all().delete()
    PublicationVersion.objects.all().delete()
    Publication.catalog_items.through.objects.all().delete()
    Publication.objects.all().delete()
    search.rebuild()


@pytest.mark.parametrize("suffix", [".jsonl", ".xlsx"])
def test_export_then_import_into_an_empty_database_gives_the_same_items(
    suffix: str, department: Unit, editor: User, reviewer: User, tmp_path: Path
) -> None:
    _published(editor, reviewer, department)
    before = _items()
    assert len(before) == 3
    output = tmp_path / f"政府信息{suffix}"
    assert run("export", "--output", str(output)) == {
        "exported": 3,
        "attachments": 1,
        "output": str(output),
    }
    _empty_database()
    summary = run("import", str(output))
    assert summary["imported"] == 3 and summary["index_numbers_kept"] == 3
    assert summary["unmapped_columns"] == {} and summary["ignored_columns"] == []
    assert _items() == before
    assert search.search("石民字〔2015〕33号", Publication.objects.all()).items[0].title == (
        "2015年城乡低保标准调整情况"
    )


def test_export_filters_by_unit_and_date(
    department: Unit, other_department: Unit, editor: User, reviewer: User, tmp_path: Path
) -> None:
    _published(editor, reviewer, department)
    output = tmp_path / "out.jsonl"
    assert run("export", "--unit", "ZJJ", "--output", str(output))["exported"] == 0
    assert output.read_bytes() == b""
    assert run("export", "--since", "2016-01-01", "--output", str(output))["exported"] == 2
    lines = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    assert list(lines[0]) == list(interchange.FIELDS)
    with pytest.raises(CommandError, match=r"须以\.jsonl或\.xlsx结尾"):
        run("export", "--output", str(tmp_path / "out.csv"))
    with pytest.raises(CommandError, match="不是有效的日期"):
        run("export", "--since", "去年", "--output", str(output))


# ---------------------------------------------------------------------------- re-scan


def test_rescan_reports_findings_per_unit_and_changes_nothing(
    department: Unit, other_department: Unit, editor: User, reviewer: User, office: User
) -> None:
    _published(editor, reviewer, department)
    before = list(Publication.objects.values_list("pk", "updated_at", "findings", "version"))
    clean = run("rescan")
    assert clean["checked"] == 3 and clean["block"] == 0
    assert [u["unit"] for u in clean["units"]] == ["MZJ"]
    services.check_word_add(actor=office, word="低保标准", kind="sensitive")
    report = run("rescan", "--unit", "MZJ")
    unit = report["units"][0]
    assert (unit["unit"], unit["checked"]) == ("MZJ", 3)
    assert unit["block"] >= 2
    flagged = {item["title"] for item in unit["items"]}
    assert "2015年城乡低保标准调整情况" in flagged
    finding = unit["items"][0]["findings"][0]
    assert finding["kind"] == "sensitive_word" and finding["description"].endswith("。")
    assert run("rescan", "--unit", "ZJJ") == {"checked": 0, "block": 0, "warn": 0, "units": []}
    after = list(Publication.objects.values_list("pk", "updated_at", "findings", "version"))
    assert after == before


def test_a_workbooks_problems_name_the_sheet_and_row(department: Unit, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "2015年"
    sheet.append(["标题", "正文", "发布日期", "公开单位"])
    sheet.append(["甲", "正文", dt.datetime(2015, 10, 16, 9, 30), "县民政局"])
    sheet.append(["乙", "正文", "2015年13月1日", "县民政局"])
    path = tmp_path / "old.xlsx"
    book.save(path)
    with pytest.raises(CommandError) as caught:
        run("import", str(path))
    assert str(caught.value).split("\n")[1].startswith("工作表“2015年”第3行“乙”，发布日期：")
    sheet["C3"] = dt.date(2015, 10, 17)
    book.save(path)
    assert run("import", str(path))["imported"] == 2
    assert Publication.objects.get(title="甲").published_at == timezone.make_aware(
        dt.datetime(2015, 10, 16, 9, 30)
    )
