"""关怀版 (适老化): a plain link, no JavaScript, remembered in a cookie.

关怀版 is the version for older readers that 工信部《互联网网站适老化通用设计规范》 asks government
sites to offer: the page with its type half as large again (27 px body text), higher contrast and
larger controls. The server marks the page (``<html class="large-font">``, see
gongkai.portal.context_processors) and site.css does the rest, so it works in any browser.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_safe

from gongkai.portal.context_processors import LARGE_FONT_COOKIE

ONE_YEAR = 365 * 24 * 3600


def safe_next(request: HttpRequest) -> str:
    """The page to return to: a path on this site, or the home page for anything else (a full
    URL, a protocol-relative //host, a javascript: link), so the switch cannot send people away."""
    target = request.GET.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("portal:home")


@require_safe
def large_font(request: HttpRequest) -> HttpResponseRedirect:
    """Turn 关怀版 on (``on=1``) or back to the standard version, and return to the visitor's page.

    A GET link rather than a form, so it works from the header of any page without JavaScript;
    it changes nothing but the visitor's own cookie.
    """
    response = HttpResponseRedirect(safe_next(request))
    if request.GET.get("on") == "1":
        response.set_cookie(
            LARGE_FONT_COOKIE,
            "1",
            max_age=ONE_YEAR,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    else:
        response.delete_cookie(LARGE_FONT_COOKIE, samesite="Lax")
    return response
