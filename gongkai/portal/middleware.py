"""The answer to a page past the end of a list (paging.PageOutOfRange), wherever a view asks
for one: a 404 that says 没有这一页 and links to the last page. A middleware rather than the
404 handler, so the page is the same with DEBUG on (the demo) as in production, and every
other 404 stays Django's."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from gongkai.portal.paging import PageOutOfRange


class PageOutOfRangeMiddleware:
    """Render PageOutOfRange as portal/page_out_of_range.html with status 404."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, PageOutOfRange):
            return None
        context = {"pager": exception.pager}
        return render(request, "portal/page_out_of_range.html", context, status=404)
