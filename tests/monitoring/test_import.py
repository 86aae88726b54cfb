"""Posting records imported from a real .xlsx or .csv file: all or nothing, a Chinese problem list
by row number, rows already recorded skipped, and only the accounts the person may record."""

from __future__ import annotations

import io

import pytest
import time_machine
from openpyxl import Workbook

from gongkai.core.errors import AccessDenied, ValidationFailed
from gongkai.core.models import AuditEntry
from gongkai.monitoring.models import NewMediaPost, Platform, PostSource
from gongkai.monitoring.services import posts_import
from gongkai.orgs.models import Unit, User
from tests.monitoring.conftest import account, at

pytestmark = pytest.mark.django_db
HEADER = ["账号名称", "平台", "发布日期", "标题", "链接"]


@pytest.fixture(autouse=True)
def _today() -> object:
    with time_machine.travel(at("2024-11-05 10:00"), tick=False):
        yield


@pytest.fixture
def accounts(department: Unit, other_department: Unit) -> None:
    account(department, "石城民政")
    account(department, "石城民政", platform=Platform.DOUYIN)
    account(other_department, "石城住建", platform=Platform.WEIBO)


def xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows: list[list[str]], encoding: str = "utf-8-sig") -> bytes:
    return "\n".join(",".join(r) for r in rows).encode(encoding)


def test_xlsx_import(office: User, accounts: None) -> None:
    import datetime as dt

    data = xlsx(
        [
            HEADER,
            [
                "石城民政",
                "微信公众号",
                dt.datetime(2024, 10, 8, 9, 30),
                "低保标准调整",
                "https://mp.weixin.qq.com/s/a",
            ],
            ["石城民政", "抖音", "2024年10月9日", "防汛演练", None],
            ["石城住建", "", "2024-10-10", "老旧小区改造", ""],
        ]
    )
    summary = posts_import(actor=office, data=data)
    assert (summary.rows, summary.created, summary.skipped, summary.accounts) == (3, 3, 0, 3)
    post = NewMediaPost.objects.get(title="低保标准调整")
    assert str(post.published_on) == "2024-10-08" and post.source == PostSource.IMPORTED
    assert post.recorded_by == office
    assert AuditEntry.objects.filter(action="monitoring.posts_import").count() == 1
    # importing the same file again adds nothing
    again = posts_import(actor=office, data=data)
    assert (again.created, again.skipped) == (0, 3)
    assert NewMediaPost.objects.count() == 3


def test_gb18030_csv_and_repeated_rows(office: User, accounts: None) -> None:
    data = csv_bytes(
        [
            ["帐号", "发布平台", "发布时间", "标题"],
            ["石城住建", "微博", "2024/10/10", "通知"],
            ["石城住建", "微博", "2024/10/10", "通知"],
        ],
        "gb18030",
    )
    summary = posts_import(actor=office, data=data)
    assert (summary.created, summary.skipped) == (1, 1)


def test_any_bad_row_refuses_the_whole_file(office: User, accounts: None) -> None:
    data = csv_bytes(
        [
            HEADER,
            ["石城住建", "微博", "2024-10-10", "正常的一行", ""],
            ["石城民政", "", "2024-10-10", "不知哪个平台", ""],
            ["不存在", "微信公众号", "2024-10-10", "标题", ""],
            ["石城住建", "微博", "10月10日", "日期不对", ""],
            ["石城住建", "微博", "2024-12-01", "未来", ""],
            ["石城住建", "脸书", "2024-10-10", "平台不对", ""],
            ["石城住建", "微博", "2024-10-10", "", "ftp://x"],
        ]
    )
    with pytest.raises(ValidationFailed) as caught:
        posts_import(actor=office, data=data)
    assert NewMediaPost.objects.count() == 0
    assert "没有导入任何记录" in caught.value.message
    assert caught.value.problems == [
        "第3行：多个平台都有名为“石城民政”的账号，请填写平台。",
        "第4行：没有登记微信公众号账号“不存在”，请先由县政务公开办登记。",
        "第5行：发布日期“10月10日”无法识别，请写成2024-10-08。",
        "第6行：发布日期2024-12-01晚于今天。",
        "第7行：平台“脸书”无法识别（可填：微信公众号、新浪微博、今日头条、抖音、快手、微信视频号、其他）。",
        "第8行：标题不能为空；链接“ftp://x”不是有效的网址（应以http://或https://开头）。",
    ]


def test_missing_header_columns(office: User, accounts: None) -> None:
    with pytest.raises(ValidationFailed) as caught:
        posts_import(actor=office, data=csv_bytes([["名称", "日期"], ["a", "2024-10-10"]]))
    assert caught.value.problems[0].startswith("第1行（表头）缺少必填的列：账号名称、标题")


def test_old_xls_and_garbage_are_refused(office: User, accounts: None) -> None:
    with pytest.raises(ValidationFailed) as caught:
        posts_import(actor=office, data=b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    assert "旧版Excel" in caught.value.problems[0]
    with pytest.raises(ValidationFailed):
        posts_import(actor=office, data=b"PK\x03\x04not really a zip")


def test_a_unit_imports_only_its_own_accounts(editor: User, accounts: None) -> None:
    rows = [HEADER, ["石城民政", "微信公众号", "2024-10-10", "本单位", ""]]
    assert posts_import(actor=editor, data=csv_bytes(rows)).created == 1
    rows.append(["石城住建", "微博", "2024-10-10", "别的单位", ""])
    with pytest.raises(ValidationFailed) as caught:
        posts_import(actor=editor, data=csv_bytes(rows))
    assert caught.value.problems == ["第3行：您不能录入县住建局的账号“石城住建”的发布记录。"]


def test_anonymous_import_is_refused(accounts: None) -> None:
    with pytest.raises(AccessDenied):
        posts_import(actor=None, data=csv_bytes([HEADER]))
