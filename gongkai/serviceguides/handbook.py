"""办事一本通: the county's or one unit's published service guides compiled into one handbook.

Seeds 002 and 004 ask every county and township to "集成、优化、简化办事服务信息，汇总编制办事一本通，
并通过线上线下渠道向社会公开". The handbook is compiled here once (``compile_handbook``) and shown
two ways: as a Word document (``render_docx``; offices print it and pass it on) and as a web page
(the template banshi/handbook.html reads the same Handbook).

Guides are grouped by unit (departments, then townships, in the order of the organisation tree)
or by life event (生育, 上学, 就业, 创业, 养老, 医疗, 纳税, seed 001 item 12); a guide with several
life events appears under each, one with none under 其他.

The Word file has a cover, a real table of contents (a TOC field whose cached result already
lists every entry as a hyperlink to a bookmark on its heading, so it reads right before Word
updates fields; Word's 更新域 adds the page numbers), Heading 1/2 styles (Word's navigation pane),
each guide's elements in the standard order with the materials table, and page numbers in the
footer. Fonts are named for East Asian text (w:eastAsia) on the styles, as gongkai.official_docx
does for runs.

A built file is kept under MEDIA_ROOT/banshi/handbooks, named by a fingerprint of what it was
built from (the guides' ids, versions and update times, their materials, questions and life
events, the units' names): a changed guide gives a new fingerprint and a new file; an unchanged
selection is served from the file already built.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import logging
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.db.models import Count, Max, Q, QuerySet
from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

from gongkai import official_docx
from gongkai.core import clock
from gongkai.core.errors import GongkaiError
from gongkai.orgs.models import Unit, UnitKind
from gongkai.serviceguides import elements as el
from gongkai.serviceguides.elements import GuideElements, guide_elements, with_elements
from gongkai.serviceguides.models import (
    LifeEvent,
    Material,
    Question,
    ServiceItem,
    ServiceStatus,
)
from gongkai.serviceguides.public_selectors import public_guides

log = logging.getLogger(__name__)

GROUP_UNIT, GROUP_LIFE_EVENT = "unit", "life-event"
GROUPS = {GROUP_UNIT: "按单位编排", GROUP_LIFE_EVENT: "按人生事件编排"}
OTHER_EVENT, OTHER_EVENT_CODE = "其他", "other"
# Raised when the document's layout changes, so files built by the old code are not served.
LAYOUT_VERSION = 2
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

HEADING_FONT = official_docx.TITLE_FONT  # 黑体
SUBHEADING_FONT = "楷体"  # 二级标题 in 楷体, as county documents set them
BODY_SIZE = Pt(14)  # 四号: a handbook of hundreds of guides in 三号 would be twice as thick
TABLE_SIZE = Pt(12)  # 小四
ORDINALS = "一二三四五六七八九十"  # the elements are numbered 一、… as printed guides number them
# The materials table's columns: 15.6 cm, A4 less the official margins (official_docx.setup_page).
MATERIAL_WIDTHS_CM = [1.2, 4.4, 2.2, 2.2, 1.4, 1.6, 2.6]


class HandbookEmpty(GongkaiError):
    """No published guide falls within the selection: there is nothing to compile."""


class UnknownGroup(GongkaiError):
    """The grouping asked for is neither by unit nor by life event."""


@dataclass
class Entry:
    """One guide under one section. ``number`` is unique in the handbook: it names the heading's
    bookmark (and the web page's anchor), so a guide listed under two life events has two."""

    number: int
    guide: GuideElements
    # The heading: the guide's name, with its unit's where the section is not the unit (every
    # township has its own 生育登记).
    title: str = ""

    @property
    def anchor(self) -> str:
        return f"g{self.number}"

    @property
    def bookmark(self) -> str:
        # Word's own TOC bookmarks are hidden ones named _Toc + digits; ours look the same.
        return f"_Toc{self.number:09d}"


@dataclass
class Section:
    """A unit or a life event, with its guides."""

    number: int
    title: str
    entries: list[Entry] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"s{self.number}"

    @property
    def bookmark(self) -> str:
        return f"_Toc{self.number:09d}"


@dataclass
class Handbook:
    title: str
    issuer: str
    group: str
    unit: Unit | None
    compiled_on: dt.date
    sections: list[Section]
    guide_count: int

    @property
    def group_label(self) -> str:
        return GROUPS[self.group]

    @property
    def filename(self) -> str:
        return f"{self.title}（{self.group_label}）.docx"


# ------------------------------------------------------------------------------- selection


def check_group(group: str) -> str:
    """``group`` if it is one of GROUPS; UnknownGroup with a Chinese sentence otherwise."""
    if group not in GROUPS:
        choices = "、".join(f"{code}（{label}）" for code, label in GROUPS.items())
        raise UnknownGroup(
            f"编排方式“{group}”无效，请用 {choices}。", log=f"unknown handbook group {group!r}"
        )
    return group


def selected_guides(unit: Unit | None) -> QuerySet[ServiceItem]:
    """The published guides of ``unit`` (None: the whole county), in the public's order."""
    guides = public_guides()
    return guides.filter(unit=unit) if unit is not None else guides


def _published(prefix: str, unit: Unit | None) -> Q:
    condition = Q(**{f"{prefix}status": ServiceStatus.PUBLISHED})
    if unit is not None:
        condition &= Q(**{f"{prefix}unit": unit})
    return condition


def fingerprint(unit: Unit | None, group: str) -> str:
    """A digest of everything the handbook of ``unit`` and ``group`` is built from, read in a
    few light queries (no guide text): it changes when a guide is published, withdrawn, edited
    (version, update time), reordered, or its materials, questions or life events change, or a
    unit or life event is renamed."""
    check_group(group)
    guides = list(
        selected_guides(unit).values_list("pk", "version", "updated_at", "unit_id", "sort_order")
    )
    unit_ids = sorted({row[3] for row in guides})
    parts: dict[str, Any] = {
        "layout": LAYOUT_VERSION,
        "county": settings.GONGKAI_COUNTY_NAME,
        "scope": unit.code if unit is not None else "",
        "group": group,
        "guides": guides,
        "materials": Material.objects.filter(_published("service__", unit)).aggregate(
            n=Count("pk"), last=Max("updated_at")
        ),
        "questions": Question.objects.filter(_published("service__", unit)).aggregate(
            n=Count("pk"), last=Max("updated_at")
        ),
        "events": list(
            ServiceItem.life_events.through.objects.filter(_published("serviceitem__", unit))
            .order_by("serviceitem_id", "lifeevent_id")
            .values_list("serviceitem_id", "lifeevent_id")
        ),
        "event_names": list(
            LifeEvent.objects.order_by("pk").values_list("pk", "name", "sort_order", "updated_at")
        ),
        "units": list(
            Unit.objects.filter(pk__in=unit_ids)
            .order_by("pk")
            .values_list("pk", "name", "full_name", "updated_at")
        ),
    }
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()


def _county_issuer() -> str:
    county = Unit.objects.filter(kind=UnitKind.COUNTY).order_by("sort_order", "pk").first()
    return county.formal_name if county is not None else f"{settings.GONGKAI_COUNTY_NAME}人民政府"


def unit_title(unit: Unit) -> str:
    """The unit's name as a handbook's title starts: its full name, with 县 spelled out
    (县民政局 → 石城县民政局)."""
    name = unit.formal_name
    county = settings.GONGKAI_COUNTY_NAME
    if name.startswith("县") and not name.startswith(county):
        name = county + name[1:]
    return name


def compile_handbook(
    *, unit: Unit | None, group: str, compiled_on: dt.date | None = None
) -> Handbook:
    """The handbook of ``unit``'s (None: the county's) published guides grouped by ``group``.

    Raises UnknownGroup for a bad group and HandbookEmpty when no published guide is selected.
    Reads every guide with its elements in four queries.
    """
    check_group(group)
    guides = [guide_elements(g) for g in with_elements(selected_guides(unit))]
    if not guides:
        where = unit_title(unit) if unit is not None else settings.GONGKAI_COUNTY_NAME
        raise HandbookEmpty(
            f"{where}还没有已发布的办事指南，无法编制办事一本通。请先发布办事指南。",
            log=f"no published guides for {unit.code if unit else 'the county'}",
        )
    sections = _by_unit(guides) if group == GROUP_UNIT else _by_life_event(guides)
    number = 0
    for section in sections:
        number += 1
        section.number = number
        for entry in section.entries:
            number += 1
            entry.number = number
    if unit is None:
        title, issuer = f"{settings.GONGKAI_COUNTY_NAME}办事一本通", _county_issuer()
    else:
        title, issuer = f"{unit_title(unit)}办事一本通", unit_title(unit)
    return Handbook(
        title=title,
        issuer=issuer,
        group=group,
        unit=unit,
        compiled_on=compiled_on or clock.today(),
        sections=sections,
        guide_count=len(guides),
    )


def _by_unit(guides: list[GuideElements]) -> list[Section]:
    """One section a unit, in the guides' order (units in tree order)."""
    sections: list[Section] = []
    last_unit = None
    for guide in guides:
        if guide.service.unit_id != last_unit:
            sections.append(Section(0, unit_title(guide.service.unit)))
            last_unit = guide.service.unit_id
        sections[-1].entries.append(Entry(0, guide, guide.name))
    return sections


def _by_life_event(guides: list[GuideElements]) -> list[Section]:
    """One section a life event that has guides, in the events' order; a guide appears under
    each of its events, one without any under 其他."""
    events = list(LifeEvent.objects.order_by("sort_order", "code"))
    by_event: dict[int, Section] = {event.pk: Section(0, event.name) for event in events}
    other = next((by_event[e.pk] for e in events if e.code == OTHER_EVENT_CODE), None)
    if other is None:
        other = Section(0, OTHER_EVENT)
    for guide in guides:
        title = f"{guide.name}（{guide.service.unit.name}）"
        if not guide.life_events:
            other.entries.append(Entry(0, guide, title))
        for event in guide.life_events:
            by_event[event.pk].entries.append(Entry(0, guide, title))
    ordered = [by_event[event.pk] for event in events]
    if other not in ordered:
        ordered.append(other)
    return [section for section in ordered if section.entries]


# ------------------------------------------------------------------------------- Word


def _text_run(text: str, *, bold: bool = False) -> Any:
    run = OxmlElement("w:r")
    if bold:
        properties = OxmlElement("w:rPr")
        properties.append(OxmlElement("w:b"))
        run.append(properties)
    node = OxmlElement("w:t")
    node.text = text
    node.set(qn("xml:space"), "preserve")
    run.append(node)
    return run


def _field_char(kind: str) -> Any:
    run = OxmlElement("w:r")
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    run.append(char)
    return run


def _instruction(text: str) -> Any:
    run = OxmlElement("w:r")
    node = OxmlElement("w:instrText")
    node.set(qn("xml:space"), "preserve")
    node.text = text
    run.append(node)
    return run


def _bookmark(p: Any, name: str, number: int) -> None:
    """Wrap the paragraph's (``w:p``, with its pPr) runs in bookmark ``name`` (the TOC's
    hyperlinks point at it)."""
    p.insert(1, _element("w:bookmarkStart", {"w:id": str(number), "w:name": name}))
    p.append(_element("w:bookmarkEnd", {"w:id": str(number)}))


def _style_fonts(style: Any, font: str, size: Any, *, bold: bool | None = None) -> None:
    official_docx.name_fonts(style.element.get_or_add_rPr(), font)
    style.font.size = size
    style.font.color.rgb = RGBColor(0, 0, 0)
    if bold is not None:
        style.font.bold = bold


def _paragraph_style(document: Any, name: str, base: str = "Normal") -> Any:
    styles = document.styles
    if name in [s.name for s in styles]:
        return styles[name]
    style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = styles[base]
    return style


@dataclass
class _Styles:
    """The style ids the body is written with (and the cover's style, used by python-docx)."""

    normal: str
    heading1: str
    heading2: str
    label: str
    table: str
    note: str
    toc1: str
    toc2: str
    toc_heading: str
    grid: str
    cover: Any


def _setup_styles(document: Any) -> _Styles:
    """Name the fonts outright on the document defaults and every style used, dropping the
    template's theme fonts (which Word and WPS would prefer to the named ones)."""
    official_docx.setup_page(document, line=None)
    defaults = document.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr = defaults.find(qn("w:rPrDefault") + "/" + qn("w:rPr"))
        if rpr is not None:
            official_docx.name_fonts(rpr, official_docx.BODY_FONT)
    styles = document.styles
    normal = styles["Normal"]
    _style_fonts(normal, official_docx.BODY_FONT, BODY_SIZE)
    normal.paragraph_format.space_after = Pt(4)
    normal.paragraph_format.line_spacing = 1.3
    heading1 = styles["Heading 1"]
    _style_fonts(heading1, HEADING_FONT, Pt(18), bold=False)
    heading1.paragraph_format.page_break_before = True
    heading1.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading1.paragraph_format.space_before = Pt(0)
    heading1.paragraph_format.space_after = Pt(18)
    heading2 = styles["Heading 2"]
    _style_fonts(heading2, HEADING_FONT, Pt(16), bold=False)
    heading2.paragraph_format.space_before = Pt(18)
    heading2.paragraph_format.space_after = Pt(8)
    label = _paragraph_style(document, "一本通要素")
    _style_fonts(label, SUBHEADING_FONT, BODY_SIZE, bold=True)
    label.paragraph_format.keep_with_next = True
    label.paragraph_format.space_before = Pt(6)
    table = _paragraph_style(document, "一本通表格")
    _style_fonts(table, official_docx.BODY_FONT, TABLE_SIZE)
    table.paragraph_format.space_after = Pt(0)
    table.paragraph_format.line_spacing = 1.0
    # Word's built-in names for the TOC's levels, so its 更新域 keeps using them.
    toc1 = _paragraph_style(document, "toc 1")
    _style_fonts(toc1, HEADING_FONT, BODY_SIZE)
    toc1.paragraph_format.space_before = Pt(6)
    toc2 = _paragraph_style(document, "toc 2")
    _style_fonts(toc2, official_docx.BODY_FONT, BODY_SIZE)
    toc2.paragraph_format.left_indent = Pt(28)
    toc2.paragraph_format.space_after = Pt(0)
    cover = _paragraph_style(document, "一本通封面")
    _style_fonts(cover, HEADING_FONT, Pt(16))
    cover.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for name in ("Title", "TOC Heading"):
        _style_fonts(styles[name], HEADING_FONT, Pt(22))
    styles["TOC Heading"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return _Styles(
        normal=normal.style_id,
        heading1=heading1.style_id,
        heading2=heading2.style_id,
        label=label.style_id,
        table=table.style_id,
        note=table.style_id,
        toc1=toc1.style_id,
        toc2=toc2.style_id,
        toc_heading=styles["TOC Heading"].style_id,
        grid=styles["Table Grid"].style_id,
        cover=cover,
    )


def _cover(document: Any, handbook: Handbook, styles: _Styles) -> None:
    for _ in range(7):
        document.add_paragraph(style=styles.cover)
    title = document.add_paragraph(style=styles.cover)
    run = title.add_run(handbook.title)
    run.font.size = Pt(36)  # 小初
    subtitle = document.add_paragraph(f"（{handbook.group_label}）", style=styles.cover)
    subtitle.paragraph_format.space_before = Pt(18)
    count = document.add_paragraph(
        f"共收录政务服务事项{handbook.guide_count}项", style=styles.cover
    )
    count.paragraph_format.space_before = Pt(12)
    for _ in range(8):
        document.add_paragraph(style=styles.cover)
    on = handbook.compiled_on
    document.add_paragraph(handbook.issuer, style=styles.cover)
    document.add_paragraph(f"编印日期：{on.year}年{on.month}月{on.day}日", style=styles.cover)


def _toc(body: _Body, handbook: Handbook) -> None:
    """The TOC field: its cached result already lists every heading as a hyperlink to the
    heading's bookmark, so Word, WPS and LibreOffice show it without updating fields."""
    body.add(body.styles.toc_heading, "目  录")
    lines: list[tuple[str, str, str]] = []
    for section in handbook.sections:
        lines.append((body.styles.toc1, section.title, section.bookmark))
        for entry in section.entries:
            lines.append((body.styles.toc2, entry.title, entry.bookmark))
    for index, (style, text, bookmark) in enumerate(lines):
        p = body.add(style)
        if index == 0:
            p.append(_field_char("begin"))
            p.append(_instruction(' TOC \\o "1-2" \\h \\z \\u '))
            p.append(_field_char("separate"))
        link = OxmlElement("w:hyperlink")
        link.set(qn("w:anchor"), bookmark)
        link.set(qn("w:history"), "1")
        link.append(_text_run(text))
        p.append(link)
        if index == len(lines) - 1:
            p.append(_field_char("end"))
    body.add(
        body.styles.note,
        "注：在 Word 中右键目录选择“更新域”可显示页码；按住 Ctrl 单击目录条目可跳转到该事项。",
    )


def _page_numbers(section: Any) -> None:
    """— 1 — centred at the foot of every page (GB/T 9704's 页码 in 四号 宋体)."""
    footer = section.footer
    footer.is_linked_to_previous = False
    paragraph = footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p = paragraph._p
    p.append(_text_run("— "))
    p.append(_field_char("begin"))
    p.append(_instruction(" PAGE "))
    p.append(_field_char("separate"))
    p.append(_text_run("1"))
    p.append(_field_char("end"))
    p.append(_text_run(" —"))
    for run in p.iter(qn("w:r")):
        rpr = OxmlElement("w:rPr")
        fonts = OxmlElement("w:rFonts")
        for attribute in ("w:ascii", "w:hAnsi", "w:cs"):
            fonts.set(qn(attribute), official_docx.LATIN_FONT)
        fonts.set(qn("w:eastAsia"), "宋体")
        size = OxmlElement("w:sz")
        size.set(qn("w:val"), "28")
        rpr.append(fonts)
        rpr.append(size)
        run.insert(0, rpr)
    start = OxmlElement("w:pgNumType")
    start.set(qn("w:start"), "1")
    section._sectPr.append(start)


class _Body:
    """Appends paragraphs and tables to the document body as XML.

    python-docx looks a style up among all styles on every ``paragraph.style = …`` (2,000
    guides took minutes); the handbook's body is written here with the style ids resolved once.
    """

    def __init__(self, document: Any, styles: _Styles) -> None:
        self.styles = styles
        self._end = document.element.body.sectPr  # new blocks go before the body's sectPr

    def add(self, style_id: str, text: str = "", *, bold: bool = False) -> Any:
        p = OxmlElement("w:p")
        properties = OxmlElement("w:pPr")
        style = OxmlElement("w:pStyle")
        style.set(qn("w:val"), style_id)
        properties.append(style)
        p.append(properties)
        if text:
            p.append(_text_run(text, bold=bold))
        self._end.addprevious(p)
        return p

    def text(self, text: str, style_id: str) -> None:
        for line in text.splitlines() or [""]:
            self.add(style_id, line.strip())

    def table(self, rows: list[list[str]], widths_cm: list[float]) -> None:
        """A grid table with a header row repeated on every page and rows kept whole."""
        widths = [str(round(width * 567)) for width in widths_cm]  # twips
        table = OxmlElement("w:tbl")
        properties = OxmlElement("w:tblPr")
        for tag, attributes in (
            ("w:tblStyle", {"w:val": self.styles.grid}),
            ("w:tblW", {"w:w": str(sum(map(int, widths))), "w:type": "dxa"}),
            ("w:tblLayout", {"w:type": "fixed"}),
        ):
            properties.append(_element(tag, attributes))
        table.append(properties)
        grid = OxmlElement("w:tblGrid")
        for width in widths:
            grid.append(_element("w:gridCol", {"w:w": width}))
        table.append(grid)
        for number, values in enumerate(rows):
            row = OxmlElement("w:tr")
            row_properties = OxmlElement("w:trPr")
            if number == 0:
                row_properties.append(_element("w:tblHeader", {"w:val": "true"}))
            else:
                row_properties.append(_element("w:cantSplit", {"w:val": "true"}))
            row.append(row_properties)
            for value, width in zip(values, widths, strict=True):
                cell = OxmlElement("w:tc")
                cell_properties = OxmlElement("w:tcPr")
                cell_properties.append(_element("w:tcW", {"w:w": width, "w:type": "dxa"}))
                cell.append(cell_properties)
                p = _paragraph(self.styles.table, value, bold=number == 0)
                if number == 0:
                    p.find(qn("w:pPr")).append(_element("w:keepNext", {}))
                cell.append(p)
                row.append(cell)
            table.append(row)
        self._end.addprevious(table)


def _element(tag: str, attributes: dict[str, str]) -> Any:
    element = OxmlElement(tag)
    for name, value in attributes.items():
        element.set(qn(name), value)
    return element


def _paragraph(style_id: str, text: str, *, bold: bool = False) -> Any:
    p = OxmlElement("w:p")
    properties = OxmlElement("w:pPr")
    properties.append(_element("w:pStyle", {"w:val": style_id}))
    p.append(properties)
    if text:
        p.append(_text_run(text, bold=bold))
    return p


def _guide(body: _Body, entry: Entry) -> None:
    guide = entry.guide
    service = guide.service
    styles = body.styles
    heading = body.add(styles.heading2, entry.title)
    _bookmark(heading, entry.bookmark, entry.number)
    meta = [f"实施主体：{unit_title(service.unit)}", f"事项类型：{service.get_kind_display()}"]
    if service.code:
        meta.append(f"事项编码：{service.code}")
    if guide.life_events:
        meta.append("适用情形：" + "、".join(event.name for event in guide.life_events))
    body.add(styles.note, "　".join(meta))
    for ordinal, label in zip(ORDINALS, el.ELEMENT_LABELS, strict=False):
        body.add(styles.label, f"{ordinal}、{label}")
        if label == el.MATERIALS:
            if guide.materials:
                rows = [el.MATERIAL_HEADERS] + [row.cells for row in guide.materials]
                body.table(rows, MATERIAL_WIDTHS_CM)
            else:
                body.add(styles.normal, "无需提交材料。")
        elif label == el.PROCESS:
            steps = guide.steps or [el.MISSING]
            for number, step in enumerate(steps, start=1):
                body.add(styles.normal, f"{number}. {step}")
        elif label == el.QUESTIONS:
            if not guide.questions:
                body.add(styles.normal, "暂无。")
            for number, question in enumerate(guide.questions, start=1):
                body.add(styles.normal, f"{number}. 问：{question.question}", bold=True)
                body.text(f"答：{question.answer}", styles.normal)
        else:
            body.text(guide.texts[label], styles.normal)


def render_docx(handbook: Handbook) -> bytes:
    """The handbook as a Word document (.docx)."""
    document = Document()
    styles = _setup_styles(document)
    properties = document.core_properties
    properties.title = handbook.title
    properties.author = handbook.issuer
    properties.subject = handbook.group_label
    _cover(document, handbook, styles)
    _page_numbers(document.add_section(WD_SECTION.NEW_PAGE))
    body = _Body(document, styles)
    _toc(body, handbook)
    for section in handbook.sections:
        heading = body.add(styles.heading1, section.title)
        _bookmark(heading, section.bookmark, section.number)
        for entry in section.entries:
            _guide(body, entry)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# ------------------------------------------------------------------------------- the cache


def cache_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "banshi" / "handbooks"


@dataclass
class BuiltHandbook:
    path: Path
    filename: str
    fresh: bool  # built by this call (False: served from the cache)


def _cache_prefix(unit: Unit | None, group: str) -> str:
    # Unit codes are [A-Z0-9]+: no prefix of one unit's is another's.
    return f"{unit.code if unit is not None else 'county'}-{group}-"


def _cached_name(unit: Unit | None, group: str, digest: str) -> str:
    return f"{_cache_prefix(unit, group)}{digest[:24]}.docx"


def _meta_path(path: Path) -> Path:
    return path.with_suffix(".json")


def handbook_docx(*, unit: Unit | None, group: str) -> BuiltHandbook:
    """The Word handbook of ``unit`` (None: the county) and ``group``, built when its guides
    changed since the last build and read from the cache otherwise.

    Raises UnknownGroup or HandbookEmpty. Older files of the same unit and group are removed
    when a new one is written; the write goes through a temporary file and a rename, so a
    reader never sees half a document.
    """
    digest = fingerprint(unit, group)
    folder = cache_dir()
    path = folder / _cached_name(unit, group, digest)
    meta = _meta_path(path)
    if path.is_file() and meta.is_file():
        try:
            filename = json.loads(meta.read_text(encoding="utf-8"))["filename"]
            return BuiltHandbook(path=path, filename=filename, fresh=False)
        except (OSError, ValueError, KeyError):
            log.warning("handbook cache entry %s is unreadable; rebuilding", meta)
    handbook = compile_handbook(unit=unit, group=group)
    data = render_docx(handbook)
    folder.mkdir(parents=True, exist_ok=True)
    _replace(path, data)
    _replace(meta, json.dumps({"filename": handbook.filename}, ensure_ascii=False).encode())
    for old in folder.glob(f"{_cache_prefix(unit, group)}*"):
        if old not in (path, meta):
            old.unlink(missing_ok=True)
    log.info("built handbook %s (%d guides, %d bytes)", path.name, handbook.guide_count, len(data))
    return BuiltHandbook(path=path, filename=handbook.filename, fresh=True)


def open_handbook_docx(*, unit: Unit | None, group: str) -> tuple[BinaryIO, BuiltHandbook]:
    """handbook_docx, with the file opened at once: a build of a newer selection in another
    process removes older files, so a file found a moment ago may be gone; it is then looked up
    (or built) once more."""
    built = handbook_docx(unit=unit, group=group)
    try:
        return built.path.open("rb"), built
    except FileNotFoundError:
        log.info("handbook %s was replaced meanwhile; looking again", built.path.name)
    built = handbook_docx(unit=unit, group=group)
    return built.path.open("rb"), built


def _replace(path: Path, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
