"""The Content-Security-Policy header (Django 5.2 has none built in).

The site's pages load scripts and styles only from the site itself: no inline ``<script>``, no
``on*=`` attributes, no ``javascript:`` links, no ``<style>`` elements and no ``style=""``
attributes in our templates (a test keeps it so), so script injected through some text that
escaped escaping would not run. A template that really needs an inline script or style element
writes ``nonce="{{ request.csp_nonce }}"`` on it: the nonce is made on first use, per request,
and only then named in the header, so pages without one keep a stable header.

Django's admin has one inline ``<style>`` (change_list.html) and sets a few style attributes,
so its pages allow inline styles (never inline scripts).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

HEADER = "Content-Security-Policy"
REPORT_ONLY_HEADER = "Content-Security-Policy-Report-Only"

POLICY: dict[str, list[str]] = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}


class Nonce:
    """A per-request nonce, made when a template first asks for it (``str(nonce)``)."""

    def __init__(self) -> None:
        self.value = ""

    def __str__(self) -> str:
        if not self.value:
            self.value = secrets.token_urlsafe(18)
        return self.value

    @property
    def used(self) -> bool:
        return bool(self.value)


def policy_for(*, admin: bool = False, nonce: str = "") -> str:
    """The header's value: POLICY, inline styles allowed on admin pages, the nonce if used."""
    directives = {name: list(sources) for name, sources in POLICY.items()}
    if admin:
        directives["style-src"].append("'unsafe-inline'")
    elif nonce:
        directives["style-src"].append(f"'nonce-{nonce}'")
    if nonce:
        directives["script-src"].append(f"'nonce-{nonce}'")
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


class ContentSecurityPolicyMiddleware:
    """Add the policy to every response that has none of its own (a view may set a stricter
    one, e.g. for a file it serves)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.header = REPORT_ONLY_HEADER if settings.GONGKAI_CSP_REPORT_ONLY else HEADER

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        nonce = Nonce()
        request.csp_nonce = nonce  # type: ignore[attr-defined]
        response = self.get_response(request)
        if HEADER in response or REPORT_ONLY_HEADER in response:
            return response
        match = getattr(request, "resolver_match", None)
        admin = match is not None and "admin" in match.namespaces
        response[self.header] = policy_for(admin=admin, nonce=nonce.value if nonce.used else "")
        return response
