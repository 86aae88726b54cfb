"""Kiosk mode (触摸屏模式): the portal as the touch screens in the 政务公开专区 show it.

A terminal enters the mode once (/kiosk/start/, a button, so a link elsewhere cannot switch a
visitor's or an official's browser into it) and keeps a cookie. While the cookie is set:

- every page renders in kiosk chrome (the ``kiosk`` context below): larger text, 64 px targets,
  a big 返回首页 button, no staff links, and gongkai/static/gongkai/kiosk.js, which clears the
  forms and returns to /kiosk/ after GONGKAI_KIOSK_IDLE_SECONDS without a touch;
- the login page, the staff pages and the admin answer 403 (KioskMiddleware): a public terminal is
  no place to sign in, since the next visitor would find the session; entering the mode also
  signs out any session the browser had;
- responses are not stored (Cache-Control: no-store), so the browser's back button does not bring
  a previous visitor's filled-in form back;
- pages that take personal data (the application form, messages, subscriptions) say so.

Staff leave the mode at /kiosk/exit/ (documented in the README, not linked from the kiosk).
The cookie is a presentation mode, not a lock: the terminal's browser itself runs full-screen
(chromium --kiosk) so that visitors cannot type addresses.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

KIOSK_COOKIE = "gongkai_kiosk"
# Long-lived: a terminal stays a terminal until staff exit the mode.
KIOSK_COOKIE_AGE = 5 * 365 * 24 * 60 * 60
# The paths a kiosk refuses: signing in, the staff workspace, one's account and the admin.
REFUSED_PREFIXES = ("/staff/", "/accounts/", "/admin/")
# Pages whose forms take a visitor's personal data: the kiosk warns before they are filled in.
PERSONAL_DATA_VIEWS = frozenset(
    {
        "portal:apply",
        "portal:apply_track",
        "portal:jiucuo",
        "interaction:write",
        "interaction:track",
        "push:subscribe",
        "participation:consultation",
    }
)


@dataclass(frozen=True)
class KioskChrome:
    """What base.html needs to draw a page in kiosk mode."""

    idle_seconds: int
    home_url: str
    personal_data: bool


def in_kiosk(request: HttpRequest) -> bool:
    return bool(request.COOKIES.get(KIOSK_COOKIE))


def cookie_point(request: HttpRequest) -> int | None:
    """The access point the terminal stands in, when its cookie names one."""
    value = request.COOKIES.get(KIOSK_COOKIE, "")
    return int(value) if value.isdigit() and int(value) > 0 else None


def idle_seconds() -> int:
    return int(settings.GONGKAI_KIOSK_IDLE_SECONDS)


def kiosk(request: HttpRequest) -> dict[str, KioskChrome | None]:
    """Template context: ``kiosk`` is the chrome's settings in kiosk mode, else None."""
    if not in_kiosk(request):
        return {"kiosk": None}
    match = getattr(request, "resolver_match", None)
    view = match.view_name if match is not None else ""
    return {
        "kiosk": KioskChrome(
            idle_seconds=idle_seconds(),
            home_url=reverse("accesspoints:kiosk"),
            personal_data=view in PERSONAL_DATA_VIEWS,
        )
    }


def refuses(path: str) -> bool:
    return path.startswith(REFUSED_PREFIXES)


class KioskMiddleware:
    """In kiosk mode: refuse signing in and the staff pages, and keep responses out of the
    browser's cache. After the authentication middleware; a no-op without the cookie."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not in_kiosk(request):
            return self.get_response(request)
        if refuses(request.path):
            response = render(request, "accesspoints/kiosk_refused.html", status=403)
        else:
            response = self.get_response(request)
        response["Cache-Control"] = "no-store"
        return response
