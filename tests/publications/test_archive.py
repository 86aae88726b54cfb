"""Bringing already-published information in bulk: index numbers kept, checks still apply; the
rows of an old site's export (import_rows), all or nothing, every problem by row and field."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import docx
import pytest
from django.utils import timezone

from gongkai.core.errors import AccessDenied, ValidationFailed
from gongkai.orgs.models import Unit, User
from gongkai.publications import interchange, search
from gongkai.publications.archive import ArchiveItem, archive_import, import_rows
from gongkai.publications.interchange import Parsed
from gongkai.publications.models import (
    Attachment,
    Column,
    FiveClass,
    Publication,
    PublicationStatus,
    TopicCategory,
)
from tests.publications.conftest import ID_MASKED, ID_NUMBER


def item(unit: Unit, title: str, *, index_no: str = "", body: str = "正文") -> ArchiveItem:
    values: dict[str, Any] = {
        "title": title,
        "issuer": "石狮市宝盖镇人民政府",
        "doc_number": "宝政〔2020〕58号",
        "written_on": dt.date(2020, 9, 11),
        "topic": TopicCategory.objects.get(code="0100"),
        "five_class": FiveClass.DECISION,
        "column": Column.objects.get(code="standardization"),
        "body": body,
    }
    moment = timezone.make_aware(dt.datetime(2020, 9, 14, 9, 0))
    return ArchiveItem(unit=unit, values=values, published_at=moment, index_no=index_no)


def test_items_keep_their_index_numbers_and_are_searchable(department: Unit) -> None:
    created = archive_import(
        actor=None,
        items=[
            item(
                department,
                "宝盖镇全面推进基层政务公开标准化规范化工作方案",
                index_no="QZ05904-1700-2020-00028",
            ),
            item(department, "第二条"),
        ],
    )
    first, second = created
    assert first.index_no == "QZ05904-1700-2020-00028"
    assert second.index_no == "MZJ-0100-2020-00001"
    assert first.status == PublicationStatus.PUBLISHED
    assert first.issuer == "石狮市宝盖镇人民政府"
    assert first.versions.get().action == "import"
    found = search.search("宝政〔2020〕58号", Publication.objects.all())
    assert found.total == 2


def test_duplicate_index_numbers_and_personal_data_refuse_the_batch(department: Unit) -> None:
    archive_import(actor=None, items=[item(department, "甲", index_no="X-1")])
    with pytest.raises(ValidationFailed):
        archive_import(actor=None, items=[item(department, "乙", index_no="X-1")])
    with pytest.raises(ValidationFailed) as caught:
        archive_import(
            actor=None, items=[item(department, "丙", body="身份证号360735198506151233")]
        )
    assert "第1条“丙”" in caught.value.problems[0]
    assert Publication.objects.count() == 1


# ---------------------------------------------------------------------------- rows of a file

ROW: dict[str, Any] = {
    "标题": "关于做好2015年秋季学期资助工作的通知",
    "正文": "各乡镇中心学校：\n现将有关事项通知如下。",
    "发布日期": "2015-10-16 14:12",
    "索引号": "MZJ-2015-00007",
    "文号": "石民字〔2015〕7号",
    "栏目": "通知公告",
    "公开单位": "县民政局",
    "主题分类": "民政、扶贫、救灾",
    "原网址": "http://www.example.gov.cn/art/2015/10/16/art_1_7.html",
}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def rows(*items: dict[str, Any]) -> Parsed:
    """The rows as an old site's .jsonl export would carry them."""
    text = "".join(json.dumps(item, ensure_ascii=False) + "\n" for item in items)
    parsed = interchange.read(text.encode(), "old.jsonl")
    assert parsed.problems == []
    return parsed


def row(**changes: Any) -> dict[str, Any]:
    values = {**ROW, **changes}
    return {k: v for k, v in values.items() if v is not None}


def refused(parsed: Parsed, **kw: Any) -> list[str]:
    with pytest.raises(ValidationFailed) as caught:
        import_rows(actor=None, parsed=parsed, **kw)
    assert Publication.objects.count() == 0
    return caught.value.problems


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


def test_rows_become_published_items_keeping_numbers_and_dates(department: Unit) -> None:
    summary = import_rows(
        actor=None,
        parsed=rows(
            ROW,
            row(
                **{
                    "标题": "2015年城乡低保标准调整情况",
                    "索引号": None,
                    "发布日期": "2015年11月2日",
                },
                **{"栏目": "部门动态", "主题分类": None, "原网址": None, "文号": None},
            ),
        ),
    )
    assert summary == {
        "imported": 2,
        "index_numbers_kept": 1,
        "index_numbers_new": 1,
        "ignored_columns": [],
        "warnings": 0,
        "unmapped_columns": {"部门动态": 1},
        "default_column": {"code": "news", "name": "工作动态", "items": 1},
        "default_topic": {"name": "其他", "items": 1},
        "overridden": 0,
        "dry_run": False,
    }
    kept = Publication.objects.get(index_no="MZJ-2015-00007")
    assert kept.status == PublicationStatus.PUBLISHED
    assert kept.published_at == timezone.make_aware(dt.datetime(2015, 10, 16, 14, 12))
    assert kept.written_on == dt.date(2015, 10, 16)
    assert kept.doc_number == "石民字〔2015〕7号"
    assert (kept.column.code, kept.topic.name, kept.issuer) == (
        "notices",
        "民政、扶贫、救灾",
        "县民政局",
    )
    assert kept.body == "<p>各乡镇中心学校：</p><p>现将有关事项通知如下。</p>"
    assert kept.source_url == ROW["原网址"]
    version = kept.versions.get()
    assert version.action == "import" and ROW["原网址"] in version.comment
    new = Publication.objects.get(title="2015年城乡低保标准调整情况")
    assert new.index_no == "MZJ-2100-2015-00001"
    assert new.column.code == "news" and new.topic.name == "其他"
    assert new.published_at == timezone.make_aware(dt.datetime(2015, 11, 2))
    assert search.search("石民字〔2015〕7号", Publication.objects.all()).items == [kept]


def test_html_bodies_are_sanitised_and_entities_in_titles_decoded(department: Unit) -> None:
    import_rows(
        actor=None,
        parsed=rows(
            row(
                **{
                    "标题": "关于&ldquo;双减&rdquo;的通知",
                    "正文": '<p onclick="x()">正文</p><script>alert(1)</script>',
                }
            )
        ),
    )
    item = Publication.objects.get()
    assert item.title == "关于“双减”的通知"
    assert item.body == "<p>正文</p>"


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"标题": None}, "第1行，标题：必填，不能为空。"),
        ({"正文": "  "}, "，正文：必填，不能为空"),
        ({"发布日期": None}, "，发布日期：必填，不能为空。"),
        ({"发布日期": "2015-13-01"}, "，发布日期：“2015-13-01”不是有效的日期"),
        ({"成文日期": "去年"}, "，成文日期：“去年”不是有效的日期"),
        ({"发布日期": "2999-01-01"}, "，发布日期：不能晚于今天"),
        ({"公开单位": "县水利局"}, "，公开单位：没有名称或代码为“县水利局”的单位。"),
        ({"主题分类": "水利"}, "，主题分类：“水利”不是主题分类表中的名称"),
        ({"有效性": "长期"}, "，有效性：“长期”应为现行有效、已失效或已废止。"),
        ({"栏目": "行政规范性文件"}, "，有效性：栏目“行政规范性文件”中的文件须标明有效性"),
        ({"原网址": "/art/2015/1.html"}, "，原网址：“/art/2015/1.html”不是完整的网址"),
        ({"文号": "号" * 81}, "，文号：不能超过80个字"),
        ({"附件": "通知.pdf"}, "，附件：没有随表格一起提供附件文件"),
    ],
)
def test_each_row_problem_names_row_and_field(
    department: Unit, changes: dict[str, Any], problem: str
) -> None:
    problems = refused(rows(row(**changes)))
    assert any(problem in p for p in problems), problems
    assert all(p.startswith("第1行") for p in problems)


def test_one_bad_row_refuses_the_file_and_only_it_is_named(department: Unit) -> None:
    good = row(**{"索引号": "A-1"})
    bad = row(**{"索引号": "A-2", "发布日期": "昨天"})
    problems = refused(rows(good, good | {"索引号": "A-3"}, bad))
    assert len(problems) == 1 and problems[0].startswith("第3行“关于做好2015年秋季学期资助工作")


def test_a_repeated_index_number_names_both_rows(department: Unit) -> None:
    problems = refused(rows(row(**{"标题": "甲"}), row(**{"标题": "乙"})))
    assert problems == ["第2行“乙”，索引号：“MZJ-2015-00007”与第1行“甲”的索引号相同。"]


def test_an_index_number_in_use_names_both_items(department: Unit) -> None:
    import_rows(actor=None, parsed=rows(row(**{"标题": "旧网站的通知"})))
    with pytest.raises(ValidationFailed) as caught:
        import_rows(actor=None, parsed=rows(row(**{"标题": "新通知"})))
    assert caught.value.problems == [
        "第1行“新通知”，索引号：“MZJ-2015-00007”已被“旧网站的通知”（县民政局，2015-10-16发布）使用。"
    ]
    assert Publication.objects.count() == 1


def test_rows_without_a_unit_take_the_given_one(department: Unit, township: Unit) -> None:
    problems = refused(rows(row(**{"公开单位": None})))
    assert problems == [
        "第1行“关于做好2015年秋季学期资助工作的通知”，公开单位：未填写，请填写公开单位的名称或代码，或在导入时指定单位。"
    ]
    import_rows(
        actor=None,
        parsed=rows(row(**{"公开单位": None}), row(**{"公开单位": "mzj", "索引号": "B-1"})),
        unit=township,
    )
    assert sorted(Publication.objects.values_list("unit__code", flat=True)) == ["MZJ", "QJZ"]


def test_blocking_findings_name_each_row_unless_overridden(department: Unit) -> None:
    parsed = rows(
        row(**{"索引号": "C-1", "正文": f"申请人身份证号{ID_NUMBER}"}),
        row(**{"索引号": "C-2"}),
        row(**{"索引号": "C-3", "标题": "名单", "正文": f"张三 {ID_NUMBER}"}),
    )
    problems = refused(parsed)
    assert len(problems) == 2
    assert problems[0].startswith("第1行“关于做好2015年秋季学期资助工作的通知”：正文")
    assert problems[1].startswith("第3行“名单”：正文")
    assert ID_NUMBER not in " ".join(problems) and ID_MASKED in problems[0]
    summary = import_rows(
        actor=None, parsed=parsed, override_reason="原网站已公开多年，迁移保留原貌"
    )
    assert summary["overridden"] == 2
    overridden = Publication.objects.get(index_no="C-1")
    assert overridden.override_reason == "原网站已公开多年，迁移保留原貌"
    assert "放行1处检查问题" in overridden.versions.get().comment
    assert Publication.objects.get(index_no="C-2").override_reason == ""


def test_warnings_are_counted_not_refused(department: Unit) -> None:
    summary = import_rows(actor=None, parsed=rows(row(**{"正文": "望各单位再接再励。"})))
    assert summary["warnings"] == 1 and summary["imported"] == 1


def test_columns_by_name_path_or_code_and_the_default(department: Unit) -> None:
    parsed = rows(
        row(**{"索引号": "D-1", "栏目": "法定主动公开内容 > 通知公告"}),
        row(**{"索引号": "D-2", "栏目": "policies"}),
        row(**{"索引号": "D-3", "栏目": "乡镇动态"}),
        row(**{"索引号": "D-4", "栏目": "乡镇动态"}),
        row(**{"索引号": "D-5", "栏目": None}),
    )
    summary = import_rows(actor=None, parsed=parsed, default_column="notices", dry_run=True)
    assert summary["unmapped_columns"] == {"乡镇动态": 2}
    assert summary["default_column"] == {"code": "notices", "name": "通知公告", "items": 3}
    import_rows(actor=None, parsed=parsed)
    columns = dict(Publication.objects.values_list("index_no", "column__code"))
    assert columns == {
        "D-1": "notices",
        "D-2": "policies",
        "D-3": "news",
        "D-4": "news",
        "D-5": "news",
    }
    assert Publication.objects.get(index_no="D-2").doc_kind == "policy"
    with pytest.raises(ValidationFailed) as caught:
        import_rows(actor=None, parsed=parsed, default_column="nope")
    assert caught.value.message == "没有代码为“nope”的栏目，请指定一个已有栏目作为默认栏目。"


def test_dry_run_checks_everything_and_writes_nothing(department: Unit) -> None:
    seen: list[tuple[int, int]] = []
    parsed = rows(*[row(**{"索引号": f"E-{n}"}) for n in range(450)])
    summary = import_rows(
        actor=None, parsed=parsed, dry_run=True, progress=lambda d, t: seen.append((d, t))
    )
    assert summary["imported"] == 450 and summary["dry_run"] is True
    assert Publication.objects.count() == 0
    assert seen == [(200, 450), (400, 450), (450, 450)]
    seen.clear()
    import_rows(actor=None, parsed=parsed, progress=lambda d, t: seen.append((d, t)))
    assert seen[:2] == [(200, 900), (400, 900)] and seen[-1] == (900, 900)


def test_an_unreadable_file_is_refused_with_its_problems(department: Unit) -> None:
    parsed = interchange.read(b"\x00\x01garbage", "old.csv")
    problems = refused(parsed)
    assert problems == [
        "文件不是文本，也不是Excel工作簿，无法读取。请导入.xlsx、.csv或.jsonl文件。"
    ]


def test_only_the_office_imports(department: Unit, editor: User, office: User) -> None:
    with pytest.raises(AccessDenied):
        import_rows(actor=editor, parsed=rows(ROW))
    assert import_rows(actor=office, parsed=rows(ROW))["imported"] == 1


def _docx(text: str) -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_attachments_beside_the_file_are_checked_by_content(
    department: Unit, tmp_path: Path
) -> None:
    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "通知.pdf").write_bytes(PDF)
    (tmp_path / "名单.docx").write_bytes(_docx(f"张三 {ID_NUMBER}"))
    (tmp_path / "假的.pdf").write_bytes(b"just text")
    (tmp_path.parent / "outside.pdf").write_bytes(PDF)
    problems = refused(
        rows(
            row(**{"索引号": "F-1", "附件": "files/通知.pdf;缺少.pdf"}),
            row(**{"索引号": "F-2", "附件": "假的.pdf"}),
            row(**{"索引号": "F-3", "附件": "../outside.pdf"}),
            row(**{"索引号": "F-4", "附件": "名单.docx"}),
        ),
        attachments_dir=tmp_path,
    )
    assert problems[0].endswith("，附件：找不到附件文件“缺少.pdf”。")
    assert problems[1].startswith("第2行") and "文件内容与扩展名“.pdf”不符" in problems[1]
    assert problems[2].endswith("，附件：“../outside.pdf”不在导入文件所在的文件夹内。")
    assert problems[3].startswith("第4行") and "附件“名单.docx”" in problems[3]
    assert len(problems) == 4

    summary = import_rows(
        actor=None,
        parsed=rows(row(**{"索引号": "F-1", "正文": "", "附件": "files/通知.pdf；名单.docx"})),
        attachments_dir=tmp_path,
        override_reason="名单按规定公示",
    )
    assert summary["imported"] == 1
    item = Publication.objects.get()
    assert item.body_text == ""
    attachments = list(item.attachments.all())
    assert [(a.name, a.kind) for a in attachments] == [("通知.pdf", "pdf"), ("名单.docx", "docx")]
    assert attachments[0].file.read() == PDF
    assert ID_NUMBER in attachments[1].text
    assert item.versions.get().snapshot["attachments"][0][0] == "通知.pdf"
    assert Attachment.objects.count() == 2
