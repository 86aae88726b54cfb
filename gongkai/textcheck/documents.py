"""Text of Word (.docx) and Excel (.xlsx) files, so an attachment is checked like a body text.

Everything that is shown when the file is opened is read: in a .docx the body (paragraphs and
tables, in order), then headers, footers, footnotes, endnotes, comments and text boxes; in an
.xlsx every cell of every sheet (shared and inline strings, numbers as written), cell comments,
sheet headers and footers and text in drawings. What goes public is checked, or the file is
refused: never accepted unchecked.

Files are untrusted. Every XML part is read with defusedxml (no DTD, no entities) and streamed,
so a broken part or a DTD refuses the file (``DocumentError``); the XML read is capped
(``MAX_XML_BYTES``) and so is the text returned (``max_chars``, by default ``MAX_TEXT_CHARS``):
past it ``TooMuchText`` is raised rather than the text cut, since a cut text would pass the check
unread. The caller is expected to have refused zip bombs and macros already (gongkai.core.zipguard, which needs Django);
the unpacked-size check here is a last guard for callers without it (``gongkai textcheck``).
Each error carries ``message``, a Chinese sentence for people.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from typing import IO, Any
from xml.etree.ElementTree import Element, ParseError
from xml.parsers import expat

import defusedxml.ElementTree as safe_xml
import docx
from defusedxml import DefusedXmlException, DTDForbidden
from docx.opc.exceptions import OpcError

# A last guard against zip bombs for callers that do not run gongkai.core.zipguard first.
MAX_UNPACKED_BYTES = 64 * 1024 * 1024
# XML read from one file, all parts together. Measured (bench/attachments.py): a 300-page notice
# is 1.7 MB of XML, a Word table of 5,000 people (name, ID, village, amount) 2.8 MB, the same list
# as an .xlsx 1.2 MB. 16 MB is over five times the long list; python-docx holds the body as a
# tree several times its XML, so this also bounds memory (and reading time: about 0.3 s per MB).
MAX_XML_BYTES = 16 * 1024 * 1024
# Text returned by default: about 1,000 pages of dense Chinese, six times the 300-page notice or
# the 5,000-person list (170,000-180,000 characters each); the checker reads 1,000,000 characters
# in 0.05-0.9 s (bench/results/textcheck.json) and the row stays a few MB.
MAX_TEXT_CHARS = 1_000_000

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
S = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
A_T = "{http://schemas.openxmlformats.org/drawingml/2006/main}t"
# Run content python-docx reads as text (str() of each gives its text), in document order.
_RUN_CONTENT = tuple(W + n for n in ("br", "cr", "noBreakHyphen", "ptab", "t", "tab"))
# Run content shown as a character, besides the text of w:t, in parts read without python-docx.
_RUN_CHARS = {W + "tab": "\t", W + "br": "\n", W + "cr": "\n", W + "noBreakHyphen": "-"}
# Parts of a .docx besides the body whose text is shown: headers, footers, notes, comments.
# Parts are found by name, not through the relationships, so a part no relationship names is
# read too (better checked than not); names vary between Word, WPS and other writers.
_DOCX_PARTS = re.compile(r"word/(header|footer|footnotes|endnotes|comments)[^/]*\.xml")
# SmartArt, charts and drawings hold their text in DrawingML a:t elements.
_DRAWING_PARTS = re.compile(r"(word|xl)/(diagrams|charts|drawings)/[^/]+\.xml")
_SHEET = re.compile(r"xl/worksheets/[^/]*?(\d*)\.xml")
_XLSX_EXTRA = re.compile(r"xl/comments[^/]*\.xml")
_HEADER_FOOTER = {S + n for n in ("oddHeader", "oddFooter", "evenHeader", "evenFooter")}
_HEADER_FOOTER |= {S + "firstHeader", S + "firstFooter"}


class DocumentError(ValueError):
    """The file cannot be read safely; ``message`` says so in Chinese, ``str()`` in English."""

    def __init__(self, log: str, message: str) -> None:
        super().__init__(log)
        self.message = message


class TooMuchText(DocumentError):
    """The file holds more text than ``max_chars``: refused, not cut, so nothing goes unchecked."""


class _Text:
    """Lines of text, refusing once they pass ``limit`` characters."""

    def __init__(self, limit: int, what: str) -> None:
        self.lines: list[str] = []
        self.size = 0
        self.limit = limit
        self.what = what

    def add(self, line: str) -> None:
        self.count(len(line) + 1)
        self.lines.append(line)

    def count(self, size: int) -> None:
        self.size += size
        if self.size > self.limit:
            raise TooMuchText(
                f"{self.what} holds more than {self.limit} characters of text",
                f"{self.what}中的文字超过{self.limit / 10000:g}万字，无法完成发布前检查；"
                "请拆分为几个较小的文件后分别上传。",
            )

    def text(self) -> str:
        return "\n".join(self.lines)


class _Budget:
    """The XML bytes still allowed to be read from one file (``MAX_XML_BYTES`` in all)."""

    def __init__(self, what: str) -> None:
        self.left = MAX_XML_BYTES
        self.what = what

    def take(self, info: zipfile.ZipInfo) -> None:
        self.left -= info.file_size
        if self.left < 0:
            raise DocumentError(
                f"{self.what}: XML parts over {MAX_XML_BYTES} bytes",
                f"{self.what}的内容过大（超过{MAX_XML_BYTES // 1048576}MB），无法检查；"
                "请拆分为几个较小的文件后分别上传。",
            )


def _broken(what: str, exc: Exception) -> DocumentError:
    if isinstance(exc, DefusedXmlException):
        return DocumentError(
            f"{what}: refused XML: {exc!r}",
            f"{what}中含有DTD或实体声明，Office正常保存的文件没有这些内容，为安全起见不接收；"
            "请用Office或WPS打开后另存，再重新上传。",
        )
    return DocumentError(
        f"{what}: not a .docx or .xlsx document (Office 2007+), or not readable: {exc}",
        f"{what}已损坏或不是有效的文件，无法检查其中的文字；请用Office或WPS打开后另存，再重新上传。",
    )


def _open(data: bytes, what: str) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _broken(what, exc) from exc
    if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
        archive.close()
        raise DocumentError(
            f"{what} would unpack to more than {MAX_UNPACKED_BYTES} bytes",
            f"{what}解压后过大，为安全起见不接收。",
        )
    return archive


def _events(stream: IO[bytes]) -> Iterator[tuple[str, Element, Element | None]]:
    """Start and end events of a streamed XML part, with each element's parent; no DTD, no
    entities. A caller that is done with an element at its end removes it from its parent, so
    memory holds only the path being read."""
    path: list[Element] = []
    for event, element in safe_xml.iterparse(stream, events=("start", "end"), forbid_dtd=True):
        if event == "start":
            path.append(element)
            yield event, element, path[-2] if len(path) > 1 else None
        else:
            path.pop()
            yield event, element, path[-1] if path else None


def _check_xml(stream: IO[bytes]) -> None:
    """Parse a part only to refuse a DTD, an entity or broken XML: expat in C, nothing kept."""
    parser = expat.ParserCreate()

    def refuse(*args: Any) -> Any:
        raise DTDForbidden(str(args[0]) if args else "", None, None)

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    try:
        parser.ParseFile(stream)
    except expat.ExpatError as exc:
        raise ParseError(str(exc)) from exc


def _paragraph_text(p: Element) -> str:
    parts: list[str] = []
    for el in p.iter():
        if el.tag == W + "t":
            parts.append(el.text or "")
        elif el.tag in _RUN_CHARS:
            parts.append(_RUN_CHARS[el.tag])
    return "".join(parts)


def _word_part(stream: IO[bytes], out: _Text) -> None:
    """Add the paragraphs of a header, footer, notes or comments part, one a line.

    A paragraph inside a text box ends before the paragraph holding the box, and is removed once
    read, so its text is never read twice; the VML copy of a text box (``mc:Fallback``) is skipped.
    """
    fallback = 0
    for event, el, parent in _events(stream):
        if el.tag == MC_FALLBACK:
            fallback += 1 if event == "start" else -1
        elif event == "end" and el.tag == W + "p":
            if not fallback:
                line = _paragraph_text(el)
                if line.strip():
                    out.add(line)
            if parent is not None:
                parent.remove(el)


def _drawing_text(stream: IO[bytes], out: _Text) -> None:
    """Add the text runs of a drawing, chart, SmartArt or Excel comments part, one a line."""
    for event, el, parent in _events(stream):
        if event == "end" and el.tag in (A_T, S + "t"):
            if el.text and el.text.strip():
                out.add(el.text)
            if parent is not None:
                parent.remove(el)


class _Body:
    """The body's text as python-docx reads it (``Paragraph.text``, tables row by row with a
    merged cell read once), then everything python-docx leaves out.

    Read straight from the lxml tree python-docx parsed: python-docx compiles an XPath per
    paragraph and per row, five times slower on a long table. The body lines must stay exactly
    what gongkai.publications.masking rewrites (its ``_block_lines`` uses python-docx); the tests
    compare both. ``left_out`` then gives the text python-docx does not read: text boxes, and
    text wrapped in tracked insertions (``w:ins``), content controls (``w:sdt``), smart tags or
    simple fields, which Word shows and which would otherwise go public unchecked.
    """

    def __init__(self, body: Any) -> None:
        self.body = body
        self.read: set[Any] = set()  # the w:t elements read; held, so lxml keeps their proxies

    def lines(self, container: Any = None) -> Iterator[str]:
        for block in (self.body if container is None else container).iterchildren(
            W + "p", W + "tbl"
        ):
            if block.tag == W + "p":
                yield self._paragraph(block)
            else:
                yield from self._table(block)

    def _paragraph(self, p: Any) -> str:
        parts: list[str] = []
        for run in p.iterchildren(W + "r", W + "hyperlink"):
            runs = run.iterchildren(W + "r") if run.tag == W + "hyperlink" else (run,)
            for r in runs:
                for child in r.iterchildren(*_RUN_CONTENT):
                    if child.tag == W + "t":
                        self.read.add(child)
                    parts.append(str(child))
        return "".join(parts)

    def _table(self, table: Any) -> Iterator[str]:
        for row in table.iterchildren(W + "tr"):
            cells: list[str] = []
            for tc in row.iterchildren(W + "tc"):
                # python-docx gives a vertically merged cell's later rows as the first row's
                # cell, and a horizontally merged one once per column: read each once.
                if tc.vMerge == "continue":
                    continue
                cells.append("\n".join(self.lines(tc)))
            yield "\t".join(cells)

    def left_out(self) -> Iterator[str]:
        """Paragraphs of text boxes, then the text python-docx left out of each paragraph."""
        boxed: list[Any] = []
        for p in self.body.iter(W + "p"):
            ancestors = {a.tag for a in p.iterancestors()}
            if W + "txbxContent" in ancestors:
                boxed.append(p)
                if MC_FALLBACK not in ancestors:
                    line = _paragraph_text(p)
                    if line.strip():
                        yield line
        for p in boxed:
            self.read.update(p.iter(W + "t"))
        for p in self.body.iter(W + "p"):
            missed = [t for t in p.iter(W + "t") if t not in self.read]
            self.read.update(missed)
            line = "".join(t.text or "" for t in missed)
            if line.strip():
                yield line


def docx_text(data: bytes, *, max_chars: int | None = None, what: str = "Word文件") -> str:
    """Return the text of a .docx: the body first, then the text shown elsewhere.

    The body (paragraphs and tables in document order; paragraphs and table rows separated by
    newlines, the cells of a row by TABs, so a number in one cell never runs into the next) comes
    first (what gongkai.publications.masking rewrites); then text boxes, headers, footers, footnotes, endnotes and
    comments, one paragraph a line. Raises ``DocumentError`` for bytes that are not a readable
    .docx (an old binary .doc, broken XML, a DTD) and ``TooMuchText`` past ``max_chars``.
    """
    limit = MAX_TEXT_CHARS if max_chars is None else max_chars
    out = _Text(limit, what)
    budget = _Budget(what)
    with _open(data, what) as archive:
        names = archive.namelist()
        if "word/document.xml" not in names:
            raise _broken(what, KeyError("word/document.xml"))
        extra: list[str] = []
        try:
            # Every XML part is read once first, refusing DTDs and entities: a DTD or broken
            # XML anywhere refuses the file before python-docx (lxml) parses it.
            for info in archive.infolist():
                if not info.filename.endswith((".xml", ".rels")):
                    continue
                budget.take(info)
                with archive.open(info) as stream:
                    if _DOCX_PARTS.fullmatch(info.filename):
                        part = _Text(limit, what)
                        _word_part(stream, part)
                        extra.extend(part.lines)
                    elif _DRAWING_PARTS.fullmatch(info.filename):
                        part = _Text(limit, what)
                        _drawing_text(stream, part)
                        extra.extend(part.lines)
                    else:
                        _check_xml(stream)
            document = docx.Document(io.BytesIO(data))
        except DocumentError:
            raise
        except (ValueError, SyntaxError, OpcError, zipfile.BadZipFile, KeyError, OSError) as exc:
            # ParseError is a SyntaxError, defusedxml's refusals are ValueErrors.
            raise _broken(what, exc) from exc
    body = _Body(document.element.body)
    for line in body.lines():
        out.add(line)
    for line in body.left_out():
        out.add(line)
    for line in extra:
        out.add(line)
    return out.text()


def _shared_strings(stream: IO[bytes], limit: _Text) -> list[str]:
    """The shared strings, refused past the text limit (they are what the cells show)."""
    strings: list[str] = []
    for event, el, parent in _events(stream):
        if event == "end" and el.tag == S + "si":
            # Phonetic guides (rPh) are not shown in the cell.
            phonetic = {t for rph in el.iter(S + "rPh") for t in rph.iter(S + "t")}
            text = "".join(t.text or "" for t in el.iter(S + "t") if t not in phonetic)
            limit.count(len(text))
            strings.append(text)
            if parent is not None:
                parent.remove(el)
    return strings


def _sheet(stream: IO[bytes], strings: list[str], out: _Text) -> None:
    cells: list[str] = []
    for event, el, parent in _events(stream):
        if event != "end":
            continue
        tag = el.tag
        if tag == S + "c":
            kind = el.get("t")
            value = el.find(S + "v")
            if kind == "inlineStr":
                text = "".join(t.text or "" for t in el.iter(S + "t"))
            elif value is None or value.text is None:
                text = ""
            elif kind == "s":
                try:
                    text = strings[int(value.text)]
                except (ValueError, IndexError) as exc:
                    raise ParseError(f"bad shared string index {value.text!r}") from exc
            else:
                text = value.text
            if text:
                cells.append(text)
        elif tag == S + "row":
            if cells:
                out.add("\t".join(cells))
            cells = []
            if parent is not None:
                parent.remove(el)
        elif tag in _HEADER_FOOTER and el.text:
            out.add(el.text)


def xlsx_text(data: bytes, *, max_chars: int | None = None, what: str = "Excel文件") -> str:
    """Return the text of an .xlsx: every sheet's cells, a row a line, cells joined by TABs.

    Then cell comments and text in drawings (text boxes). Numbers are taken as written in the
    file, so a mobile or bank-card number typed as a number is checked too. Read by streaming
    the XML (never openpyxl's whole workbook). Raises ``DocumentError`` for a file that is not a
    readable .xlsx and ``TooMuchText`` past ``max_chars``.
    """
    limit = MAX_TEXT_CHARS if max_chars is None else max_chars
    out = _Text(limit, what)
    budget = _Budget(what)
    with _open(data, what) as archive:
        infos = {info.filename: info for info in archive.infolist()}
        if "xl/workbook.xml" not in infos:
            raise _broken(what, KeyError("xl/workbook.xml"))
        try:
            strings: list[str] = []
            if "xl/sharedStrings.xml" in infos:
                budget.take(infos["xl/sharedStrings.xml"])
                with archive.open("xl/sharedStrings.xml") as stream:
                    strings = _shared_strings(stream, _Text(limit, what))
            sheets = sorted(
                (int(m.group(1) or 0), name) for name in infos if (m := _SHEET.fullmatch(name))
            )
            for _number, name in sheets:
                budget.take(infos[name])
                with archive.open(name) as stream:
                    _sheet(stream, strings, out)
            for name, info in infos.items():
                if name in {"xl/sharedStrings.xml"} or _SHEET.fullmatch(name):
                    continue
                if not name.endswith((".xml", ".rels")):
                    continue
                budget.take(info)
                with archive.open(name) as stream:
                    if _XLSX_EXTRA.fullmatch(name) or _DRAWING_PARTS.fullmatch(name):
                        _drawing_text(stream, out)
                    else:
                        _check_xml(stream)
        except DocumentError:
            raise
        except (ValueError, SyntaxError, zipfile.BadZipFile, KeyError, OSError) as exc:
            raise _broken(what, exc) from exc
    return out.text()
