"""Public pages that browsers and proxies may keep, revalidated on every use (conditional GET).

A page that looks the same to every visitor without a session (but for the large-font mode)
carries a weak ETag computed from the rows it shows, and ``Cache-Control: public, no-cache``:
any cache may store it but must ask before each reuse, and the answer when nothing changed is a
304 that costs the one query the ETag came from — no second query, no template. "no-cache"
rather than a lifetime because a withdrawn item must stop showing its content at once, in every
cache; a reverse proxy may still be told to keep pages a few seconds (docs/deploy/nginx.conf).

If-Modified-Since alone is not honoured: the ETag also covers what no date tells (the large-font
mode, the templates of the running release), and caches that keep Last-Modified keep the ETag
too. Visitors with a session (staff, or anyone mid-way through a form) or a pending message get
the page as before, marked private.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.template.loader import get_template
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date


def shared(request: HttpRequest) -> bool:
    """Whether this request sees the page every visitor without a session sees: no session
    cookie, no messages cookie, and a GET or HEAD."""
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
    )


def etag_of(*parts: object) -> str:
    """A weak ETag (W/"…") for a page made from ``parts``: equal parts, equal page."""
    digest = hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:24]
    return f'W/"{digest}"'


def release(*templates: str) -> str:
    """What the page's bytes depend on beyond its rows: the source of ``templates`` as this
    process renders them, so a new release (or a changed template) changes every ETag."""
    if settings.DEBUG:  # templates are edited while the development server runs
        return _release.__wrapped__(templates)
    return _release(templates)


@functools.cache
def _release(templates: tuple[str, ...]) -> str:
    digest = hashlib.sha256()
    for name in templates:
        digest.update(get_template(name).template.source.encode())  # type: ignore[attr-defined]
    return digest.hexdigest()[:12]


def not_modified(request: HttpRequest, etag: str) -> HttpResponseBase | None:
    """A 304 when the request's If-None-Match names ``etag``; None when the page must be sent."""
    return get_conditional_response(request, etag=etag)


def mark_shared(
    response: HttpResponseBase, *, etag: str, last_modified: dt.datetime
) -> HttpResponseBase:
    """Headers of a shared page (200 or 304): the ETag, when it last changed, and that any
    cache may store it but must revalidate it; it varies with the cookies (the large-font
    mode, and a session turns it private)."""
    response.headers["ETag"] = etag
    response.headers["Last-Modified"] = http_date(last_modified.timestamp())
    patch_cache_control(response, public=True, no_cache=True)
    patch_vary_headers(response, ("Cookie",))
    return response


def mark_private(response: HttpResponse) -> HttpResponse:
    """A page shown with a session or a message: for this browser only, revalidated."""
    patch_cache_control(response, private=True, no_cache=True)
    return response
