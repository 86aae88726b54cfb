"""Importing a township's subsidy payout list through the upload page: one masked posting per
village, submitted for review (seed 001 item 8)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from gongkai import textcheck
from gongkai.orgs.models import Unit, UnitKind, User
from gongkai.publications.models import Publication, PublicationStatus
from tests.factories import UnitFactory
from tests.publications.conftest import ID_NUMBER
from tests.publications.views.inputs import XLSX, subsidy_workbook, upload

pytestmark = pytest.mark.django_db

SECOND_ID = "36073519900101002" + textcheck.id_check_character("36073519900101002")


@pytest.fixture
def second_village(township: Unit) -> Unit:
    return UnitFactory(code="QJZ02", name="琴江镇石田村", kind=UnitKind.VILLAGE, parent=township)


def _post(
    client: Client, township: Unit, content: bytes, name: str = "名单.xlsx"
) -> tuple[str, int]:
    response = client.post(
        reverse("publications:subsidy_import"),
        {
            "township": str(township.pk),
            "subsidy": "2024年耕地地力保护补贴",
            "written_on": "2024-03-15",
            "file": upload(name, content, XLSX),
        },
    )
    return response.content.decode(), response.status_code


def test_import_creates_one_masked_submitted_posting_per_village(
    client: Client, township_editor: User, township: Unit, village: Unit, second_village: Unit
) -> None:
    content = subsidy_workbook(
        [
            ["古樟村", "张小明", ID_NUMBER, "耕地地力保护补贴", 5.2, 624],
            ["琴江镇古樟村", "欧阳小红", "", "耕地地力保护补贴", 3, 360.5],
            ["石田村", "李四", SECOND_ID, "耕地地力保护补贴", 2, 240],
            ["合计", None, None, None, None, 1224.5],
        ]
    )
    client.force_login(township_editor)
    page = client.get(reverse("publications:subsidy_import")).content.decode()
    assert f'<option value="{township.pk}" selected>琴江镇</option>' in page
    assert 'enctype="multipart/form-data"' in page

    html, status = _post(client, township, content)
    assert status == 200
    postings = {p.unit: p for p in Publication.objects.all()}
    assert set(postings) == {village, second_village}
    guzhang = postings[village]
    assert guzhang.title == "琴江镇古樟村2024年耕地地力保护补贴发放结果公示"
    assert guzhang.status == PublicationStatus.SUBMITTED
    assert guzhang.issuer == "琴江镇人民政府"
    assert "张*明" in guzhang.body and "欧**红" in guzhang.body
    assert "张小明" not in guzhang.body and "欧阳小红" not in guzhang.body
    assert postings[second_village].body.count("李*") == 1
    for posting in postings.values():
        assert not re.search(r"\d{6,}", posting.body_text.replace(".", ""))
    assert "导入完成：3户，合计1224.50元" in html
    for posting in postings.values():
        assert reverse("publications:detail", args=[posting.pk]) in html
    assert "张小明" not in html and ID_NUMBER not in html

    detail = client.get(reverse("publications:detail", args=[guzhang.pk])).content.decode()
    assert "张*明" in detail and ID_NUMBER not in detail


def test_bad_rows_are_all_listed_and_nothing_is_imported(
    client: Client, township_editor: User, township: Unit, village: Unit
) -> None:
    content = subsidy_workbook(
        [
            ["古樟村", "张小明", "", "耕地地力保护补贴", 5, "六百元"],
            ["不存在村", "王五", "", "耕地地力保护补贴", 2, 240],
            ["古樟村", "", "", "耕地地力保护补贴", 2, 240],
        ]
    )
    client.force_login(township_editor)
    html, status = _post(client, township, content)
    assert status == 400
    assert "Excel文件有误" in html
    assert "第3行F列：金额“六百元”不是数字。" in html
    assert "第4行A列：“不存在村”不是琴江镇下辖的村（社区）。" in html
    assert "第5行B列：“姓名”不能为空。" in html
    assert not Publication.objects.exists()


def test_a_text_file_is_refused_before_parsing(
    client: Client, township_editor: User, township: Unit, village: Unit
) -> None:
    client.force_login(township_editor)
    html, status = _post(client, township, "村,姓名\n古樟村,张三\n".encode())
    assert status == 400
    assert "上传的文件不是有效的Excel（.xlsx）文件" in html
    assert not Publication.objects.exists()


def test_only_staff_posting_for_villages_may_import(
    client: Client, editor: User, village_clerk: User, township: Unit, village: Unit
) -> None:
    client.force_login(editor)
    assert client.get(reverse("publications:subsidy_import")).status_code == 403
    client.force_login(village_clerk)
    page = client.get(reverse("publications:subsidy_import")).content.decode()
    assert "琴江镇" in page
