"""The shortcuts the bulk import takes for speed (issue 10) give what the slow way gives: the
markup of plain-text bodies already sanitised and their plain text read without parsing it,
each 成文日期's due date counted once, the first version holding the body's digest instead of a
copy, rows written in bulk with their keys, and progress reported to the end."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
from typing import Any

import pytest

from gongkai.orgs.models import Unit
from gongkai.publications import archive, checks, interchange, richtext
from gongkai.publications.models import Publication

BODIES = [
    "各乡镇中心学校：\n现将有关事项通知如下。",
    "  首行缩进　　全角空格\t制表符\n\n\n  空行之后  ",
    "标点<>\"'/=《》〔〕，。；“引号” <!-- 不是注释 --> a<b",
    "不换行\u00a0空格",
    "A&B公司、&amp;、&nbsp;、&#20013;",  # entities: the markup is read back
    "控制字符\x00\x01\x7f\x85\u2028换行",
    "<p>已是HTML的正文</p><p>第二段</p>",
    "😀 emoji \U00020000 扩展汉字 \ufeff BOM",
    "",
]


@pytest.mark.parametrize("body", BODIES)
def test_a_plain_body_needs_neither_sanitising_nor_parsing(body: str) -> None:
    markup = archive._body_html(body)
    sanitised = richtext.sanitize(markup)
    fast = archive._plain_text(body)
    if fast is not None:
        assert sanitised == markup
        assert fast == richtext.plain_text(sanitised)
    if any(c in body for c in ("&", "<p>", "\x00", "\u00a0")):
        assert fast is None


def test_random_plain_bodies_need_neither_sanitising_nor_parsing() -> None:
    rng = random.Random(20261202)
    pieces = [*"县政务公开　 \t\n<>\"'/=a1，。〔〕\u2028\u3000\ufeff\x0c", "<!--", "]]>", "😀"]
    checked = 0
    for _ in range(3000):
        body = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 24)))
        fast = archive._plain_text(body)
        if fast is None:
            continue
        markup = archive._body_html(body)
        assert richtext.sanitize(markup) == markup, body
        assert richtext.plain_text(markup) == fast, body
        checked += 1
    assert checked > 1000


def test_imported_items_carry_the_same_text_as_items_saved_one_by_one(department: Unit) -> None:
    rows = [
        {"标题": f"通知{n}", "正文": body, "发布日期": "2024-03-05", "公开单位": "县民政局"}
        for n, body in enumerate(b for b in BODIES if b)
    ]
    text = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    done: list[tuple[int, int]] = []
    archive.import_rows(
        actor=None,
        parsed=interchange.read(text.encode(), "old.jsonl"),
        progress=lambda n, total: done.append((n, total)),
    )
    for item in Publication.objects.order_by("pk"):
        assert item.body == richtext.sanitize(item.body), item.title
        assert item.body_text == richtext.plain_text(item.body), item.title
        version = item.versions.get()
        assert "body" not in version.snapshot
        assert version.snapshot["body_sha256"] == hashlib.sha256(item.body.encode()).hexdigest()
        assert version.snapshot["title"] == item.title
    assert done[-1] == (2 * len(rows), 2 * len(rows))
    assert [n for n, _ in done] == sorted(n for n, _ in done)


@pytest.mark.django_db
def test_due_dates_counted_once_per_day_are_those_of_checks() -> None:
    lateness = archive._Lateness()
    for written, published in [
        (dt.date(2024, 9, 20), dt.date(2024, 10, 31)),  # across the National Day holiday
        (dt.date(2024, 9, 20), dt.date(2024, 10, 1)),
        (dt.date(2023, 12, 29), dt.date(2024, 2, 1)),
        (dt.date(1990, 1, 2), dt.date(1990, 6, 1)),  # a year no calendar knows
    ]:
        expected: Any = checks.lateness(written, published)
        assert lateness(written, published) == expected
