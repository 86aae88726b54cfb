"""The demo county's published information: the five seeds with their real metadata, a few
thousand generated items filed under the catalogs, and items at each step of the workflow.

Loading takes a while, so the county is loaded once for the package (tests/demo/conftest.py); each
test runs in its own transaction on top of it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection

from gongkai.catalog.selectors import public_items
from gongkai.core import clock
from gongkai.core.errors import ValidationFailed
from gongkai.core.models import AuditEntry
from gongkai.demo.columns import FILLED_COLUMNS
from gongkai.demo.publications import (
    SEED_002_INDEX_NO,
    SEEDS_DIR,
    References,
    generated_items,
    publications_data,
    text_blocks,
)
from gongkai.orgs.models import Unit, UnitKind, User
from gongkai.publications import checks, selectors, services
from gongkai.publications.models import (
    DocKind,
    Publication,
    PublicationStatus,
    PublicationVersion,
    Validity,
)
from gongkai.publications.search import TABLE, search

SEEDS = {
    "002": {
        "title": "石狮市宝盖镇人民政府关于印发《宝盖镇全面推进基层政务公开标准化规范化工作方案》的通知",
        "doc_number": "宝政〔2020〕58号",
        "index_no": SEED_002_INDEX_NO,
        "issuer": "石狮市宝盖镇人民政府",
        "written_on": dt.date(2020, 9, 11),
        "column": "standardization",
        "topic": "0100",
        "five_class": "decision",
    },
    "001": {
        "title": "石城县人民政府办公室关于印发石城县2022年政务公开工作要点的通知",
        "doc_number": "〔2022〕49号",
        "issuer": "石城县人民政府办公室",
        "written_on": dt.date(2022, 6, 29),
        "column": "policies",
    },
    "004": {
        "title": "青阳县人民政府办公室关于印发青阳县全面推进基层政务公开标准化规范化工作实施方案的通知",
        "doc_number": "青政办秘〔2020〕51号",
        "issuer": "青阳县人民政府办公室",
        "written_on": dt.date(2020, 9, 30),
        "doc_kind": DocKind.NORMATIVE,
        "validity": Validity.VALID,
    },
    "003": {
        "title": "石城县政务公开月报（第2期）",
        "doc_number": "",
        "issuer": "石城县人民政府办公室",
        "written_on": dt.date(2022, 11, 1),
    },
    "000": {
        "title": "对标对表抓落实 创新创优创特色——石城县开展基层政务公开标准化规范化建设工作情况报告",
        "issuer": "市“五型”政府建设领导小组办公室",
        "written_on": dt.date(2022, 6, 17),
    },
}  # fmt: skip


def seed(number: str) -> Publication:
    return Publication.objects.get(title=SEEDS[number]["title"])


def published_on(publication: Publication) -> dt.date:
    assert publication.published_at is not None
    return clock.localdate(publication.published_at)


def generated() -> list[Publication]:
    """Published items other than the seeds and the workflow items (which have versions made by
    the services, not by the import), and other than the standard columns' pages of
    gongkai.demo.columns (tests/demo/test_columns_demo.py)."""
    seeds = [s["title"] for s in SEEDS.values()]
    return list(
        Publication.objects.published()
        .filter(versions__action="import")
        .exclude(title__in=seeds)
        .exclude(column__code__in=FILLED_COLUMNS)
        .select_related("unit", "column", "domain")
    )


# ---------------------------------------------------------------------------- the seeds


@pytest.mark.parametrize("number", sorted(SEEDS))
def test_seeds_are_published_with_their_real_metadata(demo: str, number: str) -> None:
    publication = seed(number)
    expected = SEEDS[number]
    for name, value in expected.items():
        actual = getattr(publication, name)
        actual = getattr(actual, "code", actual)
        assert actual == value, name
    assert publication.status == PublicationStatus.PUBLISHED
    assert publication.unit.code == "GKB"
    assert publication.index_no
    published = published_on(publication)
    assert 0 < (published - publication.written_on).days <= 10
    assert not publication.is_late


def test_seed_texts_are_shipped_with_the_demo(demo: str) -> None:
    for spec in publications_data()["seeds"]:
        assert (SEEDS_DIR / spec["file"]).is_file()


def test_seed_bodies_are_paragraphs_joined_across_hard_wraps(demo: str) -> None:
    report = seed("000").body
    assert "<p>一、夯实基础，以“全方位保障”推动落实</p>" in report
    assert "石城县把基层政务公开标准化规范化“十县百乡”建设工作列入县政府每月重点工作范围" in report
    points = seed("001").body
    assert "加强财政预决算信息公开，推进非涉密部门应公开尽公开" in points  # across a page break
    assert "〔2022〕49 号" not in points  # the header is metadata, not body
    monthly = seed("003")
    assert "<table>" in monthly.body and "<th>责任单位</th>" in monthly.body
    assert "<strong>专区建设方面。</strong>" in monthly.body
    assert monthly.body.count("<th>序号</th>") == 2  # the repeated header row is dropped
    qingyang = seed("004").body
    assert "县直 26 个试点领域业务主管部门名单" in qingyang
    assert "牵头责任单位" not in qingyang  # annex 1's table did not survive text extraction


@pytest.mark.parametrize(
    ("text", "paragraphs"),
    [
        # a hard-wrapped page: lines run on unless short, ending a sentence, or before a heading
        (
            "一、总体要求\n（一）指导思想。坚持以人民为中心的发展思想，全面推进基层政务\n"
            "公开标准化规范化建设。\n\n（二）工作目标。到年底，全县实施统一的基层政务公开标准体系覆\n"
            "盖行政权力运行全过程，政务公开水平明显提升，群众满意度持续提\n高。\n"
            "石城县人民政府办公室\n2022年6月29日",
            [
                "一、总体要求",
                "（一）指导思想。坚持以人民为中心的发展思想，全面推进基层政务公开标准化规范化建设。",
                "（二）工作目标。到年底，全县实施统一的基层政务公开标准体系覆盖行政权力运行全过程，"
                "政务公开水平明显提升，群众满意度持续提高。",
                "石城县人民政府办公室",
                "2022年6月29日",
            ],
        ),
        # one paragraph per line: a page break inside a word, a heading, a signature
        (
            "（五）加强财政预决算信息公\n\n开，推进非涉密部门应公开尽公开。\n\n石城县人民政府办公室\n\n"
            "2022 年 6 月 29 日",
            ["（五）加强财政预决算信息公开，推进非涉密部门应公开尽公开。", "石城县人民政府办公室", "2022 年 6 月 29 日"],
        ),
        ("说明\n单位\t数量\n县民政局\t3\n单位\t数量\n县财政局\t5", ["说明", [["单位", "数量"], ["县民政局", "3"], ["县财政局", "5"]]]),
    ],
)  # fmt: skip
def test_text_blocks(text: str, paragraphs: list[Any]) -> None:
    assert text_blocks(text) == paragraphs


# ---------------------------------------------------------------------------- generated items


def test_a_few_thousand_items_are_published_over_two_years(demo: str) -> None:
    items = generated()
    assert len(items) >= 2500
    today = clock.today()
    years = Counter(published_on(p).year for p in items)
    assert set(years) == {today.year - 1, today.year}
    assert all(published_on(p) < today for p in items)
    assert all(p.written_on <= published_on(p) for p in items)
    columns = Counter(p.column.code for p in items)
    assert columns.most_common(1)[0][0] == "news"
    for code in ("notices", "policies", "normative", "interpretation", "budget", "key-areas"):
        assert columns[code], code
    assert columns["village"] >= 2 * Unit.objects.filter(kind=UnitKind.VILLAGE).count()
    assert len({p.five_class for p in items}) == 5
    assert len({p.title for p in items}) == len(items)


def test_summary_line_counts_published_items(demo: str) -> None:
    assert f"已发布政府信息{Publication.objects.published().count()}条" in demo


def not_contact(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Findings other than a landline in a contact clause, which only warns (ADR 0008)."""
    return [f for f in findings if f["kind"] != "phone"]


def test_generated_items_pass_the_checks_before_publishing(demo: str) -> None:
    published = list(Publication.objects.published())
    blocked = [
        (p.title, checks.blocking(p.findings)) for p in published if checks.blocking(p.findings)
    ]
    assert blocked == []
    # Not even a warning but the units' contact landlines (a `phone` warning, issue 8: published
    # on purpose): the templates avoid the wrong and outdated words of the dictionary.
    warned = [(p.title, not_contact(p.findings)) for p in generated() if not_contact(p.findings)]
    assert warned == []


def test_generated_bodies_are_200_to_800_characters(demo: str) -> None:
    lengths = [len(p.body_text) for p in generated()]
    assert min(lengths) >= 200 and max(lengths) <= 800


def test_phone_numbers_in_bodies_are_landlines(demo: str) -> None:
    bodies = [p.body_text for p in generated() if "联系电话" in p.body_text]
    assert bodies and all("0797-57" in body for body in bodies)


def test_units_publish_unevenly_as_in_the_monthly_report(demo: str) -> None:
    counts = Counter(p.unit.code for p in generated())
    assert counts["QJZ"] > 5 * counts["SJJ"] > 0
    assert counts["SCJGJ"] > counts["GXJ"]
    for code in publications_data()["quiet"]:
        first = clock.today().replace(day=1)
        since = (first - dt.timedelta(days=1)).replace(day=1)
        assert not Publication.objects.filter(
            unit__code=code, published_at__date__gte=since
        ).exists()


def test_monthly_report_names_the_units_that_published_nothing(demo: str) -> None:
    first = clock.today().replace(day=1)
    last_month = first - dt.timedelta(days=1)
    title = f"石城县政务公开月报（{last_month.year}年第{last_month.month}期）"
    report = Publication.objects.published().filter(title=title).first()
    if report is None:
        pytest.skip("last month's report is published in the first working days of the month")
    silent = report.body_text.split("当月未发布政府信息的单位：", 1)[1]
    assert "县审计局" in silent and "县供销社" in silent


def test_some_items_are_published_late(demo: str) -> None:
    items = generated()
    late = [p for p in items if p.is_late]
    assert 0.02 * len(items) < len(late) < 0.1 * len(items)
    assert all(p.due_on is not None and published_on(p) > p.due_on for p in late)


def test_normative_documents_of_each_validity(demo: str) -> None:
    normative = [p for p in generated() if p.doc_kind == DocKind.NORMATIVE]
    validity = Counter(p.validity for p in normative)
    assert validity[Validity.VALID] >= 5
    assert validity[Validity.EXPIRED] == 1 and validity[Validity.REPEALED] == 1
    assert all(p.doc_number.startswith("石府办字〔") for p in normative)
    expired = next(p for p in normative if p.validity == Validity.EXPIRED)
    assert expired.expires_on is not None and expired.expires_on < clock.today()
    library = selectors.public_normative_library()
    assert seed("004") in library and expired not in library
    interpretations = [p.title for p in generated() if p.column.code == "interpretation"]
    titles = [p.title.split("关于印发", 1)[1].removesuffix("的通知") for p in normative]
    assert any(f"《{title}》" in i for title in titles for i in interpretations)


def test_document_numbers_run_in_order_within_each_series(demo: str) -> None:
    series: dict[tuple[str, str], list[Publication]] = {}
    for p in generated():
        if p.doc_number:
            prefix, rest = p.doc_number.split("〔", 1)
            series.setdefault((prefix, rest[:4]), []).append(p)
    assert len(series) > 20
    for items in series.values():
        items.sort(key=lambda p: (p.written_on, p.published_at))
        numbers = [int(p.doc_number.split("〕", 1)[1].removesuffix("号")) for p in items]
        assert numbers == sorted(set(numbers))


def test_catalog_items_have_information_filed_under_them(demo: str) -> None:
    filed = [p for p in generated() if p.catalog_items.exists()]
    assert len(filed) > 500
    for p in filed[:300]:
        for item in p.catalog_items.select_related("catalog"):
            assert item.catalog.unit_id == p.unit_id
            assert item.domain_id == p.domain_id
    current = public_items()
    used = current.filter(publications__isnull=False).distinct()
    assert used.count() > 100
    village_item = used.filter(catalog__unit__kind=UnitKind.VILLAGE).first()
    assert village_item is not None
    assert selectors.public_filed_under(village_item).exists()


def test_generation_is_deterministic(demo: str) -> None:
    units = {u.code: u for u in Unit.objects.all()}
    refs = References.load()
    today = clock.today()
    first = generated_items(units, refs, today=today)
    again = generated_items(units, refs, today=today)
    assert [(i.values["title"], i.published_at) for i in first] == [
        (i.values["title"], i.published_at) for i in again
    ]


# ---------------------------------------------------------------------------- search


def test_searching_a_document_number_finds_the_seed_first(demo: str) -> None:
    everything = Publication.objects.all()
    assert search("宝政〔2020〕58号", everything).items[0] == seed("002")
    assert search("宝政[2020]58号", everything).items[0] == seed("002")
    assert search("〔2022〕49号", everything).items[0] == seed("001")
    assert search("青政办秘〔2020〕51号", everything).items[0] == seed("004")


def test_searching_a_phrase_finds_the_seed(demo: str) -> None:
    found = search("政务公开月报机制", Publication.objects.all())
    assert seed("003") in found.items


def test_searching_a_generated_document_number_finds_it_first(demo: str) -> None:
    policy = next(p for p in generated() if p.doc_kind == DocKind.POLICY and p.doc_number)
    assert search(policy.doc_number, Publication.objects.all()).items[0] == policy


# ---------------------------------------------------------------------------- the workflow


def workflow_item(key: str) -> Publication:
    """The workflow item of the data file under ``key``, by its exact title."""
    title = publications_data()["workflow"][key]["title"].format(year=clock.today().year)
    return Publication.objects.get(title=title)


def test_drafts_and_an_item_awaiting_review(demo: str) -> None:
    drafts = Publication.objects.filter(status=PublicationStatus.DRAFT)
    assert {p.unit.code for p in drafts} == {"MZJ", "QJZ"}
    reviewer = User.objects.get(username="mzj_reviewer")
    waiting = list(selectors.awaiting_review_by(reviewer))
    assert len(waiting) == 2
    clean = workflow_item("submitted")
    assert clean in waiting and not_contact(clean.findings) == []
    assert clean.catalog_items.get().level2 == "审核确认结果"


def test_the_item_with_an_id_number_is_blocked_for_the_reviewer(demo: str) -> None:
    blocked = workflow_item("blocked")
    assert blocked.status == PublicationStatus.SUBMITTED
    assert [f["kind"] for f in not_contact(blocked.findings)] == ["id_number"]
    reviewer = User.objects.get(username="mzj_reviewer")
    with pytest.raises(ValidationFailed) as error:
        services.publication_approve(actor=reviewer, publication=blocked)
    assert "360735********1233" in " ".join(error.value.problems)


def test_returned_withdrawn_and_retained_items(demo: str) -> None:
    returned = workflow_item("returned")
    assert returned.status == PublicationStatus.RETURNED
    assert returned.versions.filter(action="return", comment__contains="统一社会信用代码").exists()
    withdrawn = workflow_item("withdrawn")
    assert withdrawn.status == PublicationStatus.WITHDRAWN
    assert "更正后重新发布" in withdrawn.withdrawal_reason and withdrawn.index_no
    retained = workflow_item("retained")
    assert retained.status == PublicationStatus.RETAINED
    assert retained.non_public_ground == "art15"
    reviewer = User.objects.get(username="mzj_reviewer")
    assert list(selectors.retained_due_for_review(reviewer)) == [retained]


def test_subsidy_lists_of_two_villages_are_published_masked(demo: str) -> None:
    postings = Publication.objects.filter(title__endswith="耕地地力保护补贴发放结果公示")
    assert {p.unit.code for p in postings} == {"QJZ01", "QJZ02"}
    for posting in postings:
        assert posting.status == PublicationStatus.PUBLISHED
        assert posting.issuer == "琴江镇人民政府"
        assert "360735" not in posting.body and "*" * 18 in posting.body
        assert posting.findings == []


# ---------------------------------------------------------------------------- idempotency


def _snapshot() -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {TABLE}")  # noqa: S608
        indexed = int(cursor.fetchone()[0])
    return {
        "publications": Publication.objects.count(),
        "published": Publication.objects.published().count(),
        "versions": PublicationVersion.objects.count(),
        "audit": AuditEntry.objects.count(),
        "indexed": indexed,
    }


def test_running_twice_creates_nothing(demo: str) -> None:
    before = _snapshot()
    out = StringIO()
    call_command("demo", stdout=out)
    assert _snapshot() == before
    assert "未作改动" in out.getvalue()
