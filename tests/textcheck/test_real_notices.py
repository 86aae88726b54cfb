"""Real published notices (tests/textcheck/fixtures/real_notices.jsonl, copied from the bench
corpus bench/corpus/notices.jsonl with their addresses): the ones that publish contact phones or an
organisation's account pass without a block; a list of named officials' mobiles still blocks."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from gongkai.textcheck import Checker

TODAY = dt.date(2026, 6, 1)
NOTICES: dict[str, dict[str, Any]] = {
    notice["id"]: notice
    for notice in (
        json.loads(line)
        for line in (Path(__file__).parent / "fixtures" / "real_notices.jsonl")
        .read_text(encoding="utf-8")
        .splitlines()
    )
}


@pytest.fixture(scope="module")
def checker() -> Checker:
    return Checker.from_defaults()


@pytest.mark.parametrize(
    ("notice", "expected"),
    [
        # 举报电话:刘寅 1884623xxxx、冯海林 1384586xxxx — blocked before issue 8.
        ("n003", {("mobile", "warn"): 2}),
        # 联系人:苏先生;联系电话:86602000 — an 8-digit landline.
        ("n007", {("phone", "warn"): 1}),
        # Landlines of two offices; the 2011 notice names the agencies of its day.
        ("n011", {("phone", "warn"): 3, ("wrong_word", "warn"): 8}),
        # 监督电话:12317 / 0973-8752868 on the next line.
        ("n014", {("phone", "warn"): 1}),
        # A foundation's three donation accounts, which happen to pass Luhn, and its hotlines:
        # the accounts were blocked as personal bank cards before issue 8.
        ("n025", {("phone", "warn"): 4, ("bank_account", "warn"): 3}),
        # Four donation-receiving organisations' accounts and phones.
        ("n027", {("phone", "warn"): 4}),
        # 资金捐赠电话 / 物资捐赠电话 with mobiles on the following lines — blocked before.
        ("n029", {("phone", "warn"): 1, ("mobile", "warn"): 5}),
        # 具体联系人:张 超 / 咨询电话:0635-7219958.
        ("n066", {("phone", "warn"): 1}),
        # Eight county leaders, each with a mobile on a line of its own: a list of named people.
        ("n001", {("mobile", "block"): 8}),
    ],
)
def test_real_notices(checker: Checker, notice: str, expected: dict[tuple[str, str], int]) -> None:
    findings = checker.check(NOTICES[notice]["text"], today=TODAY)
    assert Counter((f.kind, f.severity) for f in findings) == Counter(expected)
    assert all(f.reason for f in findings)


def test_every_fixture_is_covered() -> None:
    assert len(NOTICES) == 9
    assert all(n["url"].startswith("http") for n in NOTICES.values())
