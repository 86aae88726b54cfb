"""Template context for every page: whether the visitor chose the large-font mode (适老化)."""

from __future__ import annotations

from django.http import HttpRequest

LARGE_FONT_COOKIE = "gongkai_large_font"


def accessibility(request: HttpRequest) -> dict[str, bool]:
    return {"large_font": request.COOKIES.get(LARGE_FONT_COOKIE) == "1"}
