"""Kiosk mode's pages: the touch-screen home (/kiosk/), entering the mode (/kiosk/start/) and
leaving it (/kiosk/exit/). What the mode does is explained in gongkai.accesspoints.kiosk."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from gongkai.accesspoints import selectors
from gongkai.accesspoints.kiosk import KIOSK_COOKIE, KIOSK_COOKIE_AGE, cookie_point, in_kiosk

# 办事服务 (/banshi/) is another part of issue 14: linked by name once it exists, else by path
# while that path resolves, else left out.
BANSHI_NAMES = ("banshi:index", "banshi:home", "banshi:list")
BANSHI_PATH = "/banshi/"


@dataclass(frozen=True)
class Tile:
    label: str
    hint: str
    url: str


def banshi_url() -> str:
    """Where the 办事服务 pages are, or '' while they do not exist."""
    for name in BANSHI_NAMES:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    try:
        resolve(BANSHI_PATH)
    except Resolver404:
        return ""
    return BANSHI_PATH


def tiles() -> list[Tile]:
    """The kiosk home's tiles, in the order a visitor is most likely to want them (search is
    the box above them)."""
    column = "portal:column"
    found = [
        Tile(_("政府信息公开"), _("法定主动公开内容和各栏目"), reverse("portal:disclosure")),
        Tile(_("标准目录"), _("基层政务公开事项标准目录"), reverse("portal:catalog_index")),
        Tile(_("办事服务"), _("办事指南、办理材料和流程"), banshi_url()),
        Tile(_("政策解读"), _("政策文件的解读材料"), reverse(column, args=["interpretation"])),
        Tile(_("公开指南"), _("政府信息公开指南"), reverse("portal:guide")),
        Tile(_("依申请公开说明"), _("怎样申请获取政府信息"), reverse(column, args=["on-request"])),
        Tile(_("查阅点"), _("全县政务公开专区和查阅点"), reverse("accesspoints:list")),
    ]
    return [tile for tile in found if tile.url]


@require_safe
def kiosk_home(request: HttpRequest) -> HttpResponse:
    """The touch screen's home: large tiles to the parts of the site a visitor looks for."""
    pk = cookie_point(request)
    context = {
        "tiles": tiles(),
        "point": selectors.kiosk_point(pk) if pk is not None else None,
        "in_kiosk": in_kiosk(request),
        "county_name": settings.GONGKAI_COUNTY_NAME,
    }
    return render(request, "accesspoints/kiosk_home.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def kiosk_start(request: HttpRequest) -> HttpResponse:
    """Turn this browser into a touch-screen terminal: a button, not a link, so no page
    elsewhere can switch a visitor's browser into kiosk mode. Signs out any session first."""
    asked = str(request.POST.get("point") or request.GET.get("point") or "")
    point = selectors.kiosk_point(int(asked)) if asked.isdigit() else None
    if request.method != "POST":
        return render(request, "accesspoints/kiosk_start.html", {"point": point})
    logout(request)
    response = HttpResponseRedirect(reverse("accesspoints:kiosk"))
    response.set_cookie(
        KIOSK_COOKIE,
        str(point.pk) if point is not None else "1",
        max_age=KIOSK_COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def kiosk_exit(request: HttpRequest) -> HttpResponse:
    """Leave kiosk mode (staff, at the terminal): a confirmation page, then the button."""
    if request.method != "POST":
        return render(request, "accesspoints/kiosk_exit.html", {"in_kiosk": in_kiosk(request)})
    response = HttpResponseRedirect(reverse("portal:home"))
    response.delete_cookie(KIOSK_COOKIE, samesite="Lax")
    return response
