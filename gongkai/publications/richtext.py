"""Rich-text bodies: sanitised with nh3 before they are stored, and their plain text for checks
and search.

Bodies come from office editors who paste from Word and web pages; anything able to run script or
load from elsewhere (script, style, event handlers, javascript: links, remote images) is removed so
a published page can never attack its readers.
"""

from __future__ import annotations

import html
from html.parser import HTMLParser

import nh3

ALLOWED_TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "s", "sub", "sup", "h2", "h3", "h4", "blockquote",
    "ul", "ol", "li", "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td", "a", "span",
    "div", "hr", "pre", "code",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto"}
BLOCK_TAGS = {
    "p", "div", "br", "h2", "h3", "h4", "li", "tr", "blockquote", "table", "hr", "pre", "caption",
}  # fmt: skip


def sanitize(body: str) -> str:
    """Return the body with only harmless markup left (no script, styles, events or images)."""
    return nh3.clean(
        body or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        clean_content_tags={"script", "style"},
    ).strip()


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in BLOCK_TAGS:
            self.parts.append("\n")
        elif tag in {"td", "th"}:
            self.parts.append("\t")

    def handle_endtag(self, tag: str) -> None:
        if tag in BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def plain_text(body: str) -> str:
    """The text a reader sees, one line per paragraph or table row: what checks and search read."""
    parser = _TextExtractor()
    parser.feed(body or "")
    parser.close()
    text = html.unescape("".join(parser.parts))
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return "\n".join(line for line in lines if line)
