"""Chinese full-text search on FTS5 bigrams: short queries, phrases, 文号 first, escaping."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection

from gongkai.orgs.models import Role, Unit, User
from gongkai.publications import archive, interchange, search, services
from gongkai.publications.models import Column, FiveClass, Publication, TopicCategory
from tests.factories import MembershipFactory, UserFactory


@pytest.fixture
def publish(department: Unit, editor: User) -> object:
    reviewer: User = UserFactory(username="search_reviewer")
    MembershipFactory(user=reviewer, unit=department, role=Role.REVIEWER)

    def _publish(title: str, body: str, doc_number: str = "") -> Publication:
        item = services.publication_create(
            actor=editor,
            unit=department,
            values={
                "title": title,
                "doc_number": doc_number,
                "written_on": dt.date(2024, 3, 1),
                "topic": TopicCategory.objects.get(code="0100"),
                "five_class": FiveClass.EXECUTION,
                "column": Column.objects.get(code="notices"),
                "body": body,
            },
        )
        services.publication_submit(actor=editor, publication=item)
        return services.publication_approve(actor=reviewer, publication=item)

    return _publish


def _titles(query: str) -> list[str]:
    return [p.title for p in search.search(query, Publication.objects.all()).items]


def test_tokens_are_bigrams_for_chinese_and_words_otherwise() -> None:
    # Runs that touch stay joined (issue 10: 2024年 must not match 2024 and 年 apart); each
    # group ends with its last unit alone, and a break token separates groups.
    assert search.tokens("县财政局2024年Budget") == (
        "县财 财政 政局 局〇2024 2024〇年 年〇budget budget"
    )
    assert search.tokens("财政，局") == "财政 政 〇〇 局"
    assert search.chars("财政A局财") == "局 政 财"
    # Operators and quotes typed by a visitor are words at most, never FTS5 syntax.
    assert search.match_expression('财政" OR *') == (
        '{title doc_number body} : "财政" AND {title doc_number body} : ("or" OR "or〇"*)'
    )
    assert search.match_expression("2024年") == '{title doc_number body} : "2024〇年"'
    assert search.match_expression("村") == '{title doc_number body} : "村"*'
    assert search.match_expression("  ") is None
    # The same query as PostgreSQL's tsquery: every lexeme quoted, nothing typed is syntax.
    assert search.tsquery('财政" OR *') == "('财政') & ('or' | 'or〇':*)"
    assert search.tsquery("G318国道") == "('g318〇国' <-> '国道')"
    assert search.tsquery("村", search.Filters(unit_ids=(3, 4), year=2024)) == (
        "('#u3' | '#u4') & ('#y2024') & '村':*"
    )
    assert search.tsquery("  ") is None


def test_one_and_two_character_queries_and_phrases_inside_words(publish: object) -> None:
    publish("县财政局关于预算公开的通知", "各单位：请按时公开预算。")  # type: ignore[operator]
    publish("养老服务补贴发放", "高龄津贴按月发放。")  # type: ignore[operator]
    assert _titles("财") == ["县财政局关于预算公开的通知"]
    assert _titles("财政") == ["县财政局关于预算公开的通知"]
    assert _titles("政局") == ["县财政局关于预算公开的通知"]
    assert _titles("津贴按月") == ["养老服务补贴发放"]
    assert _titles("按月津贴") == []
    assert set(_titles("发放")) == {"养老服务补贴发放"}
    assert sorted(_titles("公开")) == ["县财政局关于预算公开的通知"]


def test_document_number_comes_first_whatever_the_brackets(publish: object) -> None:
    publish(  # type: ignore[operator]
        "转发宝政〔2020〕58号文件的通知", "根据宝政〔2020〕58号，现转发如下。宝政〔2020〕58号。"
    )
    publish("宝盖镇政务公开工作方案", "正文", doc_number="宝政〔2020〕58号")  # type: ignore[operator]
    for query in ("宝政〔2020〕58号", "宝政[2020]58号", "宝政（2020）58号", "宝政 2020 58号"):
        assert _titles(query)[0] == "宝盖镇政务公开工作方案", query


def test_exact_title_phrase_ranks_first(publish: object) -> None:
    publish("关于做好秋冬季森林防火工作的通知", "森林防火")  # type: ignore[operator]
    publish("森林资源保护工作动态", "森林防火工作要点：做好秋冬季森林防火工作。")  # type: ignore[operator]
    assert _titles("做好秋冬季森林防火工作")[0] == "关于做好秋冬季森林防火工作的通知"


def test_withdrawn_items_leave_the_index(publish: object, department: Unit) -> None:
    item = publish("临时救助资金发放公示", "公示内容")  # type: ignore[operator]
    reviewer = User.objects.get(username="search_reviewer")
    services.publication_withdraw(actor=reviewer, publication=item, reason="重复发布")
    assert _titles("临时救助") == []
    assert search.rebuild() == 0


def test_scope_filters_and_paging(publish: object) -> None:
    for n in range(5):
        publish(f"工作动态第{n}期", "乡村振兴工作")  # type: ignore[operator]
    page = search.search("乡村振兴", Publication.objects.all(), offset=2, limit=2)
    assert page.total == 5
    assert len(page.items) == 2
    none = search.search("乡村振兴", Publication.objects.filter(unit__code="NOPE"))
    assert none.total == 0


def test_rebuild_indexes_every_published_item(publish: object) -> None:
    publish("甲", "乙丙丁")  # type: ignore[operator]
    publish("戊", "己庚辛")  # type: ignore[operator]
    assert search.rebuild() == 2
    assert _titles("庚辛") == ["戊"]


def test_items_far_apart_by_id_are_all_found(publish: object) -> None:
    """On PostgreSQL the index is partitioned by id (search.SEGMENT ids a partition), and the
    partition for an item is made when the first item needs it."""
    publish("甲乙丙", "正文")  # type: ignore[operator]
    far = 3 * search.SEGMENT + 7
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "UPDATE sqlite_sequence SET seq = %s WHERE name = 'publications_publication'", [far]
            )
        else:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('publications_publication', 'id'), %s)", [far]
            )
    later = publish("甲乙丁", "正文")  # type: ignore[operator]
    assert later.pk > far
    assert sorted(_titles("甲乙")) == ["甲乙丁", "甲乙丙"]
    assert _titles("乙丁") == ["甲乙丁"]


def test_highlight_escapes_and_marks() -> None:
    text = "<b>县财政局</b>发布财政预算"
    marked = search.highlight(text, "财政")
    assert str(marked) == "&lt;b&gt;县<mark>财政</mark>局&lt;/b&gt;发布<mark>财政</mark>预算"
    assert "<script>" not in str(search.highlight("正文", "<script>"))
    window = search.highlight("甲" * 200 + "财政" + "乙" * 200, "财政", width=40)
    assert str(window).startswith("…") and "<mark>财政</mark>" in str(window)


def test_a_phrase_never_matches_across_punctuation(publish: object) -> None:
    publish("县财政，政局稳定", "经济运行平稳")  # type: ignore[operator]
    publish("县财政局通知", "正文")  # type: ignore[operator]
    assert _titles("财政局") == ["县财政局通知"]


def _import(*lines: dict[str, str]) -> None:
    """Bring items in as an old site's export, through the import the command line uses."""
    text = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
    archive.import_rows(actor=None, parsed=interchange.read(text.encode(), "old.jsonl"))


def test_imported_document_number_typed_as_published_comes_first(
    publish: object, department: Unit
) -> None:
    publish(  # type: ignore[operator]
        "转发石民字〔2015〕40号文件的通知",
        "根据石民字〔2015〕40号，现转发如下。石民字〔2015〕40号要求：石民字〔2015〕40号。",
    )
    _import(
        {
            "标题": "关于开展临时救助工作的通知",
            "正文": "各乡镇：请按要求做好临时救助工作。",
            "发布日期": "2015-10-16",
            "文号": "石民字[2015]40号",
            "公开单位": "MZJ",
        }
    )
    for query in ("石民字〔2015〕40号", "石民字[2015]40号", "石民字（2015）40号"):
        assert _titles(query)[0] == "关于开展临时救助工作的通知", query


@pytest.mark.parametrize("born_here_first", [True, False])
def test_an_exact_title_comes_first_imported_or_born_here(
    publish: object, department: Unit, born_here_first: bool
) -> None:
    """The item whose whole title was typed comes before the notice that issued it, although
    bm25 prefers the notice's short body to the plan's long one."""
    title = "森林防火工作方案"
    notice = f"关于印发{title}的通知"
    plan = {"标题": title, "正文": "第一条　各乡镇应当落实责任。" * 300, "发布日期": "2015-10-16"}
    if born_here_first:
        publish(title, plan["正文"])  # type: ignore[operator]
        _import(
            {"标题": notice, "正文": f"现将{title}印发给你们。", "发布日期": "2015-11-01"}
            | {"公开单位": "MZJ"}
        )
    else:
        _import(plan | {"公开单位": "MZJ"})
        publish(notice, f"现将{title}印发给你们。")  # type: ignore[operator]
    assert _titles(title) == [title, notice]
    # Spaces typed between the characters do not matter.
    assert _titles(" 森林防火 工作方案 ")[0] == title


def test_the_document_number_then_the_whole_title_come_first(publish: object) -> None:
    publish("宝盖镇政务公开工作方案", "正文", doc_number="宝政〔2020〕58号")  # type: ignore[operator]
    publish("转发宝政〔2020〕58号文件的通知", "关于印发宝盖镇政务公开工作方案")  # type: ignore[operator]
    publish("关于印发宝盖镇政务公开工作方案的通知", "宝盖镇政务公开工作方案")  # type: ignore[operator]
    assert _titles("宝政[2020]58号")[0] == "宝盖镇政务公开工作方案"
    assert (
        _titles("关于印发宝盖镇政务公开工作方案的通知")[0] == "关于印发宝盖镇政务公开工作方案的通知"
    )
