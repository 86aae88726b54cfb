"""The 解读对象 and 解读形式 columns of the publications import and export: an imported
interpretation names the published policy document it explains by 文号 or 索引号; a name that
finds none, or more than one, refuses the whole file naming the row."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
from openpyxl import load_workbook

from gongkai.core.errors import ValidationFailed
from gongkai.orgs.models import Unit
from gongkai.publications import interchange, search
from gongkai.publications.archive import import_rows
from gongkai.publications.interchange import Parsed
from gongkai.publications.models import (
    Column,
    DocKind,
    FiveClass,
    InterpretationForm,
    Publication,
    PublicationStatus,
    TopicCategory,
)

pytestmark = pytest.mark.django_db
CST = dt.timezone(dt.timedelta(hours=8))


def _policy(unit: Unit, *, index_no: str, doc_number: str, **extra: Any) -> Publication:
    return Publication.objects.create(
        unit=unit,
        issuer=unit.name,
        title=extra.pop("title", f"政策文件{index_no}"),
        index_no=index_no,
        doc_number=doc_number,
        doc_number_key=search.normalise_doc_number(doc_number),  # as the services keep it
        written_on=dt.date(2015, 9, 30),
        published_at=dt.datetime(2015, 10, 8, 9, tzinfo=CST),
        topic=TopicCategory.objects.get(code="0100"),
        five_class=FiveClass.DECISION,
        column=Column.objects.get(code="policies"),
        doc_kind=extra.pop("doc_kind", DocKind.POLICY),
        status=extra.pop("status", PublicationStatus.PUBLISHED),
        **extra,
    )


@pytest.fixture
def policies(department: Unit, other_department: Unit) -> dict[str, Publication]:
    return {
        "one": _policy(department, index_no="MZJ-2015-00001", doc_number="石民字〔2015〕7号"),
        # One 文号 used by two units' documents: only the 索引号 tells them apart.
        "twin_a": _policy(department, index_no="MZJ-2015-00002", doc_number="石府办字〔2015〕1号"),
        "twin_b": _policy(
            other_department, index_no="ZJJ-2015-00001", doc_number="石府办字〔2015〕1号"
        ),
        "news": _policy(
            department,
            index_no="MZJ-2015-00003",
            doc_number="石民字〔2015〕8号",
            doc_kind=DocKind.ORDINARY,
        ),
        "draft": _policy(
            department,
            index_no="MZJ-2015-00004",
            doc_number="石民字〔2015〕9号",
            status=PublicationStatus.DRAFT,
        ),
    }


def rows(*items: dict[str, Any]) -> Parsed:
    text = "".join(json.dumps(item, ensure_ascii=False) + "\n" for item in items)
    parsed = interchange.read(text.encode(), "old.jsonl")
    assert parsed.problems == []
    return parsed


def row(title: str, **columns: str) -> dict[str, str]:
    return {
        "标题": title,
        "正文": "为便于理解，现将文件解读如下。",
        "发布日期": "2015-10-09 10:00",
        "栏目": "政策解读",
        "公开单位": "县民政局",
        **columns,
    }


def test_interpretations_name_their_document_by_doc_number_or_index_number(
    policies: dict[str, Publication],
) -> None:
    import_rows(
        actor=None,
        parsed=rows(
            # Brackets as people type them: [2015] for 〔2015〕.
            row("解读一", 解读对象="石民字[2015]7号", 解读形式="简明问答"),
            row("解读二", 解读对象="ZJJ-2015-00001", 解读形式="图解"),
            row("解读三", 解读对象="MZJ-2015-00002"),
            row("普通信息"),
        ),
    )
    one, two, three, plain = (
        Publication.objects.get(title=t) for t in ("解读一", "解读二", "解读三", "普通信息")
    )
    assert (one.interprets, one.interpretation_form) == (policies["one"], InterpretationForm.QA)
    assert (two.interprets, two.interpretation_form) == (
        policies["twin_b"],
        InterpretationForm.GRAPHIC,
    )
    assert (three.interprets, three.interpretation_form) == (policies["twin_a"], "")
    assert plain.interprets is None


def test_unknown_ambiguous_or_unfit_documents_refuse_the_whole_file(
    policies: dict[str, Publication],
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        import_rows(
            actor=None,
            parsed=rows(
                row("好的一行", 解读对象="石民字〔2015〕7号"),
                row("没有的文件", 解读对象="石民字〔2099〕1号"),
                row("两份文件", 解读对象="石府办字〔2015〕1号"),
                row("不是政策文件", 解读对象="石民字〔2015〕8号"),
                row("未发布的文件", 解读对象="MZJ-2015-00004"),
                row("形式不对", 解读对象="石民字〔2015〕7号", 解读形式="漫画"),
                row("只有形式", 解读形式="文字"),
            ),
        )
    problems = caught.value.problems
    assert caught.value.message.startswith("导入文件有误，未导入任何信息")
    assert Publication.objects.filter(interprets__isnull=False).count() == 0
    assert [p.split("，")[0] for p in problems] == [
        "第2行“没有的文件”",
        "第3行“两份文件”",
        "第4行“不是政策文件”",
        "第5行“未发布的文件”",
        "第6行“形式不对”",
        "第7行“只有形式”",
    ]
    assert "找不到文号或索引号为“石民字〔2099〕1号”的已发布政策文件" in problems[0]
    assert "对应多份已发布文件，请改填所解读文件的索引号" in problems[1]
    assert (
        "“漫画”应为文字、图文/图表图解、音视频、新闻发布会、简明问答、在线访谈、其他之一"
        in problems[4]
    )
    assert "填写了解读形式，但未填写所解读文件的文号或索引号" in problems[5]


def test_export_writes_the_columns_that_import_reads(
    policies: dict[str, Publication], department: Unit
) -> None:
    import_rows(
        actor=None,
        parsed=rows(row("解读一", 解读对象="石民字〔2015〕7号", 解读形式="在线访谈")),
    )
    exported = interchange.export(Publication.objects.published(), "jsonl").decode()
    lines = {item["标题"]: item for item in map(json.loads, exported.splitlines())}
    assert lines["解读一"]["解读对象"] == "MZJ-2015-00001"
    assert lines["解读一"]["解读形式"] == "在线访谈"
    assert lines["政策文件MZJ-2015-00001"]["解读对象"] == ""
    workbook = load_workbook(
        io.BytesIO(interchange.export(Publication.objects.published(), "xlsx"))
    )
    header = [cell.value for cell in next(workbook.active.iter_rows(max_row=1))]
    assert "解读对象" in header and "解读形式" in header
