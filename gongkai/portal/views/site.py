"""The pages every government site carries (国办发〔2017〕47号《政府网站发展指引》): 联系我们
(/contact/), 网站地图 (/sitemap/, the whole public structure as an HTML page) and 我为政府网站找错
(/jiucuo/: since issue 13 a message in the 找错 box, served by gongkai.interaction.views.public)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from gongkai.portal import selectors
from gongkai.publications import selectors as publications
from gongkai.publications.models import FiveClass


@require_safe
def contact(request: HttpRequest) -> HttpResponse:
    """联系我们: the site's contact data as the office set it, falling back to the disclosure
    office's own (its address, phone, hours, postal address), with where to apply and report."""
    info = selectors.site_info(request)
    office = selectors.office_unit()
    email = info.email or (office.email if office else "")
    rows: list[tuple[str, str, str]] = [
        (_("主办单位"), info.sponsor, ""),
        (_("承办单位"), info.organizer, ""),
        (_("联系电话"), info.phone or (office.phone if office else ""), ""),
        (_("联系地址"), info.address or (office.address if office else ""), ""),
        (_("邮编"), info.postcode or (office.postcode if office else ""), ""),
        (_("电子邮箱"), email, f"mailto:{email}"),
    ]
    context = {"rows": [row for row in rows if row[1]], "office": office}
    return render(request, "portal/contact.html", context)


@dataclass
class MapEntry:
    """One link of the site map, with the links under it."""

    label: str
    url: str
    children: list[MapEntry] = field(default_factory=list)
    note: str = ""


def _column_entries(nodes: list[publications.ColumnNode]) -> list[MapEntry]:
    return [
        MapEntry(
            node.column.name,
            node.column.get_absolute_url(),
            _column_entries(node.children),
        )
        for node in nodes
    ]


@require_safe
def sitemap(request: HttpRequest) -> HttpResponse:
    """网站地图: every part of the public site — the disclosure column with all its columns, the
    ways to browse it, the standard catalog, the normative library, search, applying and tracking,
    the feeds and the 关怀版 switch — in the order of the navigation. Three queries: the columns,
    their counts, the domains with published items."""
    here = request.get_full_path()
    large_font = reverse("portal:large_font")
    larger = f"{large_font}?{urlencode({'on': '1', 'next': here})}"
    standard = f"{large_font}?{urlencode({'on': '0', 'next': here})}"
    disclosure = MapEntry(
        _("政府信息公开"),
        reverse("portal:disclosure"),
        [
            *_column_entries(publications.public_column_tree()),
            MapEntry(_("按发布机构浏览"), reverse("portal:unit_directory")),
            MapEntry(
                _("按公开领域浏览"),
                "",
                [
                    MapEntry(facet.label, reverse("portal:browse_domain", args=[facet.code]))
                    for facet in publications.public_domain_facets()
                ],
            ),
            MapEntry(
                _("按“五公开”浏览"),
                "",
                [
                    MapEntry(str(label), reverse("portal:browse_five", args=[value]))
                    for value, label in FiveClass.choices
                ],
            ),
            MapEntry(_("行政规范性文件库"), reverse("portal:normative")),
            MapEntry(_("政府信息查阅场所（政务公开专区、查阅点）"), reverse("accesspoints:list")),
            MapEntry(_("公共企事业单位适用主体清单"), reverse("portal:enterprises")),
        ],
    )
    entries = [
        MapEntry(_("首页"), reverse("portal:home")),
        disclosure,
        MapEntry(
            _("标准目录"),
            reverse("portal:catalog_index"),
            [MapEntry(_("按单位浏览公开事项目录"), reverse("portal:catalog_units"))],
        ),
        MapEntry(_("搜索"), reverse("portal:search")),
        MapEntry(_("专题专栏"), reverse("portal:topics")),  # D: issue 14
        MapEntry(_("办事服务（办事一本通）"), reverse("banshi:index")),  # B: issue 14
        MapEntry(_("公众参与：征求意见、决策目录、会议公开"), reverse("participation:index")),
        MapEntry(
            _("依申请公开"),
            "",
            [
                MapEntry(_("在线申请"), reverse("portal:apply")),
                MapEntry(_("申请查询"), reverse("portal:apply_track")),
            ],
        ),
        MapEntry(
            _("订阅"),
            "",
            [MapEntry(_("最新政府信息（Atom）"), reverse("portal:feed_latest"))],
            note=_("每个栏目、单位和领域的页面另有各自的订阅地址。"),
        ),
        MapEntry(
            _("关怀版"),
            larger,
            [MapEntry(_("标准版"), standard)],
            note=_("大字、高对比度，不需要JavaScript"),
        ),
        MapEntry(
            _("网站服务"),
            "",
            [
                MapEntry(_("联系我们"), reverse("portal:contact")),
                MapEntry(_("政民互动（领导信箱、咨询）"), reverse("interaction:index")),
                MapEntry(_("我为政府网站找错"), reverse("portal:jiucuo")),
                MapEntry(_("开放数据接口"), reverse("api:docs")),
            ],
        ),
    ]
    return render(request, "portal/sitemap.html", {"entries": entries})
