"""Mask personal data in a publication's stored content before it is published (脱敏发布).

A reviewer whose item is blocked only by personal data may publish it with every ID, bank-card and
mobile number masked the way offices publish them (``360735********1233``, ``138****5678``)
instead of overriding the check and publishing them whole. This module rewrites the texts; the
service ``publication_approve(..., mask=True)`` decides, saves and records.

What is masked: every finding of a kind in ``textcheck.PERSONAL_DATA``, whatever its severity,
masked by ``textcheck.mask_text`` — exactly what every staff preview already shows masked, so the
reviewer publishes what they saw. That includes a mobile number textcheck only warns about in a
contact clause (联系电话): a citizen's number beside their name cannot be told from an
official's with certainty, and leaving one whole when the reviewer asked for masking would leak
it. An item holding both a list of people and an official's contact mobile that must stay
readable is returned for editing instead. Sensitive words are never "masked": they need editing
or a raw override with a reason.

Where: the title, the HTML body (the characters of its text and of its attribute values, so the
stored ``body_text`` is exactly the plain text of the masked body), and the text of Word (.docx)
attachments, rewritten ``w:t`` element by ``w:t`` element so a number split across runs (Word
splits at every formatting or spell-check boundary) is masked too. Other attachment kinds cannot be
rewritten; the service refuses to mask-and-publish when one holds personal data.

Every function keeps the length and the separators of what it masks, and checks its own result:
the rewritten body's plain text, or the rewritten document's text, must equal the masked text
exactly, else the characters it could not place are reported in ``missed`` and nothing is used.
"""

from __future__ import annotations

import html
import io
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import docx
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from gongkai import textcheck
from gongkai.publications import richtext


def should_mask(kind: str) -> bool:
    """Whether mask-and-publish masks a finding of this kind."""
    return kind in textcheck.PERSONAL_DATA


def to_mask(findings: Iterable[textcheck.Finding]) -> list[textcheck.Finding]:
    return [f for f in findings if should_mask(f.kind)]


@dataclass(frozen=True)
class MaskChoice:
    """What the reviewer can be offered for stored findings (``Publication.findings``)."""

    maskable: int  # personal-data findings mask-and-publish would mask
    other_blocking: int  # blocking findings masking cannot clear (sensitive words)

    @property
    def offered(self) -> bool:
        return self.maskable > 0 and self.other_blocking == 0


def choice(findings: Iterable[Mapping[str, Any]]) -> MaskChoice:
    """Whether mask-and-publish can clear the stored findings: only personal data blocks."""
    found = list(findings)
    return MaskChoice(
        maskable=sum(1 for f in found if should_mask(f["kind"])),
        other_blocking=sum(
            1 for f in found if f["severity"] == "block" and not should_mask(f["kind"])
        ),
    )


@dataclass
class Masked:
    """A rewritten text and what was masked in it; ``missed`` findings could not be rewritten."""

    text: str
    counts: Counter[str] = field(default_factory=Counter)
    missed: list[textcheck.Finding] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _counted(findings: list[textcheck.Finding]) -> Counter[str]:
    return Counter(f.kind for f in findings)


def _missed_at(findings: list[textcheck.Finding], positions: set[int]) -> list[textcheck.Finding]:
    return [f for f in findings if any(f.start <= p < f.end for p in positions)]


def mask_plain(text: str, check: textcheck.Checker) -> Masked:
    """Mask the personal data of a plain text (a title)."""
    found = to_mask(check.check(text))
    return Masked(textcheck.mask_text(text, found), _counted(found))


# ---------------------------------------------------------------------------- HTML bodies

# A tag of a body sanitised by nh3 (html5ever quotes every attribute value with ", and leaves no
# comments): a "<" in text is always escaped as &lt;, so every "<" starts a tag.
_TAG = re.compile(r"<(?:[^>\"']|\"[^\"]*\"|'[^']*')*>")
# html.unescape's own pattern, so one entity at a time is decoded exactly as it would be.
_CHARREF = re.compile(r"&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)")
_TAG_NAME = re.compile(r"</?([A-Za-z][A-Za-z0-9]*)")
_SEPARATING_TAGS = richtext.BLOCK_TAGS | {"td", "th"}
# Characters that would need escaping to be written back into HTML text.
_SPECIAL = frozenset("&<>")

# One character of text with the span of the body's source it was decoded from.
_Char = tuple[str, int, int]


def _unescape(chars: list[_Char]) -> list[_Char]:
    """Decode character references one at a time, each decoded character keeping its source."""
    text = "".join(c for c, _s, _e in chars)
    out: list[_Char] = []
    position = 0
    for match in _CHARREF.finditer(text):
        out.extend(chars[position : match.start()])
        start, end = chars[match.start()][1], chars[match.end() - 1][2]
        out.extend((c, start, end) for c in html.unescape(match.group(0)))
        position = match.end()
    out.extend(chars[position:])
    return out


def _segments(body: str) -> Iterator[tuple[bool, int, int]]:
    """(is_tag, start, end) for the tags and the runs of text between them."""
    position = 0
    for match in _TAG.finditer(body):
        if match.start() > position:
            yield False, position, match.start()
        yield True, match.start(), match.end()
        position = match.end()
    if position < len(body):
        yield False, position, len(body)


def _visible_chars(body: str) -> list[_Char]:
    """The characters of the body's text as richtext.plain_text reads them, whitespace left out.

    plain_text decodes character references twice (the parser, then html.unescape), so this does.
    """
    chars: list[_Char] = []
    for is_tag, start, end in _segments(body):
        if not is_tag:
            chars.extend((body[i], i, i + 1) for i in range(start, end))
            continue
        name = _TAG_NAME.match(body, start)
        if name and name.group(1).lower() in _SEPARATING_TAGS:
            chars.append(("\n", start, start))  # as plain_text: no reference spans a block
    return [c for c in _unescape(_unescape(chars)) if not c[0].isspace()]


def _mask_attributes(body: str, check: textcheck.Checker) -> tuple[str, Counter[str]]:
    """Mask numbers in the tags themselves (a link's href or title): invisible, yet published."""
    parts: list[str] = []
    counts: Counter[str] = Counter()
    for is_tag, start, end in _segments(body):
        segment = body[start:end]
        if is_tag:
            found = to_mask(check.check(segment))
            if found:
                segment = textcheck.mask_text(segment, found)
                counts.update(f.kind for f in found)
        parts.append(segment)
    return "".join(parts), counts


def mask_html(body: str, check: textcheck.Checker) -> Masked:
    """Mask the personal data of a sanitised HTML body; ``text`` is the masked body.

    The numbers are found in the body's plain text (richtext.plain_text, what the checks read
    and search indexes) and each masked character is written back where it came from in the HTML,
    so numbers split by inline tags (``<b>3607</b>35…``) or written with character references are
    masked too.
    """
    text = richtext.plain_text(body)
    found = to_mask(check.check(text))
    masked_text = textcheck.mask_text(text, found)
    visible = [i for i, c in enumerate(text) if not c.isspace()]
    sources = _visible_chars(body)
    if [text[i] for i in visible] != [c for c, _s, _e in sources]:
        # The body is not the sanitiser's output; nothing can be placed safely.
        changed = {i for i, (a, b) in enumerate(zip(text, masked_text, strict=True)) if a != b}
        return Masked(body, missed=_missed_at(found, changed))
    # For each source span, the masked characters decoded from it.
    replacements: dict[tuple[int, int], list[str]] = {}
    changed_spans: set[tuple[int, int]] = set()
    for ordinal, i in enumerate(visible):
        _c, start, end = sources[ordinal]
        replacements.setdefault((start, end), []).append(masked_text[i])
        if masked_text[i] != text[i]:
            changed_spans.add((start, end))
    parts: list[str] = []
    position = 0
    unplaced: set[int] = set()
    for start, end in sorted(changed_spans):
        new = "".join(replacements[(start, end)])
        if _SPECIAL.intersection(new):
            unplaced.update(
                i for ordinal, i in enumerate(visible) if sources[ordinal][1:] == (start, end)
            )
            continue
        parts.append(body[position:start])
        parts.append(new)
        position = end
    parts.append(body[position:])
    rewritten, attribute_counts = _mask_attributes("".join(parts), check)
    missed = _missed_at(found, unplaced)
    if not missed and richtext.plain_text(rewritten) != masked_text:
        changed = {i for i, (a, b) in enumerate(zip(text, masked_text, strict=True)) if a != b}
        missed = _missed_at(found, changed)
    if missed:
        return Masked(body, missed=missed)
    return Masked(rewritten, _counted(found) + attribute_counts)


# ---------------------------------------------------------------------------- Word documents

# One character of a document's text with the w:t element and offset it sits at (None for a tab,
# break or no-break hyphen, which are elements of their own and never part of a number).
_Slot = tuple[Any, int] | None
_Line = list[tuple[str, _Slot]]
_RUN_CONTENT = "w:br | w:cr | w:noBreakHyphen | w:ptab | w:t | w:tab"


def _paragraph_line(paragraph: Paragraph) -> _Line:
    """The paragraph's text exactly as python-docx's Paragraph.text reads it, with its slots."""
    line: _Line = []
    t_tag = qn("w:t")
    for element in paragraph._p.xpath("w:r | w:hyperlink"):
        runs = [element] if element.tag == qn("w:r") else element.xpath("w:r")
        for run in runs:
            for child in run.xpath(_RUN_CONTENT):
                piece = str(child)
                if child.tag == t_tag:
                    line.extend((c, (child, i)) for i, c in enumerate(piece))
                else:
                    line.extend((c, None) for c in piece)
    return line


def _join(lines: list[_Line], separator: str) -> _Line:
    joined: _Line = []
    for number, line in enumerate(lines):
        if number:
            joined.append((separator, None))
        joined.extend(line)
    return joined


def _table_lines(table: Table) -> Iterator[_Line]:
    # Mirrors gongkai.textcheck.documents: a merged cell is read once, cells joined by TABs.
    seen: set[object] = set()
    for row in table.rows:
        cells: list[_Line] = []
        for cell in row.cells:
            if cell._tc in seen:
                continue
            seen.add(cell._tc)
            cells.append(_join(list(_block_lines(cell)), "\n"))
        yield _join(cells, "\t")


def _block_lines(container: Any) -> Iterator[_Line]:
    for block in container.iter_inner_content():
        if isinstance(block, Paragraph):
            yield _paragraph_line(block)
        else:
            yield from _table_lines(block)


@dataclass
class MaskedDocument(Masked):
    """A rewritten .docx: ``data`` are its bytes, ``text`` its text as the checks read it."""

    data: bytes = b""


def mask_docx(data: bytes, check: textcheck.Checker) -> MaskedDocument:
    """Mask the personal data in the text of a Word document (what textcheck.docx_text reads).

    Each masked character is written into the ``w:t`` element it sits in, so run formatting is
    kept and a number split across runs is masked whole. Only the body is rewritten: a number in
    a header, footer, note, comment or text box (which docx_text reads after the body) is
    reported in ``missed``, so the item is returned for the editor to mask by hand. Raises
    ``ValueError`` for bytes that are not a readable .docx.
    """
    text = textcheck.docx_text(data)  # also refuses broken files, DTDs and old .doc files
    document = docx.Document(io.BytesIO(data))
    line = _join(list(_block_lines(document)), "\n")
    found = to_mask(check.check(text))
    if not found:
        return MaskedDocument(text, data=data)
    masked_text = textcheck.mask_text(text, found)
    changed = {i for i, (a, b) in enumerate(zip(text, masked_text, strict=True)) if a != b}
    body = "".join(c for c, _slot in line)
    if not text.startswith(body) or text[len(body) : len(body) + 1] not in ("", "\n"):
        return MaskedDocument(text, missed=_missed_at(found, changed), data=data)
    edits: dict[Any, list[str]] = {}
    unplaced: set[int] = set()
    for i in sorted(changed):
        slot = line[i][1] if i < len(line) else None  # past the body: not rewritten here
        if slot is None:
            unplaced.add(i)
            continue
        element, offset = slot
        chars = edits.setdefault(element, list(str(element)))
        chars[offset] = masked_text[i]
    for element, chars in edits.items():
        element.text = "".join(chars)
    buffer = io.BytesIO()
    document.save(buffer)
    rewritten = buffer.getvalue()
    missed = _missed_at(found, unplaced)
    if not missed and textcheck.docx_text(rewritten) != masked_text:
        missed = _missed_at(found, changed)
    if missed:
        return MaskedDocument(text, missed=missed, data=data)
    return MaskedDocument(masked_text, _counted(found), data=rewritten)
