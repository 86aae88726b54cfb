"""Bringing already-published information into gongkai in bulk (an old website's archive, the demo),
and checking everything published again after the dictionaries change.

A county moving to gongkai has years of information already public under its own index numbers.
Those items enter as published, keeping their 索引号, 文号 and dates, and go through the same
checks before publishing as new items: a batch with personal data or sensitive words is refused
whole unless an override reason is given, which is recorded with each item it covers. New index
numbers are allocated for items that have none, by the same rule as approvals.

Two ways in: ``archive_import`` takes items already resolved to units, topics and columns (the
demo); ``import_rows`` takes the rows of a file read by ``interchange.read`` (the command line and
the office's import page), resolves the names they carry and reports every problem by row and
field before anything is written.

Writes go in chunks of SAVE_CHUNK items (gongkai.core.bulk, search.index and the published counts
once per chunk) inside the import's one transaction; the first version of an imported item holds
its body's digest, not a copy (docs/adr/0012). Measured with bench/publications_import.py.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from gongkai import textcheck
from gongkai.core import bulk, clock
from gongkai.core.audit import audit
from gongkai.core.errors import ValidationFailed
from gongkai.orgs import permissions
from gongkai.orgs.models import Unit, User
from gongkai.publications import checks, files, interchange, search, services
from gongkai.publications.interchange import (
    ATTACHMENTS,
    BODY,
    COLUMN,
    DOC_NUMBER,
    INDEX_NO,
    INTERPRETATION_FORM,
    INTERPRETS,
    ISSUER,
    PUBLISHED,
    SOURCE_URL,
    TITLE,
    TOPIC,
    UNIT,
    VALIDITY,
    WRITTEN,
    Parsed,
    Value,
)
from gongkai.publications.models import (
    Attachment,
    Attribute,
    Column,
    DocKind,
    FiveClass,
    InterpretationForm,
    Publication,
    PublicationStatus,
    PublicationVersion,
    TopicCategory,
    Validity,
)
from gongkai.workdays.selectors import calendar

# Where a row goes when its 栏目 is blank or not in the tree, unless the import names a column:
# 工作动态 holds most of what old sites file under their own columns (部门动态, 乡镇动态, 要闻 …).
DEFAULT_COLUMN_CODE = "news"
# The 主题分类 of a row that has none: the standard list's own catch-all.
DEFAULT_TOPIC_NAME = "其他"
# 五公开 is not part of the national metadata of old sites; most of what they published reports
# how work is carried out.
DEFAULT_FIVE_CLASS = FiveClass.EXECUTION
# Items filed under these standard columns are these kinds of document (the library of normative
# documents lists items by kind).
COLUMN_DOC_KINDS = {"normative": DocKind.NORMATIVE, "policies": DocKind.POLICY}
VALIDITY_NAMES = {
    **{label: value for value, label in Validity.choices},
    **{value: value for value in Validity.values},
    "有效": Validity.VALID,
    "现行": Validity.VALID,
    "失效": Validity.EXPIRED,
    "废止": Validity.REPEALED,
}
PROGRESS_EVERY = 200
SAVE_CHUNK = 500
MAX_REPORTED_PROBLEMS = 200
SOURCE_URL_MAX = 500
PATH_SEPARATORS = re.compile(r"\s*[>＞/\\／]\s*")
_HTML = re.compile(r"<\s*/?\s*(p|div|br|span|table|tr|td|h[1-6]|ul|ol|li|a|b|strong|font)\b", re.I)
LIMITS = {"title": 300, "index_no": 80, "doc_number": 80, "issuer": 100}

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class StagedFile:
    """An attachment found beside the import file and checked by content, not yet stored."""

    path: Path
    name: str
    kind: str
    size: int
    sha256: str
    text: str


@dataclass
class ArchiveItem:
    """One published item to bring in; ``values`` as for services.publication_create."""

    unit: Unit
    values: dict[str, Any]
    published_at: dt.datetime
    index_no: str = ""
    catalog_items: list[Any] = field(default_factory=list)
    source_url: str = ""
    attachments: list[StagedFile] = field(default_factory=list)
    # Set only when ``values["body"]`` is _body_html's markup of a plain-text body that needs
    # neither sanitising nor parsing: its plain text (see _plain_text).
    body_text: str | None = None


def _incomplete(publication: Publication, *, has_attachments: bool = False) -> list[str]:
    """What archive items must carry like any other (services.publication_problems, without the
    checks that need a saved row)."""
    problems = []
    if not publication.body_text and not has_attachments:
        problems.append("正文不能为空。")
    if publication.doc_kind in services.LEGAL_RECORD_KINDS and not publication.validity:
        problems.append("规章和行政规范性文件须标明有效性。")
    return problems


def _attachment_findings(staged: StagedFile, check: textcheck.Checker) -> list[dict[str, Any]]:
    """Findings in an attachment's text, as checks.run reports them for saved attachments."""
    probe = Publication(title="", body_text=staged.text)
    found = checks.run(probe, using=check) if staged.text else []
    for finding in found:
        finding["where"] = f"附件“{staged.name}”"
    return found


class _Lateness:
    """checks.lateness for many items, each 成文日期's due date counted once: an archive of a
    million items has a few thousand distinct dates."""

    def __init__(self) -> None:
        self.calendar = calendar()
        self.due: dict[dt.date, dt.date | None] = {}

    def __call__(self, written_on: dt.date, published_on: dt.date) -> tuple[dt.date | None, bool]:
        if written_on not in self.due:
            self.due[written_on] = checks.lateness(written_on, written_on, cal=self.calendar)[0]
        due = self.due[written_on]
        return due, due is not None and published_on > due


def _build(
    item: ArchiveItem,
    *,
    actor: User | None,
    check: textcheck.Checker,
    lateness: _Lateness,
) -> tuple[Publication, list[str]]:
    """The unsaved published item, its findings run; and what it lacks (Chinese sentences)."""
    if item.body_text is None:
        cleaned = services.clean_values(item.values)
    else:
        # The body is _body_html's markup of plain text, already the sanitiser's output.
        cleaned = services.clean_values({k: v for k, v in item.values.items() if k != "body"})
        cleaned["body"] = item.values["body"]
    missing = services.missing_metadata(cleaned)
    if missing:
        return Publication(title=str(cleaned.get("title", ""))), [f"缺少：{'、'.join(missing)}。"]
    publication = Publication(
        unit=item.unit,
        issuer=item.unit.name,
        created_by=actor,
        status=PublicationStatus.PUBLISHED,
        attribute=Attribute.PROACTIVE,
        published_at=item.published_at,
    )
    services.apply_values(publication, cleaned, body_text=item.body_text)
    publication.issuer = publication.issuer or item.unit.name
    problems = _incomplete(publication, has_attachments=bool(item.attachments))
    publication.findings = checks.run(publication, using=check)
    for staged in item.attachments:
        publication.findings.extend(_attachment_findings(staged, check))
    published_on = clock.localdate(item.published_at)
    publication.due_on, publication.is_late = lateness(publication.written_on, published_on)
    publication.index_no = item.index_no or None
    publication.source_url = item.source_url
    return publication, problems


def _taken(numbers: Iterable[str]) -> dict[str, Publication]:
    """Items already holding any of these index numbers (queried in chunks: SQLite's limit on
    bound parameters)."""
    wanted = sorted(set(numbers))
    taken: dict[str, Publication] = {}
    for start in range(0, len(wanted), 500):
        for publication in Publication.objects.filter(
            index_no__in=wanted[start : start + 500]
        ).select_related("unit"):
            taken[str(publication.index_no)] = publication
    return taken


def _save(
    built: list[Publication],
    items: Sequence[ArchiveItem],
    *,
    actor: User | None,
    override_reason: str,
    progress: Progress | None = None,
    total: int = 0,
) -> None:
    """Allocate missing index numbers and write the items, their versions, attachments and search
    entries in bulk, SAVE_CHUNK items at a time (inside the caller's transaction).

    ``progress`` hears ``total - len(built) + saved`` after each chunk (see import_rows).
    """
    reason = override_reason.strip()
    pairs = list(zip(built, items, strict=True))
    for publication, _item in pairs:
        publication.override_reason = reason if checks.blocking(publication.findings) else ""
    saved = 0

    def write(chunk: list[tuple[Publication, ArchiveItem]]) -> None:
        nonlocal saved
        for start in range(0, len(chunk), SAVE_CHUNK):
            part = chunk[start : start + SAVE_CHUNK]
            _write(part, actor=actor, reason=reason)
            saved += len(part)
            if progress is not None:
                progress(total - len(built) + saved, total)

    # Items keeping their numbers go in first: allocation skips numbers already in the table, and
    # an old site's numbers often follow the very pattern new ones are allocated under.
    write([(p, item) for p, item in pairs if p.index_no])
    wanted: dict[tuple[int, int, int], list[tuple[Publication, ArchiveItem]]] = {}
    for publication, item in pairs:
        if publication.index_no is None:
            year = clock.localdate(item.published_at).year
            key = (item.unit.pk, publication.topic_id, year)
            wanted.setdefault(key, []).append((publication, item))
    numbered = []
    for (_unit_id, _topic_id, year), group in wanted.items():
        first = group[0][0]
        numbers = services.allocate_index_block(
            unit=first.unit, topic=first.topic, year=year, count=len(group)
        )
        for (publication, item), index_no in zip(group, numbers, strict=True):
            publication.index_no = index_no
            numbered.append((publication, item))
    write(numbered)
    if built:
        audit(
            actor=actor,
            action="publication.archive_import",
            target=built[0],
            summary=f"批量导入已公开信息{len(built)}条",
            data={
                "count": len(built),
                "attachments": sum(len(item.attachments) for item in items),
                "override": reason,
            },
        )


def _write(
    chunk: list[tuple[Publication, ArchiveItem]], *, actor: User | None, reason: str
) -> None:
    """Insert one chunk of items with their catalog links, attachments, first versions and
    search entries."""
    publications = [p for p, _item in chunk]
    # Every item has its 索引号 by now (kept or allocated): the primary keys are read back by it.
    bulk.insert(publications, key="index_no")
    through = Publication.catalog_items.through
    links = [
        through(publication_id=p.pk, catalogitem_id=c.pk)
        for p, item in chunk
        for c in item.catalog_items
    ]
    bulk.insert(links)
    _store_attachments(chunk)
    versions = []
    for p, item in chunk:
        data = services.snapshot(p, catalog_item_ids=[c.pk for c in item.catalog_items])
        # The first version of an imported item refers to the body by its digest instead of
        # holding a second copy (JSON-escaped, twice its size): a published item's body never
        # changes (it is withdrawn, not edited), so the item itself keeps what was imported.
        body = str(data.pop("body", "") or "")
        data["body_sha256"] = hashlib.sha256(body.encode()).hexdigest()
        data["attachments"] = [[s.name, s.sha256] for s in item.attachments]
        data["source_url"] = p.source_url
        comment = "导入已公开信息"
        if p.source_url:
            comment += f"；原网址：{p.source_url}"
        blocking = checks.blocking(p.findings)
        if blocking:
            comment += f"；放行{len(blocking)}处检查问题，理由：{reason}"
        versions.append(
            PublicationVersion(
                publication=p,
                number=1,
                actor=actor,
                action="import",
                comment=comment,
                snapshot=data,
            )
        )
    bulk.insert(versions)
    search.index(publications)
    services.published_counts_update(published=publications)


def _store_attachments(chunk: list[tuple[Publication, ArchiveItem]]) -> None:
    """Store the staged attachment files of saved items and their rows."""
    rows = []
    for publication, item in chunk:
        for order, staged in enumerate(item.attachments, start=1):
            data = staged.path.read_bytes()
            if hashlib.sha256(data).hexdigest() != staged.sha256:
                raise ValidationFailed(
                    f"附件“{staged.name}”在导入过程中被改动，未导入任何信息，请重新导入。",
                    log=f"archive import: {staged.path} changed while importing",
                )
            attachment = Attachment(
                publication=publication,
                name=staged.name[-200:],
                kind=staged.kind,
                size=staged.size,
                sha256=staged.sha256,
                text=staged.text,
                sort_order=order,
            )
            attachment.file.save(
                f"{staged.sha256[:16]}.{staged.kind}", ContentFile(data), save=False
            )
            rows.append(attachment)
    Attachment.objects.bulk_create(rows, batch_size=500)


@transaction.atomic
def archive_import(
    *, actor: User | None, items: Sequence[ArchiveItem], override_reason: str = ""
) -> list[Publication]:
    """Create published items in bulk; all or nothing.

    Refused (ValidationFailed, nothing saved) when an index number is already taken, when an
    item lacks required metadata, or when the checks find personal data or sensitive words and no
    override reason is given.
    """
    findings: list[str] = []
    if actor is not None:
        permissions.require(
            permissions.is_office(actor), "只有县政务公开办可以批量导入已公开信息。"
        )
    given = [i.index_no for i in items if i.index_no]
    taken = _taken(given)
    if taken or len(set(given)) != len(given):
        raise ValidationFailed(
            "索引号重复，未导入任何信息。",
            log="archive import: duplicate index numbers",
            problems=[f"索引号{n}已被使用。" for n in sorted(taken)],
        )
    built: list[Publication] = []
    problems: list[str] = []
    check = checks.checker()
    lateness = _Lateness()
    for number, item in enumerate(items, start=1):
        foreign = [c for c in item.catalog_items if c.catalog.unit_id != item.unit.pk]
        if foreign:
            problems.append(f"第{number}条只能对应本单位目录中的事项。")
        publication, lacking = _build(item, actor=actor, check=check, lateness=lateness)
        for problem in lacking:
            problems.append(f"第{number}条“{publication.title}”：{problem}")
        for finding in checks.blocking(publication.findings):
            findings.append(f"第{number}条“{publication.title}”：{checks.describe(finding)}")
        built.append(publication)
    if problems:
        raise ValidationFailed(
            "导入的信息不完整，未导入任何信息。",
            log=f"archive import: {len(problems)} incomplete items",
            problems=problems,
        )
    if findings and not override_reason.strip():
        raise ValidationFailed(
            "发布前检查发现不能公开的内容，未导入任何信息。",
            log=f"archive import: {len(findings)} blocking findings",
            problems=findings,
        )
    _save(built, items, actor=actor, override_reason=override_reason)
    return built


# ---------------------------------------------------------------------------- rows of a file


def _key(name: str) -> str:
    return "".join(name.split())


class _Names:
    """Units, topics and columns by the names (or codes) a file may use for them."""

    def __init__(self, default_column: Column | str | None) -> None:
        self.units: dict[str, Unit] = {}
        for unit in Unit.objects.all():
            self.units[_key(unit.name)] = unit
            self.units.setdefault(unit.code.upper(), unit)
        self.topics: dict[str, TopicCategory] = {}
        for topic in TopicCategory.objects.all():
            self.topics[_key(topic.name)] = topic
            self.topics.setdefault(topic.code, topic)
        self.default_topic = self.topics.get(DEFAULT_TOPIC_NAME)
        columns = list(Column.objects.select_related("parent__parent").order_by("sort_order"))
        self.columns_by_code = {c.code: c for c in columns}
        self.columns: dict[str, list[Column]] = {}
        for column in columns:
            self.columns.setdefault(_key(column.name), []).append(column)
        if isinstance(default_column, Column):
            self.default_column: Column | None = default_column
        else:
            code = default_column or DEFAULT_COLUMN_CODE
            self.default_column = self.columns_by_code.get(code)
            if self.default_column is None:
                raise ValidationFailed(
                    f"没有代码为“{code}”的栏目，请指定一个已有栏目作为默认栏目。",
                    log=f"import: unknown default column {code!r}",
                )

    def unit(self, text: str) -> Unit | None:
        return self.units.get(_key(text)) or self.units.get(text.strip().upper())

    def topic(self, text: str) -> TopicCategory | None:
        """By name or code; ``财政、金融、审计/财政`` (a sub-classification) by its first part."""
        first = PATH_SEPARATORS.split(text.strip())[0]
        return self.topics.get(_key(text)) or self.topics.get(_key(first))

    def column(self, text: str) -> Column | None:
        """By name, by ``上级 > 栏目`` path (also / or \\), or by code; the first in tree order
        when a name is used twice and no path tells them apart."""
        parts = [_key(p) for p in PATH_SEPARATORS.split(text.strip()) if _key(p)]
        if not parts:
            return None
        for column in self.columns.get(parts[-1], []):
            ancestors = []
            parent = column.parent
            while parent is not None:
                ancestors.append(_key(parent.name))
                parent = parent.parent
            if ancestors[: len(parts) - 1] == list(reversed(parts[:-1])):
                return column
        return self.columns_by_code.get(text.strip())


FORM_NAMES = {
    **{_key(label): value for value, label in InterpretationForm.choices},
    **{value: value for value in InterpretationForm.values},
    "图文": InterpretationForm.GRAPHIC,
    "图表图解": InterpretationForm.GRAPHIC,
    "图解": InterpretationForm.GRAPHIC,
    "文字解读": InterpretationForm.TEXT,
    "图文解读": InterpretationForm.GRAPHIC,
    "视频": InterpretationForm.MEDIA,
    "音频": InterpretationForm.MEDIA,
    "访谈": InterpretationForm.INTERVIEW,
    "问答": InterpretationForm.QA,
}


class _Policies:
    """The published policy documents (services.POLICY_KINDS) an imported interpretation may
    name in 解读对象, by 索引号 or by 文号 (brackets and spaces as people type them); one query
    per distinct name."""

    def __init__(self) -> None:
        self.found: dict[str, list[Publication]] = {}

    def named(self, text: str) -> list[Publication]:
        key = text.strip()
        if key not in self.found:
            published = Publication.objects.filter(
                status=PublicationStatus.PUBLISHED, doc_kind__in=services.POLICY_KINDS
            ).only("pk", "title", "unit_id", "status", "doc_kind", "index_no")
            by_index = list(published.filter(index_no=key))
            self.found[key] = by_index or list(
                published.filter(doc_number_key=search.normalise_doc_number(key))[:2]
            )
        return self.found[key]


class _Row:
    """One row being read: collects its problems, each naming the row and the field."""

    def __init__(self, label: str, values: dict[str, Value]) -> None:
        self.values = values
        title = values.get(TITLE)
        shown = " ".join(title.split()) if isinstance(title, str) else ""
        if len(shown) > 30:
            shown = shown[:30] + "…"
        self.where = f"{label}“{shown}”" if shown else label
        self.problems: list[str] = []

    def problem(self, name: str, message: str) -> None:
        sentence = f"{self.where}，{name}：{message}"
        if sentence not in self.problems:
            self.problems.append(sentence)

    def text(self, name: str, *, limit: int = 0) -> str:
        value = self.values.get(name)
        if value is None:
            return ""
        if not isinstance(value, str):
            self.problem(name, "应为文字。")
            return ""
        text = html.unescape(" ".join(value.split())) if name != BODY else value
        if limit and len(text) > limit:
            self.problem(name, f"不能超过{limit}个字（现有{len(text)}个字）。")
        return text

    def moment(self, name: str) -> dt.date | dt.datetime | None:
        try:
            return interchange.parse_moment(self.values.get(name))
        except ValueError:
            self.problem(
                name,
                f"“{self.values.get(name)}”不是有效的日期，"
                "请写成2015-10-16、2015-10-16 14:12或2015年10月16日。",
            )
            return None


def _aware(moment: dt.date | dt.datetime) -> dt.datetime:
    """A published date as an aware datetime: a date alone is local midnight, a naive datetime
    is local time, seconds are the finest unit kept (Excel stores times as fractions of a day)."""
    if not isinstance(moment, dt.datetime):
        moment = dt.datetime.combine(moment, dt.time())
    if moment.microsecond:
        moment = moment.replace(microsecond=0) + dt.timedelta(
            seconds=1 if moment.microsecond >= 500_000 else 0
        )
    if timezone.is_naive(moment):
        return timezone.make_aware(moment)
    return moment


def _body_html(text: str) -> str:
    """The body as stored: HTML as the old site exported it (sanitised later), or plain text
    with one paragraph per line."""
    if _HTML.search(text):
        return text
    lines = [line.strip() for line in text.splitlines()]
    # Quotes stay as they are: the sanitiser writes them so, which keeps this markup in its form.
    return "".join(f"<p>{html.escape(line, quote=False)}</p>" for line in lines if line)


# Characters whose way into _body_html's markup, through the sanitiser and back out as plain text
# is not the identity: entities (unescaped on the way out), control characters (dropped or
# replaced by the HTML parser) and the no-break space (written back as &nbsp;). Tab and line
# breaks are whitespace both ways.
_NOT_VERBATIM = re.compile(r"[&\x00-\x08\x0b-\x1f\x7f-\xa0]")


def _plain_text(text: str) -> str | None:
    """The body_text of a plain-text body, when _body_html(text) is already what the sanitiser
    returns for it and plain text read back from it gives this: skipping both (a fifth of an
    import's time, issue 10) changes nothing stored; tests compare both ways. None when the body
    is HTML or holds characters the round trip changes: it is then sanitised and read as usual.
    """
    if _HTML.search(text) or _NOT_VERBATIM.search(text):
        return None
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return "\n".join(line for line in lines if line)


def _stage_files(row: _Row, names: list[str], folder: Path | None) -> list[StagedFile]:
    """Check each named attachment by content, as publication_attach does; a missing or refused
    file is a problem of the row."""
    staged: list[StagedFile] = []
    if not names:
        return staged
    if folder is None:
        row.problem(
            ATTACHMENTS,
            "没有随表格一起提供附件文件：请把表格和附件文件放在同一文件夹，或一起压缩成.zip上传。",
        )
        return staged
    base = folder.resolve()
    for name in names:
        path = (base / name).resolve()
        if not path.is_relative_to(base):
            row.problem(ATTACHMENTS, f"“{name}”不在导入文件所在的文件夹内。")
            continue
        if not path.is_file():
            row.problem(ATTACHMENTS, f"找不到附件文件“{name}”。")
            continue
        if path.stat().st_size > settings.GONGKAI_MAX_ATTACHMENT_BYTES:
            limit = settings.GONGKAI_MAX_ATTACHMENT_BYTES / 1048576
            row.problem(ATTACHMENTS, f"“{name}”过大，附件不能超过{limit:.0f}MB。")
            continue
        data = path.read_bytes()
        result = files.check_upload(
            path.name, data, max_bytes=settings.GONGKAI_MAX_ATTACHMENT_BYTES
        )
        if result.kind is None:
            row.problem(ATTACHMENTS, f"“{name}”：{result.problem}")
            continue
        staged.append(
            StagedFile(
                path=path,
                name=path.name,
                kind=result.kind,
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                text=result.text,
            )
        )
    return staged


@dataclass
class _Tally:
    unmapped: Counter[str] = field(default_factory=Counter)
    defaulted_columns: int = 0
    defaulted_topics: int = 0


def _item_of(
    row: _Row,
    names: _Names,
    *,
    unit: Unit | None,
    folder: Path | None,
    tally: _Tally,
    today: dt.date,
    policies: _Policies | None = None,
) -> ArchiveItem | None:
    """The archive item a row describes, or None when the row has problems (recorded on it)."""
    title = row.text(TITLE, limit=LIMITS["title"])
    if not title:
        row.problem(TITLE, "必填，不能为空。")
    attachments = _stage_files(
        row, interchange.attachment_names(row.values.get(ATTACHMENTS)), folder
    )
    body = row.text(BODY)
    if not body.strip() and not interchange.attachment_names(row.values.get(ATTACHMENTS)):
        row.problem(BODY, "必填，不能为空（只有附件的信息须填写附件）。")
    published = row.moment(PUBLISHED)
    if published is None and not row.values.get(PUBLISHED):
        row.problem(PUBLISHED, "必填，不能为空。")
    published_at = _aware(published) if published is not None else None
    if published_at is not None and clock.localdate(published_at) > today:
        row.problem(PUBLISHED, "不能晚于今天：这里导入的是已经公开的信息。")
    written = row.moment(WRITTEN)
    written_on: dt.date | None = None
    if isinstance(written, dt.datetime):
        written_on = written.date()
    elif written is not None:
        written_on = written
    elif published_at is not None:
        written_on = clock.localdate(published_at)
    if written_on is not None and written_on > today:
        row.problem(WRITTEN, "不能晚于今天。")
    index_no = row.text(INDEX_NO, limit=LIMITS["index_no"])
    doc_number = row.text(DOC_NUMBER, limit=LIMITS["doc_number"])
    issuer = row.text(ISSUER, limit=LIMITS["issuer"])

    unit_name = row.text(UNIT)
    owner = names.unit(unit_name) if unit_name else unit
    if unit_name and owner is None:
        row.problem(UNIT, f"没有名称或代码为“{unit_name}”的单位。")
    elif owner is None:
        row.problem(UNIT, "未填写，请填写公开单位的名称或代码，或在导入时指定单位。")

    topic_name = row.text(TOPIC)
    topic = names.topic(topic_name) if topic_name else names.default_topic
    if topic_name and topic is None:
        row.problem(
            TOPIC,
            f"“{topic_name}”不是主题分类表中的名称（如“综合政务”“民政、扶贫、救灾”），"
            f"留空则归入“{DEFAULT_TOPIC_NAME}”。",
        )
    elif topic is None:
        row.problem(TOPIC, f"未填写，且没有名为“{DEFAULT_TOPIC_NAME}”的主题分类可归入。")
    elif not topic_name:
        tally.defaulted_topics += 1

    column_name = row.text(COLUMN)
    column = names.column(column_name) if column_name else None
    if column is None:
        column = names.default_column
        tally.defaulted_columns += 1
        if column_name:
            tally.unmapped[column_name] += 1

    validity_name = row.text(VALIDITY)
    validity = VALIDITY_NAMES.get(_key(validity_name), "") if validity_name else ""
    if validity_name and not validity:
        row.problem(VALIDITY, f"“{validity_name}”应为现行有效、已失效或已废止。")
    doc_kind = COLUMN_DOC_KINDS.get(column.code, DocKind.ORDINARY) if column else DocKind.ORDINARY
    if doc_kind in services.LEGAL_RECORD_KINDS and not validity:
        row.problem(VALIDITY, f"栏目“{column}”中的文件须标明有效性（现行有效、已失效或已废止）。")

    source_url = row.text(SOURCE_URL, limit=SOURCE_URL_MAX)
    if source_url and not re.match(r"https?://\S+$", source_url):
        row.problem(SOURCE_URL, f"“{source_url}”不是完整的网址（应以http://或https://开头）。")

    interprets, form = _interpretation_of(row, policies or _Policies())

    if row.problems or owner is None or published_at is None or written_on is None:
        return None
    values: dict[str, Any] = {
        "title": title,
        "issuer": issuer or owner.name,
        "doc_number": doc_number,
        "written_on": written_on,
        "topic": topic,
        "five_class": DEFAULT_FIVE_CLASS,
        "column": column,
        "body": _body_html(body),
        "doc_kind": doc_kind,
        "validity": validity,
    }
    if interprets is not None:
        values["interprets"] = interprets
        values["interpretation_form"] = form
    return ArchiveItem(
        unit=owner,
        values=values,
        published_at=published_at,
        index_no=index_no,
        source_url=source_url,
        attachments=attachments,
        body_text=_plain_text(body),
    )


def _interpretation_of(row: _Row, policies: _Policies) -> tuple[Publication | None, str]:
    """The policy document a row interprets (解读对象: its 索引号 or 文号) and the form
    (解读形式, by label; empty when not given); problems are recorded on the row."""
    reference = row.text(INTERPRETS)
    form_name = row.text(INTERPRETATION_FORM)
    form = FORM_NAMES.get(_key(form_name), "") if form_name else ""
    if form_name and not form:
        row.problem(
            INTERPRETATION_FORM,
            f"“{form_name}”应为{'、'.join(InterpretationForm.labels)}之一。",
        )
    if not reference:
        if form_name:
            row.problem(INTERPRETS, "填写了解读形式，但未填写所解读文件的文号或索引号。")
        return None, form
    found = policies.named(reference)
    if not found:
        row.problem(
            INTERPRETS,
            f"找不到文号或索引号为“{reference}”的已发布政策文件（规章、行政规范性文件或其他"
            "政策文件）；请先导入或发布该文件，或改填其索引号。",
        )
        return None, form
    if len(found) > 1:
        row.problem(INTERPRETS, f"文号“{reference}”对应多份已发布文件，请改填所解读文件的索引号。")
        return None, form
    return found[0], form


def _refuse(message: str, problems: list[str], log: str) -> ValidationFailed:
    shown = problems[:MAX_REPORTED_PROBLEMS]
    if len(problems) > MAX_REPORTED_PROBLEMS:
        shown.append(f"……另有{len(problems) - MAX_REPORTED_PROBLEMS}处问题未列出。")
    return ValidationFailed(message, log=log, problems=shown)


def import_rows(
    *,
    actor: User | None,
    parsed: Parsed,
    unit: Unit | None = None,
    override_reason: str = "",
    default_column: Column | str | None = None,
    attachments_dir: Path | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Import the rows of a file read by interchange.read as published items; all or nothing.

    Every row is checked before anything is written, and every problem is reported at once,
    naming the row and the field in Chinese (ValidationFailed with ``problems``): a required field
    missing (标题, 发布日期; 正文 unless the row has 附件), a date that cannot be read, a unit,
    topic or validity the county does not know, an attachment missing or refused by content, a
    索引号 used twice in the file or already used by another item (both named). Findings that
    block publication (personal data, sensitive words) refuse the batch naming each row unless
    ``override_reason`` is given; it is then recorded with each item it covers.

    Rows without 公开单位 belong to ``unit``. 栏目 names (or ``上级 > 栏目`` paths) map onto the
    column tree; a name the tree lacks is not an error: the item goes to ``default_column`` (a
    Column or its code; default 工作动态) and the summary counts such names. A row without
    主题分类 is filed under 其他; 五公开 is 执行公开; 成文日期 defaults to 发布日期's date.
    Attachment names are relative to ``attachments_dir`` (the import file's folder); without it
    a row naming attachments is refused. 解读对象 (a policy interpretation's document, by its
    索引号 or 文号) must name one published policy document already in gongkai, else the row is
    refused; 解读形式 takes the labels of InterpretationForm.

    ``progress(done, total)`` is called every few hundred rows while checking and while saving
    (``total`` counts each row twice, once checked and once saved, or once with ``dry_run``), so
    a background job can show how far it is. With ``dry_run`` everything is checked and nothing
    is written. Returns the summary printed by ``gongkai publications import``.

    The checks (reading attachments included) run before the transaction opens: on SQLite an open
    write transaction stops every other write on the site (issue 12). The index numbers are
    checked again inside it, in case another item took one meanwhile.
    """
    if actor is not None:
        permissions.require(
            permissions.is_office(actor), "只有县政务公开办可以批量导入已公开信息。"
        )
    if parsed.problems:
        raise _refuse("文件无法导入，未导入任何信息。", parsed.problems, "import: unreadable file")
    names = _Names(default_column)
    check = checks.checker()
    lateness = _Lateness()
    policies = _Policies()
    today = clock.today()
    total = len(parsed.rows) * (1 if dry_run else 2)
    tally = _Tally()
    problems: list[str] = []
    findings: list[str] = []
    items: list[ArchiveItem] = []
    built: list[Publication] = []
    first_row: dict[str, str] = {}
    for done, (values, label) in enumerate(
        zip(parsed.rows, parsed.row_labels, strict=True), start=1
    ):
        row = _Row(label, values)
        item = _item_of(
            row,
            names,
            unit=unit,
            folder=attachments_dir,
            tally=tally,
            today=today,
            policies=policies,
        )
        index_no = row.text(INDEX_NO)
        if index_no in first_row:
            row.problem(INDEX_NO, f"“{index_no}”与{first_row[index_no]}的索引号相同。")
        elif index_no:
            first_row[index_no] = row.where
        if item is not None:
            publication, lacking = _build(item, actor=actor, check=check, lateness=lateness)
            for problem in lacking:
                row.problem(BODY, problem)
            for finding in checks.blocking(publication.findings):
                findings.append(f"{row.where}：{checks.describe(finding)}")
            if not row.problems:
                items.append(item)
                built.append(publication)
        problems.extend(row.problems)
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done, total)
    for index_no, other in _taken(first_row).items():
        problems.append(
            f"{first_row[index_no]}，{INDEX_NO}：“{index_no}”已被“{other.title}”"
            f"（{other.unit.name}，{_published_on(other)}）使用。"
        )
    if problems:
        raise _refuse(
            "导入文件有误，未导入任何信息。请按以下提示修改后重新导入。",
            problems + findings,
            f"import: {len(problems)} row problems, {len(findings)} blocking findings",
        )
    if findings and not override_reason.strip():
        raise _refuse(
            "发布前检查发现不能公开的内容（如身份证号、银行卡号、手机号或敏感词），"
            "未导入任何信息。请修改后重新导入；确需按原样公开的，须填写放行理由。",
            findings,
            f"import: {len(findings)} blocking findings",
        )
    if not dry_run:
        with transaction.atomic():
            _refuse_taken(first_row)
            _save(
                built,
                items,
                actor=actor,
                override_reason=override_reason,
                progress=progress,
                total=total,
            )
    elif progress is not None:
        progress(total, total)
    kept = sum(1 for item in items if item.index_no)
    default = names.default_column
    return {
        "imported": len(built),
        "index_numbers_kept": kept,
        "index_numbers_new": len(built) - kept,
        "ignored_columns": list(parsed.ignored_columns),
        "warnings": sum(1 for p in built for f in p.findings if f["severity"] != "block"),
        "unmapped_columns": dict(tally.unmapped.most_common()),
        "default_column": {
            "code": default.code if default else "",
            "name": default.name if default else "",
            "items": tally.defaulted_columns,
        },
        "default_topic": {"name": DEFAULT_TOPIC_NAME, "items": tally.defaulted_topics},
        "overridden": sum(1 for p in built if checks.blocking(p.findings)),
        "dry_run": dry_run,
    }


def _refuse_taken(first_row: dict[str, str]) -> None:
    """Refuse the import if an index number in the file was taken since it was checked."""
    taken = _taken(first_row)
    if taken:
        raise _refuse(
            "导入文件有误，未导入任何信息。请按以下提示修改后重新导入。",
            [
                f"{first_row[index_no]}，{INDEX_NO}：“{index_no}”已被“{other.title}”"
                f"（{other.unit.name}，{_published_on(other)}）使用。"
                for index_no, other in taken.items()
            ],
            f"import: {len(taken)} index numbers taken while checking",
        )


def _published_on(publication: Publication) -> str:
    if publication.published_at is None:
        return "未发布"
    return f"{clock.localdate(publication.published_at):%Y-%m-%d}发布"


# ---------------------------------------------------------------------------- re-scan


def rescan(*, unit: Unit | None = None) -> dict[str, Any]:
    """Run the checks again over every published item (of ``unit``) and report per unit.

    For after a dictionary change: nothing is saved, so no item changes. Each unit lists its
    items with findings (personal data masked, as checks.run keeps it) and whether the item was
    published over a finding with a reviewer's reason.
    """
    check = checks.checker()
    published = (
        Publication.objects.published()
        .select_related("unit")
        .prefetch_related("attachments")
        .order_by("unit__sort_order", "unit__code", "pk")
    )
    if unit is not None:
        published = published.filter(unit=unit)
    units: dict[int, dict[str, Any]] = {}
    checked = 0
    for publication in published.iterator(chunk_size=500):
        checked += 1
        entry = units.setdefault(
            publication.unit_id,
            {
                "unit": publication.unit.code,
                "name": publication.unit.name,
                "checked": 0,
                "block": 0,
                "warn": 0,
                "items": [],
            },
        )
        entry["checked"] += 1
        found = checks.run(publication, using=check)
        if not found:
            continue
        blocking = len(checks.blocking(found))
        entry["block"] += blocking
        entry["warn"] += len(found) - blocking
        entry["items"].append(
            {
                "id": publication.pk,
                "index_no": publication.index_no,
                "title": publication.title,
                "overridden": bool(publication.override_reason),
                "findings": [
                    {
                        "where": f["where"],
                        "kind": f["kind"],
                        "severity": f["severity"],
                        "text": f["text"],
                        "context": f["context"],
                        "description": checks.describe(f),
                    }
                    for f in found
                ],
            }
        )
    return {
        "checked": checked,
        "block": sum(u["block"] for u in units.values()),
        "warn": sum(u["warn"] for u in units.values()),
        "units": list(units.values()),
    }
