"""Page numbers for public lists and search results, as plain links that keep the other filters."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, QueryDict

PAGE_SIZE = 20
# Deep pages of a search are never read by people, only by crawlers; stop them somewhere.
MAX_PAGE = 500
# Nobody can tell 10,000 items from 10,001: counts stop here and say "10,000+" (MAX_PAGE pages).
COUNT_LIMIT = MAX_PAGE * PAGE_SIZE


def bounded_count(items: QuerySet[Any]) -> tuple[int, bool]:
    """How many items, up to COUNT_LIMIT, and whether there are more."""
    found = items.order_by()[: COUNT_LIMIT + 1].count()
    return min(found, COUNT_LIMIT), found > COUNT_LIMIT


def page_of(items: QuerySet[Any], offset: int, end: int) -> list[Any]:
    """One page of an ordered list in one statement that skips ``offset`` rows on the index
    alone (only the ids are read while skipping) and loads the page's rows with their joins."""
    ids = items.values("pk")[offset:end]
    page = items.model._default_manager.filter(pk__in=ids).order_by(*items.query.order_by)
    page.query.select_related = items.query.select_related
    return list(page)


def page_number(query: QueryDict) -> int:
    """The requested page number: a positive integer, 1 when missing or malformed. Any number
    past MAX_PAGE is MAX_PAGE + 1, past the end of every list (so no offset grows unbounded)."""
    raw = query.get("page", "")
    # ASCII digits only: str.isdigit() admits ² and other digits int() refuses.
    if not (raw.isascii() and raw.isdigit()):
        return 1
    number = int(raw) if len(raw) <= len(str(MAX_PAGE)) else MAX_PAGE + 1
    return min(max(number, 1), MAX_PAGE + 1)


@dataclass
class Pager:
    """Where a page sits in a list of ``total`` items, and the links to its neighbours."""

    number: int
    total: int
    query: QueryDict
    per_page: int = PAGE_SIZE
    capped: bool = False

    @classmethod
    def checked(
        cls, query: QueryDict, total: int, per_page: int = PAGE_SIZE, *, capped: bool = False
    ) -> Pager:
        """A pager for a list whose total is known. A page past the end raises PageOutOfRange:
        a 404 (so crawlers drop the address) whose page says 没有这一页 and links to the last
        page, rather than showing the last page's items under another number (issue 11)."""
        pager = cls(
            number=page_number(query), total=total, query=query, per_page=per_page, capped=capped
        )
        if pager.past_end:
            raise PageOutOfRange(pager)
        return pager

    @property
    def shown_total(self) -> str:
        """The total as people read it: 10,000+ past COUNT_LIMIT."""
        return f"{self.total:,}+" if self.capped else str(self.total)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def last_page(self) -> int:
        """The last page that can be asked for (lists stop at MAX_PAGE)."""
        return min(self.pages, MAX_PAGE)

    @property
    def past_end(self) -> bool:
        """Whether the page asked for is past the last one."""
        return self.number > self.last_page

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.per_page

    @property
    def end(self) -> int:
        return self.offset + self.per_page

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.last_page

    def _url(self, number: int) -> str:
        query = self.query.copy()
        query["page"] = str(number)
        if number == 1:
            del query["page"]
        encoded = query.urlencode()
        return f"?{encoded}" if encoded else "?"

    @property
    def previous_url(self) -> str:
        return self._url(self.number - 1)

    @property
    def next_url(self) -> str:
        return self._url(self.number + 1)

    @property
    def first_url(self) -> str:
        return self._url(1)

    @property
    def last_url(self) -> str:
        return self._url(self.last_page)


class PageOutOfRange(Http404):
    """A page past the end of a list, asked for by number: answered with 404 and a link to the
    list's last page (gongkai.portal.middleware)."""

    def __init__(self, pager: Pager) -> None:
        super().__init__("page past the end of the list")
        self.pager = pager
