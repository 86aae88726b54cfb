"""``{% site_info as site %}``: the site's registration and contact data for the footer of every
page, read at most once a request (gongkai.portal.selectors.site_info); and
``{% pending_error_reports as n %}`` for the office's staff home.

A template tag rather than a context processor, so that only pages that show the footer read it
(a JSON or file response never does) and no page pays for it twice."""

from __future__ import annotations

from typing import Any

from django import template

from gongkai.interaction import selectors as interaction
from gongkai.orgs import permissions
from gongkai.portal import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def site_info(context: dict[str, Any]) -> selectors.SiteInfo:
    """The site's data for this request (a page rendered without a request reads it anew)."""
    return selectors.site_info(context.get("request"))


@register.simple_tag(takes_context=True)
def pending_error_reports(context: dict[str, Any]) -> int | None:
    """How many 找错 reports wait for the office, for the staff home of an office user (None for
    anyone else): a tag, because the staff home's app may not import the portal."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not permissions.is_office(user):
        return None
    return interaction.jiucuo_waiting()
