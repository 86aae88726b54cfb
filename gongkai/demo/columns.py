"""Fill the standard columns the generated items leave empty (issue 11), from data/columns.json:

- 政府信息公开制度 (``rules``): the office's rules, written from what the seeds ask for
  (信息发布、政策解读、舆情回应、重大决策预公开、公开属性源头认定、依申请公开, 保密审查, 政务新媒体);
- 政府信息公开指南 (``guide``): the office's notice that the units' guides are on the site (the
  guides themselves are built from the units' data, gongkai.portal.views.guide), so the column
  holds an item and the site monitoring does not count it blank;
- 依申请公开 (``on-request``): the application form's layout and the handling steps;
- 机构职能 (``functions``): each department's, township's and the county government's 主要职责,
  内设机构 and 领导信息 (the leaders' names are invented);
- 人事信息 (``personnel``): the county government's 任免 notices, recruitment notices and the
  list of people to be hired.

They go in through ``archive_import`` like the other demo items: published on their own dates,
with the checks before publishing. Loaded once: skipped when the first rule is already there.
Deterministic for a given day (``random.Random`` seeded from the data file).
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any, cast

from django.utils import timezone
from django.utils.html import escape

from gongkai.core import clock
from gongkai.demo.publications import References, publications_data
from gongkai.orgs.models import Unit, UnitKind
from gongkai.publications.archive import ArchiveItem, archive_import
from gongkai.publications.models import DocKind, Publication
from gongkai.workdays.selectors import calendar

DATA_FILE = Path(__file__).resolve().parent / "data" / "columns.json"
CN_DIGITS = "零一二三四五六七八九"
PERSONNEL_TOPIC = "1400"  # 劳动、人事、监察
# The columns this module fills (the planner of gongkai.demo.publications fills the others).
FILLED_COLUMNS = ("guide", "rules", "on-request", "functions", "personnel")
# Units with 机构职能 pages of their own (villages are not 行政机关).
FUNCTION_KINDS = (
    UnitKind.OFFICE,
    UnitKind.DEPARTMENT,
    UnitKind.STATIONED,
    UnitKind.TOWNSHIP,
    UnitKind.COMMUNITY,
)


@cache
def columns_data() -> dict[str, Any]:
    """data/columns.json, read once."""
    return cast(dict[str, Any], json.loads(DATA_FILE.read_text(encoding="utf-8")))


def cn_number(n: int) -> str:
    """一 … 九十九, as in 第十二条."""
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")


def _cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _paragraphs(texts: Sequence[str]) -> str:
    return "".join(f"<p>{escape(text)}</p>" for text in texts)


def _table(head: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    header = "".join(f"<th>{escape(cell)}</th>" for cell in head)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{header}</tr></thead><tbody>{body}</tbody></table>"


def _head_title(formal: str) -> tuple[str, str]:
    """The titles of a unit's head and deputies, from the kind of organ its name says it is."""
    if formal.endswith("联合社"):
        return "理事会主任", "理事会副主任"
    if formal.endswith("局"):
        return "局长", "副局长"
    return "主任", "副主任"


class _Builder:
    """Plans the items of the four columns for one day's load."""

    def __init__(self, units: dict[str, Unit], refs: References, today: dt.date) -> None:
        self.data = columns_data()
        self.profiles: dict[str, Any] = publications_data()["units"]
        self.units = units
        self.refs = refs
        self.today = today
        self.rng = random.Random(self.data["rng_seed"])
        self.calendar = calendar()
        self.used_names: set[str] = set()
        self.items: list[ArchiveItem] = []

    # -- dates, names, items

    def _is_workday(self, day: dt.date) -> bool:
        if self.calendar.covers(day.year):
            return self.calendar.is_workday(day)
        return day.weekday() < 5

    def _workday(self, day: dt.date, step: int = 1) -> dt.date:
        """``day`` if it is a working day, else the next one (the previous one for step -1)."""
        while not self._is_workday(day):
            day += dt.timedelta(days=step)
        return day

    def _day(self, spec: dict[str, Any]) -> dt.date:
        """The working day a spec's years_ago/month/day names, a year earlier when that is not
        before today (so nothing is published in the future)."""
        day = dt.date(self.today.year - int(spec["years_ago"]), spec["month"], spec["day"])
        if day >= self.today:
            day = day.replace(year=day.year - 1)
        return self._workday(day)

    def _at(self, day: dt.date) -> dt.datetime:
        minutes = self.rng.randint(8 * 60 + 40, 17 * 60 + 20)
        moment = dt.time(minutes // 60, minutes % 60)
        return dt.datetime.combine(day, moment, tzinfo=timezone.get_current_timezone())

    def _name(self) -> str:
        """An invented full name not used yet in this load."""
        names = self.data["functions"]
        while True:
            name = str(self.rng.choice(names["surnames"])) + str(
                self.rng.choice(names["given_names"])
            )
            if name not in self.used_names:
                self.used_names.add(name)
                return name

    def _formal(self, unit: Unit) -> str:
        profile = self.profiles.get(unit.code)
        return str(profile["formal"]) if profile else unit.formal_name

    def _topic(self, unit: Unit) -> str:
        profile = self.profiles.get(unit.code)
        return str(profile["topic"]) if profile else "0100"

    def _add(
        self,
        unit: Unit,
        *,
        title: str,
        issuer: str,
        published: dt.date,
        column: str,
        topic: str,
        five_class: str,
        body: str,
        doc_number: str = "",
        written: dt.date | None = None,
        at: dt.datetime | None = None,
    ) -> None:
        written = written or self._workday(
            published - dt.timedelta(days=self.rng.randint(1, 4)), -1
        )
        values = {
            "title": title,
            "issuer": issuer,
            "doc_number": doc_number,
            "written_on": written,
            "topic": self.refs.topics[topic],
            "five_class": five_class,
            "column": self.refs.columns[column],
            "doc_kind": DocKind.ORDINARY,
            "validity": "",
            "body": body,
        }
        moment = at or self._at(published)
        self.items.append(ArchiveItem(unit=unit, values=values, published_at=moment))

    # -- the columns

    def rules(self) -> None:
        """The office's rules, numbered in the 石府办发 series of their year in date order."""
        office = self.units[self.data["office"]]
        planned = []
        for spec in self.data["rules"]:
            written = self._day(spec)
            published = self._workday(written + dt.timedelta(days=2))
            planned.append((written, published, self._at(published), spec))
        planned.sort(key=lambda plan: (plan[0], plan[2]))
        numbers: dict[int, int] = {}
        for written, published, moment, spec in planned:
            numbers[written.year] = numbers.get(written.year, self.rng.randint(2, 6)) + 1
            opening = (
                f"各乡（镇）人民政府，县政府各部门，县直各单位：现将《{spec['title']}》印发给你们，"
                "请认真遵照执行。"
            )
            articles = "".join(
                f"<p><strong>第{cn_number(n)}条</strong>　{escape(text)}</p>"
                for n, text in enumerate(spec["articles"], start=1)
            )
            self._add(
                office,
                title=spec["title"],
                issuer="石城县人民政府办公室",
                published=published,
                at=moment,
                written=written,
                column="rules",
                topic="0100",
                five_class="management",
                body=_paragraphs([opening]) + f"<h3>{escape(spec['title'])}</h3>" + articles,
                doc_number=f"石府办发〔{written.year}〕{numbers[written.year]}号",
            )

    def notices(self) -> None:
        """The guide column's notice and the 依申请公开 column's form and steps, by the office."""
        office = self.units[self.data["office"]]
        specs = [("guide", spec) for spec in self.data["guide"]]
        specs += [("on-request", spec) for spec in self.data["on_request"]]
        for column, spec in specs:
            self._add(
                office,
                title=spec["title"],
                issuer="石城县人民政府办公室",
                published=self._day(spec),
                column=column,
                topic="0100",
                five_class="service",
                body=spec["body"],
            )

    def _leaders(self, unit: Unit, formal: str) -> list[tuple[str, str, str]]:
        """(name, post, duties) of the unit's leaders: a head and two or three deputies, each
        deputy in charge of two of the unit's works."""
        if unit.kind == UnitKind.TOWNSHIP:
            chief = "镇长" if unit.name.endswith("镇") else "乡长"
            works = list(publications_data()["township_works"])
            self.rng.shuffle(works)
            return [
                (self._name(), "党委书记", "主持党委全面工作。"),
                (self._name(), f"党委副书记、{chief}", "主持政府全面工作。"),
                (self._name(), f"副{chief}", f"负责{works[0]}、{works[1]}等方面工作。"),
                (self._name(), f"副{chief}", f"负责{works[2]}、{works[3]}等方面工作。"),
            ]
        head, deputy = _head_title(formal)
        works = list(self.profiles.get(unit.code, {}).get("works", [])) or ["综合业务"]
        leaders = [(self._name(), head, "主持全面工作。")]
        for n in range(self.rng.randint(2, 3)):
            pair = "、".join(dict.fromkeys(works[(2 * n + k) % len(works)] for k in (0, 1)))
            leaders.append((self._name(), deputy, f"负责{pair}等方面工作。"))
        return leaders

    def _duties(self, unit: Unit) -> list[str]:
        functions = self.data["functions"]
        if unit.code in functions["duties"]:
            return list(functions["duties"][unit.code])
        if unit.kind == UnitKind.TOWNSHIP:
            return list(functions["township_duties"])
        forms = functions["department_duty_forms"]
        works = self.profiles.get(unit.code, {}).get("works", [])
        duties = [forms[n % len(forms)].format(work=work) for n, work in enumerate(works)]
        return duties + list(functions["department_duty_closing"])

    def _offices(self, unit: Unit) -> list[str]:
        functions = self.data["functions"]
        if unit.code in functions["offices"]:
            return list(functions["offices"][unit.code])
        if unit.kind == UnitKind.TOWNSHIP:
            return list(functions["township_offices"])
        works = self.profiles.get(unit.code, {}).get("works", [])
        plain = [w for w in works if len(w) <= 8 and "“" not in w][:4]
        return ["办公室", *(f"{w}股" for w in plain), "政策法规股"]

    def functions(self) -> None:
        """机构职能: 主要职责, 内设机构 and 领导信息 of the county government and of every
        department, township and the community committee, as at the start of last year."""
        spec = self.data["functions"]
        published = self._day(spec)
        county = self.units[self.data["county"]]
        county_spec = spec["county"]
        numbered = [f"（{cn_number(n)}）{t}" for n, t in enumerate(county_spec["duties"], 1)]
        self._function_pages(
            county,
            county.formal_name,
            published,
            duties=numbered,
            offices=[],
            leaders=[(self._name(), post, duty) for post, duty in county_spec["leaders"]],
        )
        kinds = sorted(
            (u for u in self.units.values() if u.kind in FUNCTION_KINDS),
            key=lambda u: u.sort_order,
        )
        for unit in kinds:
            formal = self._formal(unit)
            duties = [f"（{cn_number(n)}）{t}" for n, t in enumerate(self._duties(unit), 1)]
            self._function_pages(
                unit,
                formal,
                published,
                duties=duties,
                offices=self._offices(unit),
                leaders=self._leaders(unit, formal),
            )

    def _function_pages(
        self,
        unit: Unit,
        formal: str,
        published: dt.date,
        *,
        duties: list[str],
        offices: list[str],
        leaders: list[tuple[str, str, str]],
    ) -> None:
        topic = self._topic(unit)

        def page(title: str, body: str) -> None:
            self._add(
                unit,
                title=title,
                issuer=formal,
                published=published,
                column="functions",
                topic=topic,
                five_class="management",
                body=body,
            )

        intro = f"根据有关机构改革方案和职能配置规定，{formal}的主要职责是："
        page(f"{formal}主要职责", _paragraphs([intro, *duties]))
        if offices:
            text = f"{formal}设下列内设机构：{'、'.join(offices)}。"
            address = f"办公地址：{unit.address}。" if unit.address else ""
            page(f"{formal}内设机构", _paragraphs([t for t in (text, address) if t]))
        people = "".join(
            f"<h3>{escape(name)}　{escape(post)}</h3><p>{escape(duty)}</p>"
            for name, post, duty in leaders
        )
        page(f"{formal}领导信息", people)

    def personnel(self) -> None:
        """人事信息: the county government's 任免 notices, and recruitment notices and results."""
        spec = self.data["personnel"]
        county = self.units[self.data["county"]]
        departments = sorted(
            (u for u in self.units.values() if u.kind == UnitKind.DEPARTMENT),
            key=lambda u: u.sort_order,
        )
        appointments = spec["appointments"]
        for years_ago in (1, 0):
            number = self.rng.randint(1, 4)
            for month in appointments["months"]:
                day = dt.date(self.today.year - years_ago, month, appointments["day"])
                if day >= self.today:
                    continue
                day = self._workday(day)
                lines = []
                for _ in range(appointments["count"]):
                    unit = self.rng.choice(departments)
                    _head, deputy = _head_title(self._formal(unit))
                    lines.append(f"任命{self._name()}为{unit.name}{deputy}；")
                    lines.append(f"免去{self._name()}的{unit.name}{deputy}职务。")
                body = _paragraphs(
                    [
                        "各乡（镇）人民政府，县政府各部门，县直各单位：",
                        "经县人民政府研究决定：",
                        *lines,
                        "石城县人民政府",
                        _cn_date(day),
                    ]
                )
                first = lines[0].removeprefix("任命").split("为")[0]
                self._add(
                    county,
                    title=f"石城县人民政府关于{first}等同志职务任免的通知",
                    issuer="石城县人民政府",
                    published=day,
                    written=day,
                    column="personnel",
                    topic=PERSONNEL_TOPIC,
                    five_class="result",
                    body=body,
                    doc_number=f"石府任字〔{day.year}〕{number}号",
                )
                number += self.rng.randint(1, 3)
        items = spec["items"]
        for spec_item in items:
            self._recruitment(spec_item, items, spec)

    def _recruitment(
        self, item: dict[str, Any], items: list[dict[str, Any]], spec: dict[str, Any]
    ) -> None:
        unit = self.units[item["unit"]]
        published = self._day(item)
        body_spec = items[item["same_body_as"]] if "same_body_as" in item else item
        phone = f"0797-57{self.rng.randint(10000, 99999)}"
        ctx = {
            "year": published.year,
            "n_small": self.rng.randint(12, 60),
            "n_tiny": self.rng.randint(3, 9),
            "n_people": self.rng.randint(40, 160),
            "start": _cn_date(published + dt.timedelta(days=7)),
            "end": _cn_date(published + dt.timedelta(days=13)),
            "phone": phone,
        }
        texts = [text.format(**ctx) for text in body_spec["body"]]
        body = _paragraphs(texts[:1])
        if item.get("roster"):
            body += self._roster(spec)
        body += _paragraphs(texts[1:])
        self._add(
            unit,
            title=item["title"].format(**ctx),
            issuer=self._formal(unit),
            published=published,
            column="personnel",
            topic=PERSONNEL_TOPIC,
            five_class=item["five_class"],
            body=body,
        )

    def _roster(self, spec: dict[str, Any]) -> str:
        """The list of people to be hired: invented names, posts and scores (no identifiers)."""
        rows = []
        for n in range(1, spec["roster_size"] + 1):
            written = self.rng.uniform(62, 85)
            interview = self.rng.uniform(70, 90)
            rows.append(
                [
                    str(n),
                    self._name(),
                    self.rng.choice(("男", "女")),
                    self.rng.choice(spec["roster_posts"]),
                    f"{written:.1f}",
                    f"{interview:.2f}",
                    f"{written * 0.6 + interview * 0.4:.2f}",
                ]
            )
        head = ["序号", "姓名", "性别", "拟聘岗位", "笔试成绩", "面试成绩", "综合成绩"]
        return _table(head, rows)


def column_items(units: dict[str, Unit], refs: References, *, today: dt.date) -> list[ArchiveItem]:
    """Every item of the four columns, oldest first."""
    builder = _Builder(units, refs, today)
    builder.rules()
    builder.notices()
    builder.functions()
    builder.personnel()
    return sorted(builder.items, key=lambda item: item.published_at)


def load_standard_columns(*, units: dict[str, Unit]) -> None:
    """Publish the four columns' items unless the first rule is already published."""
    first = columns_data()["rules"][0]["title"]
    office = units[columns_data()["office"]]
    if Publication.objects.filter(unit=office, title=first).exists():
        return
    archive_import(actor=None, items=column_items(units, References.load(), today=clock.today()))
