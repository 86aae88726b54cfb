"""The Content-Security-Policy (gongkai.core.csp): on every response, strict for the site's
pages, inline styles only for Django's admin; and no template relies on what it refuses."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import django
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.test import Client, RequestFactory

from gongkai.core import csp

ROOT = Path(__file__).resolve().parents[2]
# What the policy refuses in markup: inline scripts (a <script> without src), <style> elements,
# style="" and on*="" attributes, javascript: URLs.
REFUSED = re.compile(
    r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle\s*=|\son[a-z]+\s*=|javascript:", re.IGNORECASE
)


def _directives(header: str) -> dict[str, list[str]]:
    return {
        part.split()[0]: part.split()[1:] for part in (p.strip() for p in header.split(";")) if part
    }


def test_templates_use_nothing_the_policy_refuses() -> None:
    templates = sorted((ROOT / "gongkai").rglob("templates/**/*.html"))
    assert len(templates) > 50
    found = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in templates
        for match in REFUSED.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_public_pages_get_the_strict_policy(db: Any, client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    policy = _directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"]
    assert "nonce-" not in response["Content-Security-Policy"]


def test_error_pages_and_the_api_get_it_too(db: Any, client: Client) -> None:
    assert "Content-Security-Policy" in client.get("/no-such-page/")
    assert "Content-Security-Policy" in client.get("/healthz")


def test_admin_pages_allow_inline_styles_not_scripts(admin_client: Client) -> None:
    response = admin_client.get("/admin/orgs/unit/")
    assert response.status_code == 200
    policy = _directives(response["Content-Security-Policy"])
    assert "'unsafe-inline'" in policy["style-src"]
    assert policy["script-src"] == ["'self'"]
    # Django's admin templates have no inline script (a new Django version could add one).
    admin_templates = Path(django.__file__).parent / "contrib" / "admin" / "templates"
    for path in admin_templates.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>\s*\S", text), path


def test_a_nonce_is_named_only_when_a_template_uses_it() -> None:
    template = engines["django"].from_string('<script nonce="{{ nonce }}">1</script>')

    def view(request: HttpRequest) -> HttpResponse:
        return HttpResponse(template.render({"nonce": request.csp_nonce}))  # type: ignore[attr-defined]

    request = RequestFactory().get("/")
    response = csp.ContentSecurityPolicyMiddleware(view)(request)
    nonce = str(request.csp_nonce)  # type: ignore[attr-defined]
    assert f'nonce="{nonce}"' in response.content.decode()
    policy = _directives(response["Content-Security-Policy"])
    assert f"'nonce-{nonce}'" in policy["script-src"]


def test_a_view_may_set_its_own_policy() -> None:
    def view(request: HttpRequest) -> HttpResponse:
        response = HttpResponse("x")
        response["Content-Security-Policy"] = "sandbox"
        return response

    response = csp.ContentSecurityPolicyMiddleware(view)(RequestFactory().get("/"))
    assert response["Content-Security-Policy"] == "sandbox"
