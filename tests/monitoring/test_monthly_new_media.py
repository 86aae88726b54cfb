"""The monthly report's new-media section (seed 003): accounts monitored by platform, how many
checked, the accounts flagged or idle with their owner units, in the JSON, the problems
paragraph, the web page and the Word document; the stale-columns list comes from the freshness
module."""

from __future__ import annotations

import io
from typing import Any

import docx
import pytest
import time_machine
from django.test import Client

from gongkai.monitoring.models import Platform
from gongkai.orgs.models import Unit, User
from gongkai.reports import monthly_docx
from gongkai.reports.monthly import monthly_report, paragraphs
from tests.monitoring.conftest import account, at, posts, put

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today() -> Any:
    with time_machine.travel(at("2024-11-05 10:00"), tick=False):
        yield


@pytest.fixture
def media(department: Unit, other_department: Unit, township: Unit, county: Unit) -> None:
    weekly = [f"2024-10-{d:02d}" for d in (1, 3, 8, 10, 15, 17, 22, 24, 29, 31)]
    for n in range(3):
        posts(account(department, f"民政{n}"), *weekly)
    posts(account(township, "琴江发布", platform=Platform.WEIBO), *weekly)
    posts(account(other_department, "石城商务", platform=Platform.DOUYIN), "2024-10-02")
    put(department, at("2024-10-30 10:00"), column="news")


def test_json_section(media: None) -> None:
    section = monthly_report(year=2024, month=10)["new_media"]
    assert section["accounts"] == 5 and section["check_rate"] == "100%"
    assert [(p["platform"], p["count"]) for p in section["by_platform"]] == [
        ("微信公众号", 3),
        ("新浪微博", 1),
        ("抖音", 1),
    ]
    assert [(f["account"], f["unit"]) for f in section["flagged"]] == [("石城商务", "县住建局")]
    assert [(s["account"], s["idle_days"]) for s in section["stale"]] == [("石城商务", 29)]
    assert section["table"]["rows"] == [["石城商务", "抖音", "县住建局", "4/4", "2024-10-02", "29"]]


def test_paragraphs(media: None) -> None:
    text = paragraphs(monthly_report(year=2024, month=10))
    check = next(line for line in text["basic"] if "政务新媒体" in line)
    assert check == (
        "根据政务公开、政府网站与政务新媒体有关考核指标要求，对县政府门户网站和全县5个政务新媒体"
        "（其中微信公众号3个、新浪微博1个、抖音1个）进行了监测抽查，抽查5个，抽查率达100%。"
        "其中1个政务新媒体有周更新次数少于要求的情况，1个政务新媒体超过2周未更新（见附表）。"
    )
    problems = text["problems"][0]
    assert "网站栏目、政务新媒体更新不及时" in problems
    assert "县住建局抖音号“石城商务”已29天未更新" in problems


def test_only_accounts_stale_named_as_seed_003_does(
    department: Unit, other_department: Unit
) -> None:
    posts(account(other_department, "石城商务", platform=Platform.DOUYIN), "2024-10-02")
    problems = paragraphs(monthly_report(year=2024, month=10))["problems"][0]
    assert "政务新媒体更新不及时，如" in problems


def test_stale_columns_come_from_the_freshness_module(media: None) -> None:
    stale = monthly_report(year=2024, month=10)["problems"]["stale_columns"]
    by_name = {s["column"]: s for s in stale}
    assert "工作动态" not in by_name  # updated 30 October
    assert by_name["通知公告"]["update_class"] == "半年"
    assert by_name["通知公告"]["idle_days"] is None


def test_page_and_word_document(client: Client, office: User, media: None) -> None:
    client.force_login(office)
    page = client.get("/staff/reports/monthly/2024/10/").content.decode()
    assert "政务新媒体更新不及时情况" in page
    assert "全县5个政务新媒体" in page
    assert '<th scope="row">石城商务</th><td>抖音</td><td>县住建局</td>' in page
    document = docx.Document(io.BytesIO(monthly_docx.render(monthly_report(year=2024, month=10))))
    texts = [p.text for p in document.paragraphs]
    assert "政务新媒体更新不及时情况" in texts
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "账号")
    assert [c.text for c in table.rows[1].cells] == [
        "石城商务",
        "抖音",
        "县住建局",
        "4/4",
        "2024-10-02",
        "29",
    ]


def test_no_accounts_no_section(department: Unit) -> None:
    assert monthly_report(year=2024, month=10)["new_media"] is None
