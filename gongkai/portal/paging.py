"""Page numbers for public lists and search results, as plain links that keep the other filters."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import QueryDict

PAGE_SIZE = 20
# Deep pages of a search are never read by people, only by crawlers; stop them somewhere.
MAX_PAGE = 500


def page_number(query: QueryDict) -> int:
    """The requested page number: a positive integer, 1 when missing or malformed."""
    raw = query.get("page", "")
    number = int(raw) if raw.isdigit() else 1
    return min(max(number, 1), MAX_PAGE)


@dataclass
class Pager:
    """Where a page sits in a list of ``total`` items, and the links to its neighbours."""

    number: int
    total: int
    query: QueryDict
    per_page: int = PAGE_SIZE

    @classmethod
    def clamped(cls, query: QueryDict, total: int, per_page: int = PAGE_SIZE) -> Pager:
        """A pager for a list whose total is known: a page past the end shows the last page."""
        pager = cls(number=page_number(query), total=total, query=query, per_page=per_page)
        pager.number = min(pager.number, pager.pages)
        return pager

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

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
        return self.number < min(self.pages, MAX_PAGE)

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
        return self._url(min(self.pages, MAX_PAGE))
