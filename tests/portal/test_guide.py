"""政府信息公开指南: built from the units' data at request time, kept on a staff page by the office
(any unit) and a unit's editor (their own), linked from the guide column, the unit's page and the
依申请公开 column."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from gongkai.core.errors import AccessDenied, ValidationFailed
from gongkai.core.models import AuditEntry
from gongkai.orgs.models import Unit, UnitKind, User
from gongkai.orgs.services import unit_guide_update

pytestmark = pytest.mark.django_db

# REFERENCE.md: 条例第三十三条第二款 and 第二十九条第二款, verbatim.
ARTICLE_33_2 = (
    "行政机关不能当场答复的，应当自收到申请之日起20个工作日内予以答复；需要延长答复期限的，"
    "应当经政府信息公开工作机构负责人同意并告知申请人，延长的期限最长不得超过20个工作日。"
)
ARTICLE_29_2 = (
    "政府信息公开申请应当包括下列内容：（一）申请人的姓名或者名称、身份证明、联系方式；"
    "（二）申请公开的政府信息的名称、文号或者便于行政机关查询的其他特征性描述；"
    "（三）申请公开的政府信息的形式要求，包括获取信息的方式、途径。"
)


def _text(client: Client, url: str) -> str:
    """The page's visible text, without markup, for comparing sentences."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    body = response.content.decode()
    return html.unescape(re.sub(r"<[^>]+>", "", body))


@pytest.fixture
def details(department: Unit) -> Unit:
    return unit_guide_update(
        actor=None,
        unit=department,
        values={
            "full_name": "石城县民政局",
            "address": "石城县琴江镇西华路18号",
            "office_hours": "工作日上午8:00—12:00，下午14:30—17:30",
            "phone": "0797-5712301",
            "fax": "0797-5703116",
            "email": "scmzj@example.cn",
            "postal_address": "石城县琴江镇西华路18号民政局办公室",
            "postcode": "342700",
            "access_points": "县民政局社会救助服务窗口（工作日开放）\n石城县档案馆查阅中心",
        },
    )


def test_a_units_guide_is_built_from_its_data(client: Client, details: Unit) -> None:
    page = _text(client, reverse("portal:guide_unit", args=["MZJ"]))
    assert "石城县民政局政府信息公开指南" in page
    for heading in ("一、主动公开", "二、依申请公开", "三、监督和救济"):
        assert heading in page
    for value in (
        "石城县琴江镇西华路18号",
        "工作日上午8:00—12:00，下午14:30—17:30",
        "0797-5712301",
        "0797-5703116",
        "scmzj@example.cn",
        "石城县琴江镇西华路18号民政局办公室",
        "342700",
        "县民政局社会救助服务窗口（工作日开放）",
        "石城县档案馆查阅中心",
    ):
        assert value in page, value
    assert "1. 在线申请" in page and "2. 信函申请" in page and "3. 当面申请" in page
    assert "4. 传真申请" in page
    assert ARTICLE_33_2 in page and ARTICLE_29_2 in page
    assert "行政机关依申请提供政府信息，不收取费用。" in page
    assert "国办函〔2020〕109号" in page and "同一申请人一个自然月内累计申请10件以下" in page
    assert "申请人应当自收到收费通知次日起20个工作日内缴纳费用" in page
    # A department's act is reviewed by the county government and tried by the county court.
    assert "向石城县人民政府申请行政复议" in page and "向石城县人民法院提起行政诉讼" in page
    assert "第二十三条第一款第（四）项" in page
    raw = client.get(reverse("portal:guide_unit", args=["MZJ"])).content.decode()
    assert f'href="{reverse("portal:apply")}"' in raw
    assert f'href="{reverse("portal:browse_unit", args=["MZJ"])}"' in raw


def test_the_guide_changes_when_the_data_does(client: Client, details: Unit, office: User) -> None:
    url = reverse("portal:guide_unit", args=["MZJ"])
    assert "西华路18号" in _text(client, url)
    unit_guide_update(
        actor=office, unit=details, values={"address": "石城县琴江镇东华路8号", "fax": ""}
    )
    page = _text(client, url)
    assert "石城县琴江镇东华路8号" in page
    assert "传真" not in page  # no fax, no fax line and no way to apply by fax


def test_a_unit_without_details_shows_what_it_has_and_the_countys_access_points(
    client: Client, department: Unit, office_unit: Unit
) -> None:
    unit_guide_update(
        actor=None, unit=office_unit, values={"access_points": "石城县政务服务中心政务公开专区"}
    )
    page = _text(client, reverse("portal:guide_unit", args=["MZJ"]))
    assert "县民政局政府信息公开指南" in page  # no full name: the unit's name
    assert "也可以到全县设立的政府信息查阅场所查阅" in page
    assert "石城县政务服务中心政务公开专区" in page
    assert "信函申请" not in page and "办公地址" not in page


def test_the_county_guide_uses_the_offices_details_and_the_office_adds_text(
    client: Client, county: Unit, office_unit: Unit, department: Unit, office: User
) -> None:
    unit_guide_update(
        actor=office,
        unit=office_unit,
        values={
            "full_name": "石城县人民政府办公室",
            "address": "石城县琴江镇琴江大道1号",
            "phone": "0797-5702001",
            "guide_extra": "申请可统一向县政务公开办提交。\n\n查阅场所免费提供查阅服务。",
        },
    )
    response = client.get(reverse("portal:guide"))
    raw = response.content.decode()
    page = html.unescape(re.sub(r"<[^>]+>", "", raw))
    assert "石城县人民政府政府信息公开指南" in page
    assert "石城县人民政府办公室" in page and "石城县琴江镇琴江大道1号" in page
    assert "四、其他说明" in page
    assert "<p>申请可统一向县政务公开办提交。</p>" in raw  # plain text kept in paragraphs
    assert "向上一级人民政府申请行政复议" in page
    assert "每年3月31日前" in page
    for code in ("SCX", "GKB"):
        found = client.get(reverse("portal:guide_unit", args=[code]))
        assert (found.status_code, found["Location"]) == (302, reverse("portal:guide"))


def test_a_villages_guide_is_its_townships_and_unknown_units_are_404(
    client: Client, village: Unit
) -> None:
    found = client.get(reverse("portal:guide_unit", args=["QJZ01"]))
    assert found["Location"] == reverse("portal:guide_unit", args=["QJZ"])
    assert client.get(reverse("portal:guide_unit", args=["QJZ"])).status_code == 200
    assert client.get(reverse("portal:guide_unit", args=["NOPE"])).status_code == 404


def test_guides_are_linked_from_the_column_the_unit_page_and_on_request(
    client: Client, details: Unit, office_unit: Unit, township: Unit, village: Unit
) -> None:
    unit_guide_update(actor=None, unit=office_unit, values={"address": "石城县琴江镇琴江大道1号"})
    column = client.get(reverse("portal:column", args=["guide"])).content.decode()
    assert reverse("portal:guide") in column
    assert reverse("portal:guide_unit", args=["MZJ"]) in column
    assert reverse("portal:guide_unit", args=["QJZ"]) in column
    assert "暂无" not in column
    unit_page = client.get(reverse("portal:browse_unit", args=["MZJ"])).content.decode()
    assert reverse("portal:guide_unit", args=["MZJ"]) in unit_page
    village_page = client.get(reverse("portal:browse_unit", args=["QJZ01"])).content.decode()
    assert reverse("portal:guide_unit", args=["QJZ"]) in village_page
    on_request = _text(client, reverse("portal:column", args=["on-request"]))
    assert "石城县琴江镇琴江大道1号" in on_request  # the office's address, on the page itself
    raw = client.get(reverse("portal:column", args=["on-request"])).content.decode()
    assert reverse("portal:guide") in raw and reverse("portal:column", args=["guide"]) in raw


# ---------------------------------------------------------------------------- the staff page


def _post(client: Client, code: str, **values: str) -> Any:
    return client.post(reverse("staff:guide_edit", args=[code]), values)


def test_the_office_edits_any_units_guide_and_it_is_audited(
    client: Client, office: User, department: Unit
) -> None:
    client.force_login(office)
    response = _post(client, "MZJ", address="石城县琴江镇西华路18号", postcode="342700")
    assert response.status_code == 302
    department.refresh_from_db()
    assert (department.address, department.postcode) == ("石城县琴江镇西华路18号", "342700")
    entry = AuditEntry.objects.get(action="unit.guide_update")
    assert entry.actor == office and entry.unit_code == "MZJ"
    assert set(entry.data["changed"]) == {"address", "postcode"}
    assert "办公地址" in entry.summary


def test_an_editor_edits_their_own_units_guide_only(
    client: Client, editor: User, reviewer: User, department: Unit, other_department: Unit
) -> None:
    client.force_login(editor)
    assert client.get(reverse("staff:guide_edit", args=["MZJ"])).status_code == 200
    assert _post(client, "MZJ", guide_extra="每周三下午集中受理。").status_code == 302
    department.refresh_from_db()
    assert department.guide_extra == "每周三下午集中受理。"
    listing = client.get(reverse("staff:guide_list")).content.decode()
    assert reverse("staff:guide_edit", args=["MZJ"]) in listing
    assert reverse("staff:guide_edit", args=["ZJJ"]) not in listing
    assert _post(client, "ZJJ", address="别处").status_code == 403
    other_department.refresh_from_db()
    assert other_department.address == ""
    client.force_login(reviewer)
    assert _post(client, "MZJ", address="别处").status_code == 403
    assert client.get(reverse("staff:guide_list")).status_code == 403


def test_wrong_postcode_or_email_is_refused_with_a_chinese_message(
    client: Client, office: User, department: Unit
) -> None:
    client.force_login(office)
    response = _post(client, "MZJ", postcode="34270", email="not-an-address")
    assert response.status_code == 400
    page = response.content.decode()
    assert "邮政编码应为6位数字" in page
    department.refresh_from_db()
    assert department.postcode == ""
    with pytest.raises(ValidationFailed) as caught:
        unit_guide_update(actor=office, unit=department, values={"email": "x@"})
    assert "电子邮箱" in caught.value.message


def test_saving_the_same_details_writes_nothing(office: User, details: Unit) -> None:
    before = AuditEntry.objects.filter(action="unit.guide_update").count()
    unit_guide_update(actor=office, unit=details, values={"address": details.address})
    assert AuditEntry.objects.filter(action="unit.guide_update").count() == before


def test_the_service_refuses_other_units_staff(other_editor: User, department: Unit) -> None:
    with pytest.raises(AccessDenied):
        unit_guide_update(actor=other_editor, unit=department, values={"address": "别处"})


def test_guide_pages_read_a_few_queries_whatever_the_number_of_units(
    client: Client,
    details: Unit,
    office_unit: Unit,
    township: Unit,
    django_assert_max_num_queries: Any,
) -> None:
    for n in range(30):
        Unit.objects.create(
            code=f"D{n:02d}", name=f"县第{n}局", kind=UnitKind.DEPARTMENT, parent=details.parent
        )
    pages = [
        reverse("portal:guide"),
        reverse("portal:guide_unit", args=["MZJ"]),
        reverse("portal:column", args=["guide"]),
        reverse("portal:column", args=["on-request"]),
    ]
    for url in pages:
        client.get(url)  # the first read after a change stores the maintained counts
        with django_assert_max_num_queries(8):
            assert client.get(url).status_code == 200
