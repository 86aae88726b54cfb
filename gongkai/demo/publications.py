"""Publish the demo county's government information, so the portal, search, the catalog pages and
the monthly figures have something realistic to show (issue 3).

``load_publications`` (called by ``gongkai demo``) loads three things:

- the five seeds (``data/seeds/*.txt``, public documents copied verbatim) as published items with
  their real metadata: seed 002 keeps its own 索引号 QZ05904-1700-2020-00028 and 文号 宝政〔2020〕58号,
  seed 001 its 文号 〔2022〕49号 …; their text, hard-wrapped by PDF extraction, is turned back into
  paragraphs (``text_blocks``);
- about three thousand items generated from ``data/publications.json`` over the current and the
  previous year, spread over the units as in seed 003's monthly report, filed under each unit's
  public catalog items, some published late (条例第26条), normative documents of each validity, a
  monthly report counting the generated items themselves. Generation is deterministic for a given
  day (``random.Random`` seeded from the data file);
- a few items walked through the real workflow by the demo staff: drafts, a submitted item, one
  stopped by an unmasked ID number, a returned one, a withdrawn one, one retained (不予公开) whose
  periodic review is due, and two villages' subsidy payout lists imported from an Excel workbook.

Seeds and generated items go in through ``archive_import``: in bulk, keeping their dates, 文号 and
索引号, after the same checks before publishing as new items. The workflow items go through
``gongkai.publications.services`` like any editor's. Idempotent: seeds and generated items are
skipped once seed 002's index number exists, and each workflow item once its title exists.
"""

from __future__ import annotations

import bisect
import datetime as dt
import io
import json
import random
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, cast

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.html import escape
from openpyxl import Workbook

from gongkai.catalog import selectors as catalog_selectors
from gongkai.catalog.models import CatalogItem, Domain
from gongkai.core import clock
from gongkai.core.errors import ValidationFailed
from gongkai.orgs.models import Unit, UnitKind, User
from gongkai.publications import services, subsidies
from gongkai.publications.archive import ArchiveItem, archive_import
from gongkai.publications.models import (
    Attribute,
    Column,
    DocKind,
    Publication,
    TopicCategory,
    Validity,
)
from gongkai.textcheck import id_check_character
from gongkai.workdays.selectors import calendar

DATA_DIR = Path(__file__).resolve().parent / "data"
SEEDS_DIR = DATA_DIR / "seeds"
SEED_002_INDEX_NO = "QZ05904-1700-2020-00028"

Block = str | list[list[str]]
Context = dict[str, Any]


@cache
def publications_data() -> dict[str, Any]:
    """The seeds' metadata and the templates (``data/publications.json``), read once."""
    return cast(
        dict[str, Any],
        json.loads((DATA_DIR / "publications.json").read_text(encoding="utf-8")),
    )


def load_publications(*, units: dict[str, Unit], users: dict[str, User]) -> None:
    """Publish the seeds and the generated items (once), then the workflow items (each once)."""
    if not Publication.objects.filter(index_no=SEED_002_INDEX_NO).exists():
        refs = References.load()
        archive_import(actor=None, items=seed_items(units, refs))
        archive_import(actor=None, items=generated_items(units, refs, today=clock.today()))
    _load_workflow(units, users)


# ---------------------------------------------------------------------------- seed texts

_TERMINAL = "。！？：；"
_CLOSERS = "”’）」』》〕]"
_CONTINUATION = "，。、；：！？）”"
_HEADING = re.compile(
    r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d{1,2}[.．、]\s*\S|附件"
    r"|[一二三四五六七八九十]是|第[一二三四五六七八九十]+[条章]|——|[●\[［【])"
)
_PAGE_NUMBER = re.compile(r"-\s*\d+\s*-")
_ROW_NUMBER = re.compile(r"\d{1,2}")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
# Lines of a hard-wrapped page are at most this wide (in half-width columns); lines of a text
# with one paragraph per line are much wider.
_WRAPPED_WIDTH = 100


def _width(text: str) -> int:
    """Columns on the printed page: Chinese characters and Chinese quotes are two wide."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WFA" else 1 for ch in text)


def _ends_sentence(line: str) -> bool:
    stripped = line.rstrip(_CLOSERS)
    return bool(stripped) and stripped[-1] in _TERMINAL


def _carries_on(line: str) -> bool:
    """Whether a line finishes a word cut at the end of the line before (``开，推进…``): a new
    paragraph does not start with a one- to three-character clause."""
    return line[0] in _CONTINUATION or any(ch in _CONTINUATION for ch in line[1:4])


def _selected_lines(text: str, body_from: str, omit: Sequence[Sequence[str]]) -> list[str]:
    lines = [line.strip() for line in text.splitlines()]
    if body_from:
        start = next(i for i, line in enumerate(lines) if line.startswith(body_from))
        lines = lines[start:]
    for first, upto in omit:
        start = next(i for i, line in enumerate(lines) if line.startswith(first))
        end = next(i for i, line in enumerate(lines) if i > start and line.startswith(upto))
        lines = lines[:start] + lines[end:]
    return [line for line in lines if line and not _PAGE_NUMBER.fullmatch(line)]


def text_blocks(
    text: str, *, body_from: str = "", omit: Sequence[Sequence[str]] = ()
) -> list[Block]:
    """Turn text extracted from a PDF back into paragraphs and tables.

    Blank lines are unreliable (page breaks fall mid-sentence), so they are ignored and each line
    break is judged by its content: a line ending a sentence or followed by a heading ends its
    paragraph; a line ending in a comma, or followed by the rest of a cut word, runs on. What is
    left depends on the layout: on a hard-wrapped page a line clearly shorter than a full line
    ends its paragraph; in a text with one paragraph per line a short line without a full stop is
    a heading or a signature. Tab-separated lines are table rows (a header repeated after a page break is dropped). ``body_from`` is the line the
    body starts at; ``omit`` lists ranges (first line, line after the range) left out.
    """
    lines = _selected_lines(text, body_from, omit)
    prose = sorted(_width(line) for line in lines if "\t" not in line)
    full = prose[int(len(prose) * 0.9)] if prose else 0
    wrapped = full < _WRAPPED_WIDTH
    blocks: list[Block] = []
    paragraph = ""
    for i, line in enumerate(lines):
        if "\t" in line:
            if paragraph:
                blocks.append(paragraph)
                paragraph = ""
            row = line.split("\t")
            last = blocks[-1] if blocks else None
            if not isinstance(last, list):
                blocks.append([row])
            elif row != last[0]:  # a header repeated after a page break is dropped
                last.append(row)
            continue
        paragraph += line
        following = lines[i + 1] if i + 1 < len(lines) else ""
        if not following or "\t" in following or _ends_sentence(line):
            ends = True
        elif line[-1] in "，、（“《" or _ROW_NUMBER.fullmatch(line):
            ends = False
        elif _HEADING.match(following):
            ends = True
        elif _carries_on(following):
            ends = False
        elif wrapped:
            ends = _width(line) < full - 6 or line.startswith("——")
        else:
            ends = _width(line) <= 80 and "。" not in line
        if ends:
            blocks.append(paragraph)
            paragraph = ""
    return blocks


def blocks_html(blocks: Sequence[Block]) -> str:
    """Paragraphs as <p> (``**bold**`` as <strong>), tables with their first row as the header."""
    parts = []
    for block in blocks:
        if isinstance(block, str):
            parts.append("<p>" + _BOLD.sub(r"<strong>\1</strong>", str(escape(block))) + "</p>")
            continue
        head, *rows = block
        cells = len(head)
        parts.append("<table><thead><tr>" + "".join(f"<th>{escape(c)}</th>" for c in head))
        parts.append("</tr></thead><tbody>")
        for row in rows:
            row = (row + [""] * cells)[: max(cells, len(row))]
            parts.append("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>")
        parts.append("</tbody></table>")
    return "\n".join(parts)


def seed_body(spec: dict[str, Any]) -> str:
    text = (SEEDS_DIR / spec["file"]).read_text(encoding="utf-8")
    return blocks_html(text_blocks(text, body_from=spec["body_from"], omit=spec["omit"]))


# ---------------------------------------------------------------------------- what exists


@dataclass
class References:
    """The rows generated items point at, read once."""

    topics: dict[str, TopicCategory]
    columns: dict[str, Column]
    domains: dict[str, Domain]
    catalog_items: dict[int, list[CatalogItem]]

    @classmethod
    def load(cls) -> References:
        by_unit: dict[int, list[CatalogItem]] = defaultdict(list)
        items: QuerySet[CatalogItem] = catalog_selectors.public_items().select_related(
            "catalog", "domain"
        )
        for item in items.order_by("catalog__unit_id", "domain__sort_order", "sort_order", "pk"):
            by_unit[item.catalog.unit_id].append(item)
        topics = {t.code: t for t in TopicCategory.objects.all()}
        columns = {c.code: c for c in Column.objects.all()}
        if not topics or not columns:
            # Migration 0002 creates them; a database emptied with `flush` has lost them.
            raise ValidationFailed(
                "数据库中没有标准主题分类和栏目（由数据迁移创建），请重建数据库后再载入演示数据。",
                log="standard topics and columns missing (flushed database?)",
            )
        return cls(
            topics=topics,
            columns=columns,
            domains={d.code: d for d in Domain.objects.all()},
            catalog_items=dict(by_unit),
        )


def _at(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())


def seed_items(units: dict[str, Unit], refs: References) -> list[ArchiveItem]:
    """The five seeds with their real metadata; index numbers, except seed 002's own, are
    allocated by the import."""
    items = []
    for spec in publications_data()["seeds"]:
        values = {
            "title": spec["title"],
            "issuer": spec["issuer"],
            "doc_number": spec["doc_number"],
            "written_on": dt.date.fromisoformat(spec["written_on"]),
            "topic": refs.topics[spec["topic"]],
            "five_class": spec["five_class"],
            "column": refs.columns[spec["column"]],
            "doc_kind": spec["doc_kind"],
            "validity": spec["validity"],
            "body": seed_body(spec),
        }
        published = _at(dt.date.fromisoformat(spec["published_on"]), 9, 30)
        items.append(
            ArchiveItem(
                unit=units[spec["unit"]],
                values=values,
                published_at=published,
                index_no=spec["index_no"],
            )
        )
    return items


# ---------------------------------------------------------------------------- working days


class _Days:
    """The working days up to yesterday, for picking dates and counting periods.

    Years the calendar does not know (it raises for them) count Monday to Friday.
    """

    def __init__(self, first: dt.date, last: dt.date) -> None:
        self.calendar = calendar()
        span = (last - first).days + 1
        self.days = [
            day
            for day in (first + dt.timedelta(days=n) for n in range(span))
            if self.is_workday(day)
        ]

    def is_workday(self, day: dt.date) -> bool:
        if self.calendar.covers(day.year):
            return self.calendar.is_workday(day)
        return day.weekday() < 5

    def between(self, first: dt.date, last: dt.date) -> list[dt.date]:
        lo = bisect.bisect_left(self.days, first)
        hi = bisect.bisect_right(self.days, last)
        return self.days[lo:hi]

    def shift(self, day: dt.date, n: int) -> dt.date:
        """The working day ``n`` working days from ``day`` (clamped to the known days)."""
        index = bisect.bisect_left(self.days, day) + n
        return self.days[max(0, min(index, len(self.days) - 1))]

    def add(self, day: dt.date, n: int) -> dt.date:
        """``n`` working days after ``day``, also beyond yesterday (公示期 end dates)."""
        while n > 0:
            day += dt.timedelta(days=1)
            n -= self.is_workday(day)
        return day


# ---------------------------------------------------------------------------- generated items

CN_NUMBERS = "一二三四"


def _cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _period(kind: str, written: dt.date) -> str:
    """The period an item reports on, as of its 成文日期: the month (the previous one early in a
    month), the previous quarter, or the year."""
    if kind == "month":
        first = written.replace(day=1)
        month = first - dt.timedelta(days=1) if written.day <= 5 else first
        return f"{month.year}年{month.month}月"
    if kind == "quarter":
        quarter = (written.month - 1) // 3
        year = written.year if quarter else written.year - 1
        return f"{year}年第{CN_NUMBERS[(quarter - 1) % 4]}季度"
    if kind == "year":
        return f"{written.year}年"
    return ""


def _fill(template: str, ctx: Context) -> str:
    """A template with its placeholders filled; an unknown placeholder raises KeyError."""
    return template.format_map(ctx)


def _village_formal(name: str) -> str:
    if name.endswith("居委会"):
        return name
    return name + ("居民委员会" if name.endswith("社区") else "村民委员会")


@dataclass
class _Plan:
    """One generated item, before its 文号 is numbered and it goes to archive_import."""

    unit: Unit
    values: dict[str, Any]
    published_at: dt.datetime
    catalog_items: list[CatalogItem] = field(default_factory=list)
    prefix: str = ""
    policy: str = ""


class _Planner:
    """Plans the generated items: what each unit publishes, when, and with which text."""

    TRIES = 8

    def __init__(self, units: dict[str, Unit], refs: References, today: dt.date) -> None:
        self.data = publications_data()
        self.rng = random.Random(self.data["rng_seed"])
        self.refs = refs
        self.today = today
        self.start = dt.date(today.year - 1, 1, 1)
        self.days = _Days(self.start - dt.timedelta(days=120), today - dt.timedelta(days=1))
        self.units = units
        self.plans: list[_Plan] = []
        self.titles: set[str] = set(_workflow_titles(today.year))
        first_of_month = today.replace(day=1)
        self.quiet_from = (first_of_month - dt.timedelta(days=1)).replace(day=1)
        self.townships = sorted(
            (u for u in units.values() if u.kind == UnitKind.TOWNSHIP), key=lambda u: u.sort_order
        )
        self.villages: dict[int | None, list[Unit]] = defaultdict(list)
        for unit in sorted(units.values(), key=lambda u: u.sort_order):
            if unit.kind == UnitKind.VILLAGE:
                self.villages[unit.parent_id].append(unit)

    # -- dates and context

    def _last_day(self, unit: Unit) -> dt.date:
        if unit.code in self.data["quiet"]:
            return self.quiet_from - dt.timedelta(days=1)
        return self.today - dt.timedelta(days=1)

    def _late(self) -> bool:
        return self.rng.random() < float(self.data["late_share"])

    def _written(self, published: dt.date, *, late: bool | None = None) -> dt.date:
        """成文日期: a few working days before publication, or more than 20 for a late item."""
        late = self._late() if late is None else late
        back = self.rng.randint(22, 40) if late else self.rng.randint(0, 6)
        return self.days.shift(published, -back)

    def _time(self, day: dt.date) -> dt.datetime:
        minutes = self.rng.randint(8 * 60 + 30, 17 * 60 + 50)
        return _at(day, minutes // 60, minutes % 60)

    def _phone(self) -> str:
        return f"0797-57{self.rng.randint(10000, 99999)}"

    def _profile(self, unit: Unit) -> dict[str, Any]:
        profile = self.data["units"].get(unit.code)
        if profile is not None:
            return cast(dict[str, Any], profile)
        return {"formal": _village_formal(unit.name), "topic": "0100", "prefix": "", "works": []}

    def _works(self, unit: Unit) -> list[str]:
        works = self._profile(unit)["works"]
        return list(works) if works else list(self.data["township_works"])

    def _context(self, unit: Unit, written: dt.date, published: dt.date) -> Context:
        rng = self.rng
        profile = self._profile(unit)
        works = self._works(unit)
        work, work2 = rng.sample(works, 2)
        short = unit.name
        if unit.kind == UnitKind.OFFICE:
            short = "县政府办"
        elif unit.kind == UnitKind.VILLAGE:
            short = profile["formal"]
        if unit.kind in (UnitKind.TOWNSHIP, UnitKind.COMMUNITY):
            township = unit.name
            villages = self.villages.get(unit.pk) or [unit]
            village = rng.choice(villages).name.removeprefix(unit.name)
            leaders = self.data["leaders"]["township"]
            area = f"{unit.name}行政区域内的有关单位和个人"
        elif unit.kind == UnitKind.VILLAGE:
            township = unit.parent.name if unit.parent else ""
            village = unit.name
            leaders = self.data["leaders"]["township"]
            area = f"{unit.name}"
        else:
            township_unit = rng.choice(self.townships)
            township = township_unit.name
            village = rng.choice(self.villages[township_unit.pk]).name
            leaders = self.data["leaders"]["county"]
            area = "本县行政区域内的有关单位和个人"
        chief = {"镇": "镇长", "乡": "乡长"}.get(township[-1:], "主任")
        days = rng.choice((5, 7))
        income = rng.randint(30000, 160000)
        transfer = round(income * rng.uniform(0.5, 0.8))
        low = rng.randint(40, 70)
        return {
            "formal": profile["formal"],
            "issuer": profile["formal"],
            "short": short,
            "work": work,
            "work2": work2,
            "works_text": "、".join(works[:4]),
            "leader": rng.choice(leaders).format(chief=chief),
            "chief": chief,
            "theme": rng.choice(self.data["themes"]),
            "season": rng.choice(self.data["seasons"]),
            "township": township,
            "village": village,
            "area": area,
            "project": rng.choice(self.data["projects"]),
            "batch": rng.randint(1, 6),
            "year": written.year,
            "month": written.month,
            "quarter": CN_NUMBERS[(written.month - 1) // 3],
            "date": _cn_date(written),
            "date_md": f"{published.month}月{published.day}日",
            "days": days,
            "start": _cn_date(published),
            "end": _cn_date(self.days.add(published, days)),
            "phone": self._phone(),
            "phone2": self._phone(),
            "basis": "《中华人民共和国政府信息公开条例》",
            "n_people": rng.randint(30, 150),
            "n_small": rng.randint(6, 60),
            "n_tiny": rng.randint(2, 15),
            "n_one": rng.randint(1, 3),
            "n_two": rng.randint(0, 3),
            "n_copies": rng.randint(100, 900),
            "amount": f"{rng.uniform(1, 90):.2f}",
            "amount_big": f"{rng.uniform(300, 9000):.2f}",
            "percent": rng.randint(62, 98),
            "percent_low": low,
            "percent_high": 100 - low,
            "village_income": f"{income:.2f}",
            "village_transfer": f"{transfer:.2f}",
            "village_rent": f"{income - transfer:.2f}",
            "village_spend": f"{rng.randint(20000, income):.2f}",
            "village_matter": _fill(
                rng.choice(self.data["village_matters"]), {"year": written.year}
            ),
            "period": "",
            "matter": "",
            "policy": "",
            "subject": "",
        }

    def _body(self, slots: Sequence[Sequence[str]], ctx: Context) -> str:
        """The body from one alternative of each slot, padded to 200 and cut to 800 characters."""
        paragraphs = [_fill(self.rng.choice(slot), ctx) for slot in slots]
        signed = len(paragraphs)
        while signed and paragraphs[signed - 1] in (ctx["issuer"], ctx["date"]):
            signed -= 1
        fillers = list(self.data["filler"])
        self.rng.shuffle(fillers)
        while sum(map(len, paragraphs)) < 200 and fillers:
            paragraphs.insert(signed, _fill(fillers.pop(), ctx))
        while sum(map(len, paragraphs)) > 800 and len(paragraphs) > 3:
            paragraphs.pop(-2)
        return "".join(f"<p>{escape(p)}</p>" for p in paragraphs)

    def _news_body(self, opening: str, kind: str, ctx: Context) -> str:
        """A news item: its opening, two paragraphs fitting its kind (meeting, inspection …)
        and a closing line."""
        slots = [[opening]]
        slots += [[m] for m in self.rng.sample(self.data["news_middle"][kind], 2)]
        slots.append(self.data["news_closing"])
        return self._body(slots, ctx)

    # -- one item

    def _add(
        self,
        unit: Unit,
        make: Callable[[dt.date], _Plan | None],
        *,
        days: Sequence[dt.date] | None = None,
    ) -> _Plan | None:
        """Plan one item on a random working day, trying again when its title is taken."""
        choices = days if days is not None else self.days.between(self.start, self._last_day(unit))
        if not choices:
            return None
        for _ in range(self.TRIES):
            plan = make(self.rng.choice(choices))
            if plan is not None and plan.values["title"] not in self.titles:
                self.titles.add(plan.values["title"])
                self.plans.append(plan)
                return plan
        return None

    def _plan(
        self,
        unit: Unit,
        ctx: Context,
        published: dt.date,
        written: dt.date,
        *,
        title: str,
        body: str,
        column: str,
        five_class: str,
        topic: str | None = None,
        item: CatalogItem | None = None,
        domain: Domain | None = None,
        prefix: str = "",
        **extra: Any,
    ) -> _Plan:
        domain = item.domain if item is not None else domain
        values = {
            "title": title,
            "issuer": ctx["issuer"],
            "written_on": written,
            "topic": self.refs.topics[topic or self._profile(unit)["topic"]],
            "five_class": five_class,
            "column": self.refs.columns[column],
            "domain": domain,
            "body": body,
            **extra,
        }
        return _Plan(
            unit=unit,
            values=values,
            published_at=self._time(published),
            catalog_items=[item] if item is not None else [],
            prefix=prefix,
        )

    def _dated(self, unit: Unit, published: dt.date) -> tuple[dt.date, Context]:
        written = self._written(published)
        return written, self._context(unit, written, published)

    def news(self, unit: Unit, group: str) -> Callable[[dt.date], _Plan | None]:
        def make(published: dt.date) -> _Plan:
            written, ctx = self._dated(unit, published)
            title, opening, kind = self.rng.choice(self.data["news"][group])
            return self._plan(
                unit, ctx, published, written, title=_fill(title, ctx),
                body=self._news_body(opening, kind, ctx), column="news", five_class="execution",
            )  # fmt: skip

        return make

    def standardization(self, unit: Unit) -> Callable[[dt.date], _Plan | None]:
        def make(published: dt.date) -> _Plan:
            written, ctx = self._dated(unit, published)
            title, opening, kind = self.rng.choice(self.data["standardization"])
            ctx["work"] = "基层政务公开标准化规范化"
            return self._plan(
                unit, ctx, published, written, title=_fill(title, ctx),
                body=self._news_body(opening, kind, ctx), column="standardization",
                five_class="execution", topic="0100",
            )  # fmt: skip

        return make

    def _matters(self, unit: Unit) -> list[tuple[CatalogItem, dict[str, Any]]]:
        """The unit's public catalog items that have a template, with the template."""
        found = []
        for item in self.refs.catalog_items.get(unit.pk, []):
            entry = self.data["items"].get(item.domain.code, {}).get(f"{item.level1}/{item.level2}")
            if entry is not None and entry["form"] not in ("budget", "budget_gov"):
                found.append((item, entry))
        return found

    def matter(self, unit: Unit) -> Callable[[dt.date], _Plan | None]:
        """Information filed under one of the unit's catalog items, in the item's domain."""
        candidates = self._matters(unit)

        def make(published: dt.date) -> _Plan | None:
            if not candidates:
                return None
            item, entry = self.rng.choice(candidates)
            form = self.data["forms"][entry["form"]]
            written, ctx = self._dated(unit, published)
            if item.basis.strip():
                ctx["basis"] = item.basis.strip().splitlines()[0]
            ctx["matter"] = _fill(entry["matter"], ctx)
            ctx["period"] = _period(form["period"], written)
            village = unit.kind == UnitKind.VILLAGE
            prefix = self._profile(unit)["prefix"]
            return self._plan(
                unit, ctx, published, written,
                title=_fill(self.rng.choice(form["titles"]), ctx),
                body=self._body(self.data["bodies"][form["body"]], ctx),
                column="village" if village else form["column"],
                five_class=form["five_class"],
                topic=self.data["domain_topics"][item.domain.code],
                item=item,
                prefix=prefix if self.rng.random() < form["doc_number"] else "",
            )  # fmt: skip

        return make

    def notice(self, unit: Unit) -> Callable[[dt.date], _Plan | None]:
        def make(published: dt.date) -> _Plan:
            written, ctx = self._dated(unit, published)
            spec = self.rng.choice(self.data["notices"])
            ctx["matter"] = _fill(spec["matter"], ctx)
            ctx["period"] = f"{written.year}年"
            return self._plan(
                unit, ctx, published, written, title=_fill(spec["title"], ctx),
                body=self._body(self.data["bodies"][spec["form"]], ctx), column="notices",
                five_class=spec["five_class"],
                prefix=self._profile(unit)["prefix"] if self.rng.random() < 0.5 else "",
            )  # fmt: skip

        return make

    def consultation(self, unit: Unit) -> Callable[[dt.date], _Plan | None]:
        """A draft policy out for public comment (决策公开, 扩大公众参与)."""

        def make(published: dt.date) -> _Plan:
            written, ctx = self._dated(unit, published)
            ctx["matter"] = _fill(self.rng.choice(self.data["consultations"]), ctx)
            ctx["end"] = _cn_date(published + dt.timedelta(days=30))
            return self._plan(
                unit, ctx, published, written,
                title=_fill(self.data["forms"]["consult"]["titles"][0], ctx),
                body=self._body(self.data["bodies"]["consult"], ctx), column="notices",
                five_class="decision",
            )  # fmt: skip

        return make

    def policy(self, unit: Unit) -> Callable[[dt.date], _Plan | None]:
        """A policy document with its 文号; some get their interpretation published with them."""
        office = unit.kind == UnitKind.OFFICE
        names = self.data["office_policies" if office else "policies"]

        def make(published: dt.date) -> _Plan:
            written, ctx = self._dated(unit, published)
            ctx["policy"] = _fill(self.rng.choice(names), ctx)
            prefix = self._profile(unit)["prefix"]
            if office and self.rng.random() < 0.4:
                ctx["formal"] = ctx["issuer"] = "石城县人民政府"
                prefix = "石府字"
            plan = self._plan(
                unit, ctx, published, written, title=_fill("{formal}关于印发{policy}的通知", ctx),
                body=self._body(self.data["bodies"]["policy"], ctx), column="policies",
                five_class="decision", prefix=prefix, doc_kind=DocKind.POLICY,
            )  # fmt: skip
            plan.policy = ctx["policy"]
            return plan

        return make

    def interpret(self, plan: _Plan, policy: str, subject: str) -> None:
        """Publish the interpretation with its document (同步起草、同步审签、同步发布)."""
        unit = plan.unit
        published = clock.localdate(plan.published_at)
        written = plan.values["written_on"]
        ctx = self._context(unit, written, published)
        ctx.update(policy=policy, subject=subject, issuer=plan.values["issuer"])
        form = self.rng.choice(
            ("《{policy}》政策解读", "图解：《{policy}》", "一图读懂《{policy}》")
        )
        interpretation = self._plan(
            unit, ctx, published, written, title=_fill(form, ctx),
            body=self._body(self.data["bodies"]["interpretation"], ctx), column="interpretation",
            five_class="decision", topic=plan.values["topic"].code, domain=plan.values["domain"],
        )  # fmt: skip
        interpretation.published_at = plan.published_at + dt.timedelta(minutes=10)
        if interpretation.values["title"] not in self.titles:
            self.titles.add(interpretation.values["title"])
            self.plans.append(interpretation)

    # -- each unit

    def unit_items(self, unit: Unit) -> None:
        """The unit's share of the items, by kind, plus its yearly budget and final accounts."""
        if unit.kind == UnitKind.VILLAGE:
            self.village_items(unit)
            return
        if unit.kind in (UnitKind.COUNTY, UnitKind.ENTERPRISE):  # enterprises: demo/enterprises.py
            return
        profile = self._profile(unit)
        if unit.kind == UnitKind.OFFICE:
            group, mix = "office", "office"
        elif unit.kind in (UnitKind.TOWNSHIP, UnitKind.COMMUNITY):
            group, mix = "township", "township"
        else:
            group = "county"
            mix = "catalogued" if self._matters(unit) else "uncatalogued"
        weights = self.data["mix"][mix]
        share = self.data["interpretation_share"][
            "office_policy" if group == "office" else "policy"
        ]
        count = round(profile["weight"] * self.data["scale"])
        kinds = self.rng.choices(list(weights), weights=list(weights.values()), k=count)
        for kind in kinds:
            if kind == "news":
                self._add(unit, self.news(unit, group))
            elif kind == "matter":
                if self._add(unit, self.matter(unit)) is None:
                    self._add(unit, self.news(unit, group))
            elif kind == "notice":
                self._add(unit, self.notice(unit))
            elif kind == "consultation":
                self._add(unit, self.consultation(unit))
            elif kind == "standardization":
                self._add(unit, self.standardization(unit))
            elif kind == "policy":
                plan = self._add(unit, self.policy(unit))
                if plan is not None and self.rng.random() < share:
                    self.interpret(plan, plan.policy, plan.policy)
        self.budgets(unit)
        if unit.kind in (UnitKind.TOWNSHIP, UnitKind.COMMUNITY):
            self.monthly_news(unit)
        if unit.kind == UnitKind.OFFICE:
            self.normative(unit)

    def _months(self) -> Iterator[tuple[int, int]]:
        """Every month from the start up to the one before this."""
        year, month = self.start.year, self.start.month
        while (year, month) < (self.today.year, self.today.month):
            yield year, month
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)

    def _early_in(self, year: int, month: int, first: int, last: int) -> list[dt.date]:
        """Working days ``first``–``last`` of a month."""
        return self.days.between(dt.date(year, month, first), dt.date(year, month, last))

    def budgets(self, unit: Unit) -> None:
        """部门预算 in February and the previous year's 决算 in August, each within 20 days of
        its approval (预算法第十四条), filed under the unit's budget item; the finance bureau
        also publishes the county's own budget and final accounts."""
        profile = self._profile(unit)
        forms = self.data["items"]["budgets-final-accounts"]
        filed = [
            (self._form_of(forms, f"{i.level1}/{i.level2}"), i)
            for i in self.refs.catalog_items.get(unit.pk, [])
            if i.domain.code == "budgets-final-accounts"
        ]
        own = next((i for form, i in filed if form == "budget"), None)
        noun = "部门" if unit.kind not in (UnitKind.TOWNSHIP, UnitKind.COMMUNITY) else "财政"
        for year in range(self.start.year, self.today.year + 1):
            for month, last, what, of in ((2, 28, "预算", year), (8, 31, "决算", year - 1)):
                days = [
                    d for d in self._early_in(year, month, 10, last) if d <= self._last_day(unit)
                ]

                def make(published: dt.date, of: int = of, what: str = what) -> _Plan:
                    written, ctx = self._dated(unit, published)
                    ctx["year"] = of
                    body = "budget" if what == "预算" else "final_accounts"
                    return self._plan(
                        unit, ctx, published, written,
                        title=f"{profile['formal']}{of}年{noun}{what}",
                        body=self._body(self.data["bodies"][body], ctx), column="budget",
                        five_class="management" if what == "预算" else "result", topic="0300",
                        item=own, domain=self.refs.domains["budgets-final-accounts"],
                    )  # fmt: skip

                self._add(unit, make, days=days)
                for form, item in filed:
                    if form == "budget_gov" and what in item.level1:
                        self._add(unit, self._government_budget(unit, item, of), days=days)

    @staticmethod
    def _form_of(forms: dict[str, Any], key: str) -> str:
        return str(forms.get(key, {}).get("form", ""))

    def _government_budget(self, unit: Unit, item: CatalogItem, of: int) -> Callable[..., _Plan]:
        entry = self.data["items"]["budgets-final-accounts"][f"{item.level1}/{item.level2}"]

        def make(published: dt.date) -> _Plan:
            written, ctx = self._dated(unit, published)
            ctx.update(matter=entry["matter"], period=f"{of}年", year=of)
            return self._plan(
                unit, ctx, published, written,
                title=_fill(self.data["forms"]["budget_gov"]["titles"][0], ctx),
                body=self._body(self.data["bodies"]["budget_gov"], ctx), column="budget",
                five_class="result", topic="0300", item=item,
            )  # fmt: skip

        return make

    def monthly_news(self, unit: Unit) -> None:
        """A township's monthly summary of its work (工作动态), early in the next month."""
        for year, month in self._months():
            nxt = dt.date(year + month // 12, month % 12 + 1, 1)
            days = [
                d for d in self._early_in(nxt.year, nxt.month, 1, 10) if d <= self._last_day(unit)
            ]

            def make(published: dt.date, year: int = year, month: int = month) -> _Plan:
                written, ctx = self._dated(unit, published)
                ctx.update(year=year, month=month)
                return self._plan(
                    unit, ctx, published, written,
                    title=_fill("{short}{year}年{month}月份工作动态", ctx),
                    body=self._body(self.data["bodies"]["township_monthly"], ctx),
                    column="news", five_class="execution",
                )  # fmt: skip

            self._add(unit, make, days=days)

    def village_items(self, village: Unit) -> None:
        """Quarterly 村务公开 in the first weeks after each quarter, and a few postings filed
        under the village's catalog items."""
        quarters = [(y, q) for y, m in self._months() if m % 3 == 0 for q in [m // 3]]
        for year, quarter in quarters:
            month = quarter * 3 % 12 + 1
            nxt_year = year + (quarter == 4)
            days = self._early_in(nxt_year, month, 1, 20)

            def make(published: dt.date, year: int = year, quarter: int = quarter) -> _Plan:
                written = self._written(published, late=self.rng.random() < 0.08)
                ctx = self._context(village, written, published)
                ctx.update(year=year, quarter=CN_NUMBERS[quarter - 1])
                return self._plan(
                    village, ctx, published, written,
                    title=_fill("{village}{year}年第{quarter}季度村务公开", ctx),
                    body=self._body(self.data["bodies"]["village"], ctx), column="village",
                    five_class="result", topic="0100",
                )  # fmt: skip

            self._add(village, make, days=days)
        for _ in range(self.rng.randint(1, 3)):
            self._add(village, self.matter(village))

    def normative(self, office: Unit) -> None:
        """The county's normative documents (行政规范性文件): most valid, one expired, one
        repealed, most published with their interpretation."""
        for spec in self.data["normative"]:
            year = self.today.year - spec["years_ago"]
            month_days = self._early_in(year, spec["month"], 5, 25)
            if not month_days or month_days[-1] >= self.today:
                year -= 1
                month_days = self._early_in(year, spec["month"], 5, 25)
            written = self.rng.choice(month_days)
            published = self.days.shift(written, self.rng.randint(2, 5))
            ctx = self._context(office, written, published)
            effective = written + dt.timedelta(days=30)
            expires = dt.date(effective.year + spec["years"], effective.month, 1)
            expires -= dt.timedelta(days=1)
            if spec["validity"] == Validity.EXPIRED:
                expires = min(expires, self.today - dt.timedelta(days=30))
            ctx.update(
                policy=spec["title"],
                subject=spec["subject"],
                effective=_cn_date(effective),
                years=spec["years"],
            )
            title = f"石城县人民政府办公室关于印发{spec['title']}的通知"
            body = self._body(self.data["bodies"]["normative"], ctx)
            plan = self._plan(
                office, ctx, published, written, title=title, body=body,
                column="normative", five_class="decision", prefix="石府办字",
                doc_kind=DocKind.NORMATIVE, validity=spec["validity"], effective_on=effective,
                expires_on=expires,
            )  # fmt: skip
            self.titles.add(title)
            self.plans.append(plan)
            if self.rng.random() < self.data["interpretation_share"]["normative"]:
                self.interpret(plan, spec["title"], spec["subject"])

    def monthly_reports(self, office: Unit) -> None:
        """The office's 政务公开月报 (seed 003's format), counting the items planned above: the
        most active townships and departments, and the units that published nothing."""
        kinds = {u.pk: u.kind for u in self.units.values()}
        townships = [u for u in self.units.values() if u.kind == UnitKind.TOWNSHIP]
        departments = [u for u in self.units.values() if u.kind == UnitKind.DEPARTMENT]
        per_month: dict[tuple[int, int], Counter[int]] = defaultdict(Counter)
        for plan in self.plans:
            day = clock.localdate(plan.published_at)
            per_month[(day.year, day.month)][plan.unit.pk] += 1
        for year, month in self._months():
            counts = per_month[(year, month)]
            nxt = dt.date(year + month // 12, month % 12 + 1, 1)
            days = [d for d in self._early_in(nxt.year, nxt.month, 1, 12) if d < self.today]

            def top(units: list[Unit], counts: Counter[int] = counts) -> str:
                ranked = sorted(units, key=lambda u: (-counts[u.pk], u.sort_order))
                return "、".join(u.name for u in ranked[:3])

            silent = [u.name for u in [*departments, *townships] if not counts[u.pk]]
            facts = {
                "total": sum(n for pk, n in counts.items() if kinds[pk] != UnitKind.OFFICE),
                "townships": sum(counts[u.pk] for u in townships),
                "departments": sum(counts[u.pk] for u in departments),
                "top_townships": top(townships),
                "top_departments": top(departments),
                "silent": "、".join(silent) or "无",
            }

            def make(published: dt.date, year: int = year, month: int = month,
                     facts: dict[str, Any] = facts) -> _Plan:  # fmt: skip
                written = self.days.shift(published, -self.rng.randint(0, 2))
                ctx = self._context(office, written, published)
                ctx.update(facts, year=year, month=month)
                return self._plan(
                    office, ctx, published, written,
                    title=f"石城县政务公开月报（{year}年第{month}期）",
                    body=self._body(self.data["bodies"]["report_monthly"], ctx),
                    column="standardization", five_class="result", topic="0100",
                )  # fmt: skip

            self._add(office, make, days=days)

    def number_documents(self) -> None:
        """Give 文号 in order of 成文日期 within each issuer's yearly series, with gaps for the
        documents that are not published."""
        series: dict[tuple[str, int], list[_Plan]] = defaultdict(list)
        for plan in self.plans:
            if plan.prefix:
                series[(plan.prefix, plan.values["written_on"].year)].append(plan)
        for (prefix, year), plans in sorted(series.items()):
            number = self.rng.randint(1, 6)
            for plan in sorted(plans, key=lambda p: (p.values["written_on"], p.published_at)):
                plan.values["doc_number"] = f"{prefix}〔{year}〕{number}号"
                number += self.rng.randint(1, 4)


def generated_items(
    units: dict[str, Unit], refs: References, *, today: dt.date
) -> list[ArchiveItem]:
    """The generated items of every unit, in unit order, ready for archive_import."""
    planner = _Planner(units, refs, today)
    ordered = sorted(units.values(), key=lambda u: (u.sort_order, u.code))
    for unit in ordered:
        planner.unit_items(unit)
    office = next(u for u in ordered if u.kind == UnitKind.OFFICE)
    planner.monthly_reports(office)
    planner.number_documents()
    plans = sorted(planner.plans, key=lambda p: (p.published_at, p.unit.sort_order))
    return [
        ArchiveItem(
            unit=p.unit, values=p.values, published_at=p.published_at, catalog_items=p.catalog_items
        )
        for p in plans
    ]


# ---------------------------------------------------------------------------- workflow items


def _workflow() -> dict[str, Any]:
    return cast(dict[str, Any], publications_data()["workflow"])


def _workflow_titles(year: int) -> list[str]:
    """The titles the workflow items will have, so generated items never take them."""
    spec = _workflow()
    singles = [spec[k] for k in ("submitted", "blocked", "returned", "withdrawn", "retained")]
    return [_fill(s["title"], {"year": year}) for s in [*spec["drafts"], *singles]]


def _values(spec: dict[str, Any], written: dt.date, unit: Unit) -> dict[str, Any]:
    """Form values for a workflow item of the data file, filed under its catalog item."""
    year = clock.today().year
    values: dict[str, Any] = {
        "title": _fill(spec["title"], {"year": year}),
        "written_on": written,
        "topic": TopicCategory.objects.get(code=spec["topic"]),
        "five_class": spec["five_class"],
        "column": Column.objects.get(code=spec["column"]),
        "body": _fill(spec["body"], {"year": year}),
    }
    if "domain" in spec:
        values["domain"] = Domain.objects.get(code=spec["domain"])
        level1, level2 = spec["item"].split("/")
        items = catalog_selectors.public_unit_items(unit, values["domain"])
        values["catalog_items"] = list(items.filter(level1=level1, level2=level2))
    return values


def _exists(unit: Unit, title: str) -> bool:
    return Publication.objects.filter(unit=unit, title=title).exists()


def _load_workflow(units: dict[str, Unit], users: dict[str, User]) -> None:
    """Items at each step of the workflow, each taken by the demo user whose job it is."""
    spec = _workflow()
    today = clock.today()
    year = today.year

    def draft(item: dict[str, Any], written: dt.date, **extra: Any) -> Publication | None:
        unit = units[item["unit"]]
        values = _values(item, written, unit) | extra
        if _exists(unit, values["title"]):
            return None
        return services.publication_create(actor=users[item["editor"]], unit=unit, values=values)

    for item in spec["drafts"]:
        draft(item, today)
    for key in ("submitted", "blocked"):
        item = spec[key]
        publication = draft(item, today - dt.timedelta(days=3))
        if publication is not None:
            # The blocked item carries an unmasked ID number: the checks record it now, and
            # the reviewer cannot approve it without an override reason.
            services.publication_submit(actor=users[item["editor"]], publication=publication)
    item = spec["returned"]
    publication = draft(item, today - dt.timedelta(days=5))
    if publication is not None:
        services.publication_submit(actor=users[item["editor"]], publication=publication)
        services.publication_return(
            actor=users[item["reviewer"]], publication=publication, comment=item["comment"]
        )
    item = spec["withdrawn"]
    publication = draft(item, today - dt.timedelta(days=10))
    if publication is not None:
        services.publication_submit(actor=users[item["editor"]], publication=publication)
        services.publication_approve(actor=users[item["reviewer"]], publication=publication)
        services.publication_withdraw(
            actor=users[item["reviewer"]], publication=publication, reason=item["reason"]
        )
    item = spec["retained"]
    publication = draft(
        item,
        today - dt.timedelta(days=380),
        attribute=Attribute.NOT_PUBLIC,
        non_public_ground=item["ground"],
        attribute_reason=item["reason"],
    )
    if publication is not None:
        services.publication_submit(actor=users[item["editor"]], publication=publication)
        publication = services.publication_approve(
            actor=users[item["reviewer"]], publication=publication
        )
        _make_review_due_for_demo(publication, on=today - dt.timedelta(days=7))
    _load_subsidy_lists(units, users, spec["subsidies"], year)


def _make_review_due_for_demo(publication: Publication, *, on: dt.date) -> None:
    """Demo only: bring a retained item's periodic review date into the past.

    Approval sets the review a year ahead, and the demo cannot wait a year; the reviewers' queue
    of retained items due for review (seeds 002, 004) needs one item to show. The status is not
    touched, so no transition is bypassed.
    """
    Publication.objects.filter(pk=publication.pk).update(review_due=on)


def _demo_id_number(rng: random.Random) -> str:
    """A well-formed ID number of the 石城 area code for a demo payout list (masked on import)."""
    born = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 40))
    first17 = f"360735{born:%Y%m%d}{rng.randint(100, 999)}"
    return first17 + id_check_character(first17)


def subsidy_workbook(
    villages: Sequence[Unit], names: Sequence[str], *, item: str, rate: int
) -> bytes:
    """The township's payout list as an Excel file: one row per household, with a title row and a
    total row as real lists have."""
    rng = random.Random(publications_data()["rng_seed"])
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([f"{item}发放花名册"])
    sheet.append(
        ["序号", "村（社区）", "姓名", "身份证号", "补贴项目", "面积（亩）", "补贴金额（元）"]
    )
    total = 0.0
    for number, name in enumerate(names, start=1):
        village = villages[(number - 1) % len(villages)]
        area = round(rng.uniform(1, 8), 1)
        amount = round(area * rate, 2)
        total += amount
        sheet.append([number, village.name, name, _demo_id_number(rng), item, area, amount])
    sheet.append(["合计", None, None, None, None, None, round(total, 2)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _load_subsidy_lists(
    units: dict[str, Unit], users: dict[str, User], spec: dict[str, Any], year: int
) -> None:
    """Two villages' subsidy payouts: imported by the township's editor (names and ID numbers
    masked by the import), then approved by the township's reviewer (seed 001 item 8)."""
    township = units[spec["township"]]
    villages = [units[code] for code in spec["villages"]]
    subsidy = _fill(spec["subsidy"], {"year": year})
    if _exists(villages[0], f"{villages[0].name}{subsidy}发放结果公示"):
        return
    data = subsidy_workbook(villages, spec["names"], item=spec["item"], rate=spec["rate"])
    result = subsidies.subsidy_list_import(
        actor=users[spec["editor"]],
        township=township,
        data=data,
        subsidy=subsidy,
        written_on=clock.today() - dt.timedelta(days=2),
    )
    for publication in result.publications:
        services.publication_approve(actor=users[spec["reviewer"]], publication=publication)
