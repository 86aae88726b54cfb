"""The search is exact (issue 10): on real notices, a query finds exactly the published items
containing it — checked against a scan — including queries that mix digits, letters and Chinese
(2024年, 58号, G318国道), which used to lose their adjacency."""

from __future__ import annotations

import bisect
import collections
import datetime as dt
import itertools
import json
import random
import re
import unicodedata
from pathlib import Path

import pytest

from gongkai.core import clock
from gongkai.orgs.models import Role, Unit, User
from gongkai.publications import archive, search, services
from gongkai.publications.models import Column, FiveClass, Publication, TopicCategory
from tests.factories import MembershipFactory, UserFactory

NOTICES = Path(__file__).resolve().parents[2] / "bench" / "corpus" / "notices.jsonl"
MIXED = [
    ("2024年度部门预算公开", "根据宝政〔2024〕58号文件，2024年全县完成任务。"),
    ("2024 年工作要点", "年份：2024。全年工作。"),
    ("第158号公告", "宝财〔2023〕158号，G3180线改造。"),
    ("沿G318国道环境整治", "G318 国道两侧。g318国道养护。"),
    ("县财，政局通告", "财政局"),
]
QUERIES = [
    "2024年", "2024", "58号", "158号", "G318国道", "g318", "318", "宝政〔2024〕58号",
    "县", "村", "政府", "信息公开", "财政局", "2007年4月", "年", "号", "通知 县政府",
]  # fmt: skip
_WORD = "0-9a-z\u00c0-\u024f"


def _expected(query: str) -> set[int]:
    """The scan: every group of touching runs of the query occurs in one field of the item,
    case-insensitively, and not inside a longer word of letters or digits."""
    text = unicodedata.normalize("NFKC", query).lower()
    groups = [g for g in re.split(f"[^{_WORD}\u3400-\u9fff]+", text) if g]
    patterns = [
        re.compile(
            (f"(?<![{_WORD}])" if re.match(f"[{_WORD}]", g) else "")
            + re.escape(g)
            + (f"(?![{_WORD}])" if re.search(f"[{_WORD}]$", g) else "")
        )
        for g in groups
    ]
    found = set()
    for p in Publication.objects.published():
        fields = [
            unicodedata.normalize("NFKC", f).lower() for f in (p.title, p.doc_number, p.body_text)
        ]
        if all(any(pattern.search(f) for f in fields) for pattern in patterns):
            found.add(p.pk)
    return found


@pytest.fixture
def corpus(department: Unit) -> list[Publication]:
    items = []
    lines = NOTICES.read_text(encoding="utf-8").splitlines()
    texts = [(n["title"], n["text"]) for n in map(json.loads, lines)] + MIXED
    for n, (title, text) in enumerate(texts):
        values = {
            "title": title[:300],
            "issuer": department.name,
            "doc_number": "宝政〔2024〕58号" if n == 1 else "",
            "written_on": dt.date(2024, 3, 1),
            "topic": TopicCategory.objects.get(code="0100"),
            "five_class": FiveClass.RESULT,
            "column": Column.objects.get(code="notices"),
            "body": "".join(f"<p>{line}</p>" for line in text.splitlines()),
        }
        published = clock.now() - dt.timedelta(days=n + 1)
        items.append(archive.ArchiveItem(unit=department, values=values, published_at=published))
    return archive.archive_import(actor=None, items=items, override_reason="真实公开文本")


@pytest.mark.parametrize("query", QUERIES)
def test_a_query_finds_exactly_the_items_containing_it(
    corpus: list[Publication], query: str
) -> None:
    expected = _expected(query)
    assert set(search.matching_ids(query)) == expected
    page = search.search(query, Publication.objects.all(), limit=1000)
    assert page.total == len(expected)
    assert {p.pk for p in page.items} == expected


def test_mixed_runs_keep_their_adjacency(corpus: list[Publication]) -> None:
    titles = {p.title for p in search.search("2024年", Publication.objects.all(), limit=100).items}
    assert "2024年度部门预算公开" in titles
    assert "2024 年工作要点" not in titles
    assert [p.title for p in search.search("G318国道", Publication.objects.all()).items] == [
        "沿G318国道环境整治"
    ]


def test_large_result_sets_page_without_repeats(
    corpus: list[Publication], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Past RANK_LIMIT hits the order is title hits, then the others newest-added first; the
    # pages still cover every hit exactly once.
    monkeypatch.setattr(search, "RANK_LIMIT", 5)
    monkeypatch.setattr(search, "COUNT_LIMIT", 1000)
    expected = _expected("县")
    seen: list[int] = []
    for offset in range(0, len(expected) + 10, 7):
        page = search.search("县", Publication.objects.all(), offset=offset, limit=7)
        seen += [p.pk for p in page.items]
    assert len(seen) == len(set(seen)) == len(expected)
    assert set(seen) == expected
    monkeypatch.setattr(search, "COUNT_LIMIT", 10)
    capped = search.search("县", Publication.objects.all())
    assert (capped.total, capped.capped) == (10, True)


def test_withdrawing_takes_an_item_out_of_the_contentless_index(
    corpus: list[Publication], department: Unit
) -> None:
    reviewer: User = UserFactory(username="exact_reviewer")
    MembershipFactory(user=reviewer, unit=department, role=Role.REVIEWER)
    item = Publication.objects.get(title="沿G318国道环境整治")
    services.publication_withdraw(actor=reviewer, publication=item, reason="重复")
    assert search.matching_ids("G318国道") == []
    assert set(search.matching_ids("村")) == _expected("村")
    assert search.rebuild() == len(corpus) - 1
    assert set(search.matching_ids("村")) == _expected("村")


def test_long_items_stay_exact(department: Unit) -> None:
    """A body far longer than one PostgreSQL tsvector holds (16,383 positions, 256 of one
    lexeme): there the item is cut into overlapping parts, and a phrase across a cut, groups in
    different parts and a word too long for a lexeme must still be found exactly."""
    rng = random.Random(10)
    run = "".join(rng.choice("甲乙丙丁") for _ in range(30_000))
    word = "x" * 1_500
    texts = {
        "长文": f"鹦鹉螺化石在此。{run}。{word}年，G318国道。",
        "短文": "甲乙丙丁。鹦鹉螺。",
    }
    items = [
        archive.ArchiveItem(
            unit=department,
            values={
                "title": title,
                "issuer": department.name,
                "written_on": dt.date(2024, 3, 1),
                "topic": TopicCategory.objects.get(code="0100"),
                "five_class": FiveClass.RESULT,
                "column": Column.objects.get(code="notices"),
                "body": f"<p>{text}</p>",
            },
            published_at=clock.now() - dt.timedelta(days=1),
        )
        for title, text in texts.items()
    ]
    archive.archive_import(actor=None, items=items, override_reason="长文测试")
    stream = search._positioned([(run, "")])
    cuts = [end for _, end in search._windows(stream[0], stream[1])][:-1]
    assert len(cuts) >= 5  # the part boundaries the queries below straddle
    queries = ["鹦鹉螺化石 G318国道", "鹦鹉螺化石 2024年", word, word[1:], f"{word}年", "x年"]
    queries += [run[cut - n : cut + n] for cut in cuts for n in (1, 30, 49)]
    queries += [run[i : i + n] for i in rng.sample(range(29_000), 20) for n in (2, 3, 99)]
    queries += ["".join(rng.choice("甲乙丙丁") for _ in range(12)) for _ in range(10)]
    for query in queries:
        expected = _expected(query)
        assert set(search.matching_ids(query)) == expected, query
        assert search.search(query, Publication.objects.all()).total == len(expected), query


def test_parts_of_a_long_item_hold_every_short_phrase() -> None:
    """The parts overlap: every run of up to OVERLAP positions lies whole in one of them, and
    none holds more than a tsvector keeps (pure: no database)."""
    rng = random.Random(4)
    lexemes = [rng.choice("ab") * rng.randint(1, 2) for _ in range(40_000)]
    positions = list(itertools.accumulate(rng.choice((1, 1, 1, 2)) for _ in lexemes))
    windows = search._windows(lexemes, positions)
    assert len(windows) > 10
    for start, end in windows:
        assert positions[end - 1] - positions[start] < 16_383
        assert max(collections.Counter(lexemes[start:end]).values()) <= 256
    for first in rng.sample(range(len(positions)), 2_000):
        last = bisect.bisect_right(positions, positions[first] + search.OVERLAP - 1) - 1
        assert any(start <= first and last < end for start, end in windows), first
