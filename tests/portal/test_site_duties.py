"""What every government site carries (国办发〔2017〕47号《政府网站发展指引》): the footer with the
office's registration data, 联系我们, 网站地图, 我为政府网站找错 with the office's queue, and the
print view of detail pages."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.template import RequestContext, Template
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gongkai.catalog.models import Catalog, CatalogStatus, Domain
from gongkai.core.models import AuditEntry
from gongkai.demo.site import load_site_settings
from gongkai.interaction import services as interaction_services
from gongkai.interaction.models import Box, Message, Status
from gongkai.interaction.views.public import SUBMIT_PER_HOUR
from gongkai.orgs.models import Unit, User
from gongkai.portal import services
from gongkai.portal.models import SiteSettings
from gongkai.publications.models import Column
from tests.factories import CatalogFactory, CatalogItemFactory
from tests.portal.publishing import Publish

pytestmark = pytest.mark.django_db

SETTINGS = {
    "sponsor": "石城县人民政府",
    "organizer": "石城县人民政府办公室",
    "site_code": "3607300001",
    "icp_number": "赣ICP备05004221号-1",
    "police_number": "赣公网安备36073002000101号",
    "phone": "0797-5712345",
    "address": "石城县琴江镇西华山路1号",
    "email": "gkb@shicheng.example.gov.cn",
    "postcode": "342700",
    "interpretation_workdays": "3",
}


def _html(client: Client, path: str, **params: str) -> str:
    response = client.get(path, params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _footer(html: str) -> str:
    return html.split('<footer class="site-footer">', 1)[1].split("</footer>", 1)[0]


# ---------------------------------------------------------------------------------- the footer


def test_the_footer_shows_defaults_from_the_countys_name_and_the_duty_links(
    client: Client, settings: Any
) -> None:
    settings.GONGKAI_COUNTY_NAME = "石城县"
    footer = _footer(_html(client, reverse("portal:home")))
    assert "主办单位：石城县人民政府" in footer
    assert "承办单位：石城县人民政府办公室" in footer
    assert "网站标识码" not in footer and "ICP" not in footer  # not filled in yet
    for name, label in (("contact", "联系我们"), ("sitemap", "网站地图")):
        assert f'<a href="{reverse(f"portal:{name}")}">{label}</a>' in footer
    assert f'href="{reverse("portal:jiucuo")}?url=/">我为政府网站找错</a>' in footer


def test_the_office_sets_the_registration_data_and_every_page_shows_it(
    client: Client, office: User
) -> None:
    client.force_login(office)
    url = reverse("site:settings")
    form = _html(client, url)
    assert 'value="石城县人民政府"' in form  # prefilled with what the footer shows now
    assert "尚未填写：网站标识码、ICP备案号、公安机关备案号。" in form
    response = client.post(url, SETTINGS)
    assert response.status_code == 302
    client.logout()
    footer = _footer(_html(client, reverse("portal:search")))
    assert "网站标识码：3607300001" in footer
    assert (
        '<a href="https://beian.miit.gov.cn/" rel="noopener noreferrer">赣ICP备05004221号-1</a>'
        in footer
    )
    assert (
        '<a href="https://beian.mps.gov.cn/#/query/webSearch?code=36073002000101" '
        'rel="noopener noreferrer">赣公网安备36073002000101号</a>'
    ) in footer
    entry = AuditEntry.objects.get(action="site.settings_update")
    assert entry.actor == office
    assert "网站标识码" in entry.summary and "ICP备案号" in entry.summary


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("site_code", "36073", "网站标识码为10位数字或字母，如3607300001。"),
        ("icp_number", "ICP备123号", "ICP备案号的格式如：赣ICP备12345678号-1。"),
        (
            "police_number",
            "赣公网安备123号",
            "公安机关备案号的格式如：赣公网安备36073002000101号（含14位数字）。",
        ),
        ("phone", "123", "请填写正确的联系电话：手机号码为11位数字，固定电话如0797-7322123。"),
        ("postcode", "34270", "邮编为6位数字。"),
        ("email", "gkb@", "请填写正确的电子邮箱地址，如name@example.com。"),
        ("sponsor", "", "请填写主办单位。"),
    ],
)
def test_wrong_settings_are_refused_with_what_to_write(
    client: Client, office: User, field: str, value: str, message: str
) -> None:
    client.force_login(office)
    response = client.post(reverse("site:settings"), {**SETTINGS, field: value})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not SiteSettings.objects.exists()


def test_only_the_office_opens_the_settings_and_the_queue(
    client: Client, editor: User, reviewer: User
) -> None:
    for url in (reverse("site:settings"),):
        assert client.get(url).status_code == 302  # to the login page
        for user in (editor, reviewer):
            client.force_login(user)
            response = client.get(url)
            assert response.status_code == 403
            assert "只有县政务公开办可以管理网站设置。" in response.content.decode()
        assert client.post(reverse("site:settings"), SETTINGS).status_code == 403
        client.logout()
    assert not SiteSettings.objects.exists()


def test_the_footer_costs_one_query_a_page(client: Client, publish: Publish) -> None:
    services.site_settings_update(actor=None, values=SETTINGS)
    for url in (reverse("portal:home"), reverse("portal:publication", args=[publish().pk])):
        with CaptureQueriesContext(connection) as queries:
            _html(client, url)
        reads = [q for q in queries.captured_queries if "portal_sitesettings" in q["sql"]]
        assert len(reads) == 1 + url.startswith("/xxgk/")  # + the ETag's, inside the item's query


def test_a_settings_change_changes_the_item_pages_etag(client: Client, publish: Publish) -> None:
    url = reverse("portal:publication", args=[publish().pk])
    etag = client.get(url)["ETag"]
    services.site_settings_update(actor=None, values=SETTINGS)
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 200 and "3607300001" in again.content.decode()


# ------------------------------------------------------------------------- contact and site map


def test_contact_falls_back_to_the_offices_unit_data(
    client: Client, office_unit: Unit, settings: Any
) -> None:
    settings.GONGKAI_COUNTY_NAME = "石城县"
    office_unit.phone = "0797-5700000"
    office_unit.address = "石城县政务服务中心三楼"
    office_unit.office_hours = "工作日上午8:00—12:00"
    office_unit.save()
    html = _html(client, reverse("portal:contact"))
    assert "<h1>联系我们</h1>" in html
    assert '<th scope="row">联系电话</th><td>0797-5700000</td>' in html
    assert "石城县政务公开办" in html and "工作日上午8:00—12:00" in html
    services.site_settings_update(actor=None, values=SETTINGS)
    html = _html(client, reverse("portal:contact"))
    assert '<th scope="row">联系电话</th><td>0797-5712345</td>' in html
    assert '<a href="mailto:gkb@shicheng.example.gov.cn">' in html
    assert reverse("portal:jiucuo") in html and reverse("portal:apply") in html


def test_the_site_map_links_every_column_and_every_part_of_the_site(client: Client) -> None:
    html = _html(client, reverse("portal:sitemap"))
    page = html.split("<h1>网站地图</h1>", 1)[1].split("</main>", 1)[0]
    for column in Column.objects.all():
        assert f'<a href="{column.get_absolute_url()}">{column.name}</a>' in page
    for name in (
        "home",
        "disclosure",
        "catalog_index",
        "catalog_units",
        "unit_directory",
        "normative",
        "search",
        "apply",
        "apply_track",
        "feed_latest",
        "contact",
        "jiucuo",
    ):
        assert f'href="{reverse(f"portal:{name}")}"' in page, name
    assert f'href="{reverse("portal:large_font")}?on=1&amp;next=%2Fsitemap%2F"' in page
    assert "<script" not in page and "<?xml" not in html


# ---------------------------------------------------------------------------------- 找错


REPORT = {
    "page_url": "https://gk.example.gov.cn/xxgk/1/",
    "kind": "typo",
    "description": "第二段“低保”写成了“底保”。",
    "name": "张三",
    "phone": "138 0013 8000",
    "email": "",
}


def test_a_report_gets_a_receipt_number_and_lands_in_the_queue(
    client: Client, office: User
) -> None:
    # 找错 files a message in the 找错 box of gongkai.interaction (issue 13).
    response = client.post(reverse("portal:jiucuo"), REPORT)
    assert response.status_code == 302 and response["Location"] == reverse("portal:jiucuo_done")
    html = _html(client, reverse("portal:jiucuo_done"))
    receipt = re.search(r"<strong>(JC\d{8}\d{5,})</strong>", html)
    assert receipt is not None and "3个工作日内答复" in html
    assert re.search(r'<strong class="code">[0-9A-Z]{8}</strong>', html)
    assert "no-store" in client.get(reverse("portal:jiucuo")).get("Cache-Control", "no-store")
    # Shown once.
    assert client.get(reverse("portal:jiucuo_done"))["Location"] == reverse("interaction:index")
    report = Message.objects.get()
    assert report.tracking_no == receipt.group(1) and report.box == Box.JIUCUO
    assert report.category == "typo" and report.body == REPORT["description"]
    assert report.phone == "13800138000" and report.status == Status.SUBMITTED

    client.force_login(office)
    # The old queue leads to the 找错 box of the message list.
    old = client.get(reverse("site:error_reports"))
    assert old["Location"] == f"{reverse('interaction:list')}?box=jiucuo"
    queue = _html(client, reverse("interaction:list"), box="jiucuo")
    assert report.tracking_no in queue
    detail = _html(client, reverse("interaction:detail", args=[report.pk]))
    assert "“低保”写成了“底保”" in detail and "13800138000" in detail
    reply = reverse("interaction:reply", args=[report.pk])
    assert client.post(reply, {"reply": ""}).status_code == 302
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED  # a reply is required
    client.post(reply, {"reply": "已改正错别字。"})
    report.refresh_from_db()
    assert report.status == Status.REPLIED and report.replied_by == office
    assert AuditEntry.objects.filter(action="interaction.reply").count() == 1
    # Answered once only.
    client.post(reply, {"reply": "再次处理"})
    report.refresh_from_db()
    assert report.reply == "已改正错别字。"


def test_the_form_is_prefilled_with_the_page_it_came_from(client: Client) -> None:
    html = _html(client, reverse("portal:jiucuo"), url="/xxgk/12/")
    assert 'value="http://testserver/xxgk/12/"' in html
    # Anything else is not offered as the page.
    html = _html(client, reverse("portal:jiucuo"), url="javascript:alert(1)")
    assert "javascript:" not in html
    for label in ("内容错误", "链接错误/无法访问", "错别字", "信息不更新", "其他"):
        assert f"{label}</label>" in html


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"phone": "12345678901234"},
            "请填写正确的联系电话：手机号码为11位数字，固定电话如0797-7322123。",
        ),
        ({"email": "abc@"}, "请填写正确的电子邮箱地址，如name@example.com。"),
        ({"description": ""}, "请填写问题描述：哪里有错，正确的应该是什么。"),
        ({"description": "错" * 2001}, "问题描述不能超过2000字。"),
        ({"kind": ""}, "请选择问题类型。"),
        ({"page_url": "ftp://x"}, "请填写出现问题的页面地址，以http://、https://或/开头。"),
        ({"hp_note": "http://spam.example"}, "提交失败，请刷新页面后重新填写。"),
    ],
)
def test_a_wrong_report_is_refused_with_a_clear_message(
    client: Client, change: dict[str, str], message: str
) -> None:
    response = client.post(reverse("portal:jiucuo"), {**REPORT, **change})
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert "变量" not in html and "Enter a valid" not in html
    assert not Message.objects.exists()


def test_one_sender_files_at_most_five_reports_an_hour(client: Client) -> None:
    for _ in range(SUBMIT_PER_HOUR.limit):
        assert client.post(reverse("portal:jiucuo"), REPORT).status_code == 302
    refused = client.post(reverse("portal:jiucuo"), REPORT)
    assert refused.status_code == 429
    assert "您在短时间内提交的留言较多" in refused.content.decode()
    # Someone else, behind the same proxy, still may.
    other = client.post(reverse("portal:jiucuo"), REPORT, HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert other.status_code == 302
    assert Message.objects.count() == SUBMIT_PER_HOUR.limit + 1


def test_the_form_needs_its_csrf_token() -> None:
    client = Client(enforce_csrf_checks=True)
    assert client.post(reverse("portal:jiucuo"), REPORT).status_code == 403
    assert not Message.objects.exists()


# ---------------------------------------------------------------------------------- print view


def test_detail_pages_offer_print_and_a_prefilled_error_report(
    client: Client, publish: Publish, department: Unit, domain: Domain
) -> None:
    item = publish()
    catalog: Catalog = CatalogFactory(unit=department, version=2024, status=CatalogStatus.APPROVED)
    matter = CatalogItemFactory(catalog=catalog, domain=domain, level2="办事指南")
    for url in (
        reverse("portal:publication", args=[item.pk]),
        reverse("portal:catalog_item", args=[matter.pk]),
    ):
        html = _html(client, url)
        tools = html.split('<div class="page-tools">', 1)[1].split("</div>", 1)[0]
        assert '<button type="button" class="print-button" data-print>打印</button>' in tools
        assert f'href="{reverse("portal:jiucuo")}?url={url}">我要找错</a>' in tools.replace(
            "%2F", "/"
        )
        assert f"本页地址：http://testserver{url}" in html


def test_the_print_stylesheet_hides_the_navigation_and_prints_black_on_white() -> None:
    css = (
        Path(django_settings.BASE_DIR) / "gongkai" / "static" / "gongkai" / "site.css"
    ).read_text()
    block = css.split("/* === B: print === */", 1)[1]
    printed = block.split("@media print", 1)[1]
    for selector in (".site-header nav", ".footer-links", ".page-tools", ".neighbours", "button"):
        assert selector in printed
    assert "color: #000" in printed and "background: #fff" in printed
    assert "@media (scripting: none) { .print-button { display: none; } }" in block
    assert "attr(href)" in printed


def test_the_staff_home_can_count_the_pending_reports_for_the_office_only(
    rf: Any, office: User, editor: User
) -> None:
    values = {"category": "typo", "page_url": "/xxgk/1/", "body": "错别字"}
    interaction_services.message_submit(box=Box.JIUCUO, values=values)
    template = Template("{% load site_info %}{% pending_error_reports as n %}[{{ n }}]")
    for user, shown in ((office, "[1]"), (editor, "[None]")):
        request = rf.get("/staff/")
        request.user = user
        assert template.render(RequestContext(request)) == shown


def test_the_command_sets_the_fields_given_and_refuses_wrong_ones_in_words() -> None:
    out = io.StringIO()
    call_command("site", "--site-code=3607300001", stdout=out)
    assert "网站标识码：3607300001" in out.getvalue()
    assert "主办单位：" in out.getvalue() and "ICP备案号：（未填写）" in out.getvalue()
    with pytest.raises(CommandError, match="网站标识码为10位数字或字母"):
        call_command("site", "--site-code=12", stdout=io.StringIO())
    assert SiteSettings.objects.get().site_code == "3607300001"
    load_site_settings()  # the demo fills only what the office has not
    assert SiteSettings.objects.get().site_code == "3607300001"
