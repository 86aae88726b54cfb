"""The staff home (工作台): one section per role the user holds, each with the counts of that
role's own work and links straight to it (issue 11).

信息员: the unit's drafts, returned and submitted items and its catalog; 审核人: items waiting for
review, those the checks blocked, retained items due for periodic review; 承办人: open
applications by due date, the overdue ones first; 公开办: catalogs to review, the county's overdue
applications and late publications; 村务管理员: the village's postings and list; 领导: the
county's figures, with links to pages that only read.

Who may see what is decided by ``gongkai.orgs.permissions`` and the apps' selectors, never here:
a section is built only for a role the user holds, over the units that role covers, and offers
only links its holder may open (tests/demo/test_workbench_demo.py follows every link on each demo
role's home with that role's session). Counts stay cheap at province size (5,000 units, a million
items, 100,000 applications; bench/workbench.py): each is one statement over the user's units on
an index, a count that stops at COUNT_LIMIT, or a maintained count (PublishedCount).

The module sits in the catalog app, whose page the staff home is. It reads the publications,
applications, monitoring and ledger selectors, apps that import the catalog app themselves: a
cycle between apps that STYLE.md avoids, accepted here until the staff pages get a composing app
of their own, as the public pages have the portal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongkai.applications import selectors as application_selectors
from gongkai.applications.models import Application, Stage
from gongkai.catalog import selectors as catalog_selectors
from gongkai.catalog.models import Catalog, CatalogStatus
from gongkai.core import clock
from gongkai.interaction import selectors as interaction_selectors
from gongkai.ledger import selectors as ledger_selectors
from gongkai.monitoring.freshness import end_of
from gongkai.orgs import permissions
from gongkai.orgs.models import Membership, Role, Unit, UnitKind, User
from gongkai.orgs.selectors import memberships_of, units_visible_to
from gongkai.publications import interpretation as publication_interpretation
from gongkai.publications import selectors as publication_selectors
from gongkai.publications.models import Publication, PublicationStatus
from gongkai.workdays.selectors import calendar

StrOrPromise = str | Promise

# A figure counts this far and then says "1,000+": nobody acts differently on 1,001.
COUNT_LIMIT = 1_000
# The handler's applications and the office's catalog queue show this many lines on the home.
QUEUE_SIZE = 10
# Late publication is counted over the same 30 days the monitoring overview shows by default,
# up to LATE_COUNT_LIMIT: the stored mark is not indexed on its own (the late index leads with
# the unit), so the count reads the period's published items until it has found that many late
# ones — a few thousand rows, where counting all of a province's would read 27,000 (bench).
LATE_PERIOD_DAYS = 30
LATE_COUNT_LIMIT = 100
# The office's table of every unit's catalog lists this many units (a county has about 100; a
# province's 5,000 would make the home a page of its own).
OVERVIEW_LIMIT = 200

# The order sections appear in: the roles' own work first, the county's figures last.
ROLE_ORDER = (
    Role.EDITOR,
    Role.REVIEWER,
    Role.HANDLER,
    Role.VILLAGE_CLERK,
    Role.OFFICE,
    Role.LEADER,
)


@dataclass(frozen=True)
class Row:
    """One figure (``count`` set) or one link (``count`` None) of a section."""

    label: str
    url: str
    count: int | None = None
    value: str = ""  # a figure that is a word, not a number (a catalog's status)
    capped: bool = False  # the count stopped at COUNT_LIMIT
    alert: bool = False  # work past its time or blocked: shown as a warning when there is any
    unit: str = ""  # the unit it is about, when the section covers several

    @property
    def shown_count(self) -> str:
        """The count as people read it: thousands separated, "1,000+" past COUNT_LIMIT."""
        if self.value or self.count is None:
            return self.value
        return f"{self.count:,}+" if self.capped else f"{self.count:,}"

    @property
    def is_figure(self) -> bool:
        return self.count is not None or bool(self.value)

    @property
    def warns(self) -> bool:
        return self.alert and (bool(self.count) or bool(self.value))


@dataclass(frozen=True)
class QueueLine:
    """One piece of work in a section's short list: what it is, where to open it, and the facts
    that order it (due date, working days left)."""

    title: str
    url: str
    details: list[str]
    status: str = ""  # how it stands against its deadline
    alert: bool = False  # past its deadline


@dataclass
class Queue:
    """A section's short list of the next pieces of work, with a link to all of them."""

    heading: str
    anchor: str
    lines: list[QueueLine]
    empty: str
    more: Row | None = None


@dataclass
class Section:
    """What one role held by the user shows on the home: figures, links, maybe a short list."""

    role: str
    title: str
    units: list[str]
    rows: list[Row] = field(default_factory=list)
    links: list[Row] = field(default_factory=list)
    queue: Queue | None = None
    note: str = ""

    @property
    def anchor(self) -> str:
        return f"role-{self.role}"


@dataclass(frozen=True)
class OverviewLine:
    """A unit and its newest catalog (None: it has none yet) in the office's overview."""

    unit: Unit
    catalog: Catalog | None


@dataclass
class Overview:
    """Every unit's newest catalog, for the office: the first OVERVIEW_LIMIT units in tree
    order, and how many units there are."""

    lines: list[OverviewLine]
    total: int

    @property
    def cut(self) -> bool:
        return self.total > len(self.lines)


@dataclass
class Workbench:
    """The whole home: the user's posts, one section per role held, the office's overview."""

    memberships: list[Membership]
    sections: list[Section]
    overview: Overview | None = None


# ------------------------------------------------------------------------------ small pieces


def _url(name: str, *args: Any, query: dict[str, Any] | None = None, anchor: str = "") -> str:
    url = reverse(name, args=args)
    if query:
        url += "?" + urlencode(query)
    return url + (f"#{anchor}" if anchor else "")


def optional_url(name: str, *args: Any) -> str | None:
    """The URL of a page another part of the project may or may not have added yet (None
    when it is not there), so the home links it once it exists and never breaks before."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def bounded_count(items: QuerySet[Any], limit: int | None = None) -> tuple[int, bool]:
    """How many items, up to ``limit`` (COUNT_LIMIT), and whether there are more: the statement
    stops reading at ``limit`` + 1 rows, however many match."""
    limit = COUNT_LIMIT if limit is None else limit
    found = items.order_by()[: limit + 1].count()
    return min(found, limit), found > limit


def _figure(
    label: str,
    url: str,
    items: QuerySet[Any],
    *,
    alert: bool = False,
    unit: str = "",
    limit: int | None = None,
) -> Row:
    count, capped = bounded_count(items, limit)
    return Row(label=label, url=url, count=count, capped=capped, alert=alert, unit=unit)


def _ordered(units: Iterable[Unit]) -> list[Unit]:
    return sorted(units, key=lambda u: (u.sort_order, u.code))


def units_with_role(memberships: Iterable[Membership], role: str) -> list[Unit]:
    """The active units in which the memberships hold ``role``, in tree order."""
    return _ordered(m.unit for m in memberships if m.role == role and m.unit.is_active)


def _unit_label(units: list[Unit], unit: Unit) -> str:
    """The unit's name on a row, only when the section covers several units."""
    return unit.name if len(units) > 1 else ""


# ------------------------------------------------------------------ editors and village clerks


def _latest_catalogs(user: Any, units: list[Unit]) -> dict[int, Catalog]:
    """Each unit's newest catalog (any status) with its item count: a unit has one per year."""
    catalogs = (
        catalog_selectors.catalogs_visible_to(user)
        .filter(unit__in=units)
        .annotate(item_count=Count("items"))
        .order_by("unit_id", "-version")
    )
    latest: dict[int, Catalog] = {}
    for catalog in catalogs:
        latest.setdefault(catalog.unit_id, catalog)
    return latest


def _catalog_row(unit: Unit, catalog: Catalog | None, *, label_unit: str, can_create: bool) -> Row:
    """The unit's catalog as a figure: its status, version and items, or that there is none
    yet (linking to 新建目录 only for those who may create one)."""
    if catalog is None:
        return Row(
            label=_("本单位目录"),
            url=_url("staff:catalog_create") if can_create else _url("staff:home"),
            value=_("尚未建立"),
            alert=True,
            unit=label_unit,
        )
    label = _("%(version)s年版目录（%(n)d项）") % {
        "version": catalog.version,
        "n": catalog.item_count,  # type: ignore[attr-defined]
    }
    return Row(
        label=label,
        url=catalog.get_absolute_url(),
        value=catalog.get_status_display(),
        alert=catalog.status == CatalogStatus.RETURNED,
        unit=label_unit,
    )


def _postings_rows(user: Any, units: list[Unit]) -> list[Row]:
    """Per unit: drafts, returned items, items waiting for review, items published, and the
    unit's catalog. One grouped statement over the (unit, status) index for the unfinished
    items; the published ones come from the maintained counts."""
    unfinished = (
        PublicationStatus.DRAFT,
        PublicationStatus.RETURNED,
        PublicationStatus.SUBMITTED,
    )
    grouped = (
        publication_selectors.publications_visible_to(user)
        .filter(unit__in=units, status__in=unfinished)
        .order_by()
        .values("unit_id", "status")
        .annotate(n=Count("pk"))
        .values_list("unit_id", "status", "n")
    )
    pending = {(unit_id, status): n for unit_id, status, n in grouped}
    published = publication_selectors.public_unit_counts(u.pk for u in units)
    catalogs = _latest_catalogs(user, units)
    rows: list[Row] = []
    for unit in units:
        label_unit = _unit_label(units, unit)

        def listed(status: str, unit: Unit = unit) -> str:
            return _url("publications:list", query={"status": status, "unit": unit.pk})

        rows += [
            Row(
                label=_("草稿"),
                url=listed(PublicationStatus.DRAFT),
                count=pending.get((unit.pk, PublicationStatus.DRAFT), 0),
                unit=label_unit,
            ),
            Row(
                label=_("被退回待修改"),
                url=listed(PublicationStatus.RETURNED),
                count=pending.get((unit.pk, PublicationStatus.RETURNED), 0),
                alert=True,
                unit=label_unit,
            ),
            Row(
                label=_("已报送待审核"),
                url=listed(PublicationStatus.SUBMITTED),
                count=pending.get((unit.pk, PublicationStatus.SUBMITTED), 0),
                unit=label_unit,
            ),
            Row(
                label=_("已公开"),
                url=listed(PublicationStatus.PUBLISHED),
                count=published.get(unit.pk, 0),
                unit=label_unit,
            ),
            _catalog_row(
                unit,
                catalogs.get(unit.pk),
                label_unit=label_unit,
                can_create=permissions.can_edit_catalog_of(user, unit),
            ),
        ]
    return rows


def _drafting_links(user: Any, units: list[Unit], *, village: bool) -> list[Row]:
    """What an editor or clerk starts from the home: a new item, a catalog, an import."""
    links = [
        Row(_("起草村务公开信息") if village else _("起草信息"), _url("publications:create")),
        Row(_("新建目录"), _url("staff:catalog_create")),
        Row(_("从Excel导入目录"), _url("staff:catalog_import")),
    ]
    if any(
        permissions.can_import_subsidies_for(user, unit)
        for unit in units
        if unit.kind == UnitKind.VILLAGE
    ) or (not village and permissions.imports_subsidies(user)):
        links.append(Row(_("导入惠农补贴发放名单"), _url("publications:subsidy_import")))
    return links + _village_links(units)


def _village_links(units: list[Unit]) -> list[Row]:
    """A township's staff read (not change) its villages' lists, to guide them (seed 002)."""
    return [
        Row(
            _("%(name)s下辖村（居）目录比对") % {"name": unit.name},
            _url("staff:unit_villages", unit.code),
        )
        for unit in units
        if unit.is_township_level
    ]


def _unit_duty_links(user: Any, units: list[Unit]) -> list[Row]:
    """The ledger, rectification and new-media pages, for the roles that report to them
    (permissions.can_report_task_of and its neighbours: editors and reviewers)."""
    links = [Row(_("工作台账（工作任务和佐证材料）"), _url("ledger:plans"))]
    links.append(Row(_("公众参与（征求意见、留言审核）"), _url("participation:staff_home")))
    if any(permissions.can_report_rectification_of(user, u) for u in units):
        links.append(Row(_("整改事项"), _url("assessment:rectifications")))
    if any(
        permissions.can_record_new_media_posts_of(user, u)
        for u in units
        if u.kind != UnitKind.VILLAGE
    ):
        links.append(Row(_("政务新媒体账号和发布记录"), _url("monitoring:accounts")))
    if any(permissions.can_manage_access_points_of(user, u) for u in units):  # E: 查阅点
        links.append(Row(_("政务公开专区和查阅点"), _url("accesspoints:staff_list")))
    if any(permissions.can_submit_service_of(user, u) for u in units):  # A: 办事指南
        links.append(Row(_("办事指南（政务服务事项）"), _url("serviceguides:list")))
    return links


def _ledger_overdue_row(units: list[Unit], today: dt.date) -> Row:
    count = ledger_selectors.overdue_count(today, units={u.pk for u in units})
    return Row(_("逾期未完成的台账任务"), _url("ledger:overdue"), count=count, alert=True)


def _message_rows(units: list[Unit] | None, today: dt.date) -> list[Row]:
    """K: the public's messages past their due date (5 working days, simple 3, 找错 3), of
    ``units`` (None: the county's), linked to the message list (gongkai.interaction)."""
    ids = None if units is None else {u.pk for u in units}
    count = interaction_selectors.overdue_count(units=ids, today=today)
    url = _url("interaction:list", query={"overdue": "on"})
    return [Row(_("超期未答复的留言"), url, count=count, alert=True)]


def _guide_links(user: Any, units: list[Unit]) -> list[Row]:
    """Each unit's 政府信息公开指南 details, which its editor keeps (when the page exists:
    permissions.can_edit_guide_of decides)."""
    may_edit = getattr(permissions, "can_edit_guide_of", None)
    links = []
    for unit in units:
        url = optional_url("staff:guide_edit", unit.code)
        if url is not None and may_edit is not None and may_edit(user, unit):
            label = _("%(name)s政府信息公开指南") % {"name": unit.name}
            links.append(Row(label, url))
    return links


def _interpretation_rows(units: list[Unit], today: dt.date) -> list[Row]:
    """谁起草、谁解读: the units' policy documents of this year still without an interpretation,
    past the county's deadline (counted against the rate) and still within it
    (gongkai.publications.interpretation)."""
    waiting = publication_interpretation.to_do([u.pk for u in units], today=today)
    url = _url("publications:interpretation")
    return [
        Row(_("逾期未解读的政策文件"), url, count=waiting.missing, alert=True),
        Row(_("待解读的政策文件（期限未到）"), url, count=waiting.pending),
    ]


def editor_section(user: Any, units: list[Unit], today: dt.date) -> Section:
    """信息员: the unit's drafts, returned items and catalog status, and what to start."""
    rows = _postings_rows(user, units)
    rows.append(_ledger_overdue_row(units, today))
    rows.extend(_interpretation_rows(units, today))
    rows.extend(_message_rows(units, today))
    links = _drafting_links(user, units, village=False) + _guide_links(user, units)
    return Section(
        role=Role.EDITOR,
        title=str(Role.EDITOR.label),
        units=[u.name for u in units],
        rows=rows,
        links=links + _unit_duty_links(user, units),
    )


def village_clerk_section(user: Any, units: list[Unit]) -> Section:
    """村务管理员: the village's postings and its 村务公开目录."""
    return Section(
        role=Role.VILLAGE_CLERK,
        title=str(Role.VILLAGE_CLERK.label),
        units=[u.name for u in units],
        rows=_postings_rows(user, units),
        links=_drafting_links(user, units, village=True),
        note=_("村务公开信息报送后，由本村或乡镇的审核人审核公开。"),
    )


# --------------------------------------------------------------------------------- reviewers


def reviewed_unit_ids(user: Any, units: list[Unit]) -> list[int]:
    """The units whose items the user signs off: the reviewer's own units and, for a township's
    reviewer, its villages (permissions.can_approve_publication_of decides each)."""
    candidates = list(units) + list(
        Unit.objects.active()
        .filter(parent__in=units, kind=UnitKind.VILLAGE)
        .select_related("parent")
    )
    return [u.pk for u in candidates if permissions.can_approve_publication_of(user, u)]


def _blocked_count(submitted: QuerySet[Publication]) -> tuple[int, bool]:
    """Of the submitted items, how many the pre-publication checks blocked (a finding of
    severity "block": personal data or a sensitive word). Findings are a JSON list, which
    neither database indexes, so the findings of at most COUNT_LIMIT + 1 submitted items are
    read (a unit's queue is a handful) and counted here."""
    ordered = submitted.order_by("submitted_at", "pk").values_list("findings", flat=True)
    lists = list(ordered[: COUNT_LIMIT + 1])
    blocked = sum(1 for found in lists if any(f.get("severity") == "block" for f in found or []))
    return min(blocked, COUNT_LIMIT), len(lists) > COUNT_LIMIT


def reviewer_section(user: Any, units: list[Unit], today: dt.date) -> Section:
    """审核人: items waiting for review, those the checks blocked, retained items due."""
    ids = reviewed_unit_ids(user, units)
    mine = publication_selectors.publications_visible_to(user).filter(unit_id__in=ids)
    # Not the items the reviewer wrote: another reviewer signs those off (separation of duties).
    submitted = publication_selectors.not_written_by(
        mine.filter(status=PublicationStatus.SUBMITTED), user
    )
    review = "publications:review"
    waiting = _figure(_("待我审核的信息"), _url(review, anchor="awaiting-heading"), submitted)
    blocked, capped = _blocked_count(submitted)
    retained = mine.filter(status=PublicationStatus.RETAINED, review_due__lte=today)
    rows = [
        waiting,
        Row(
            _("其中检查发现须处理问题的"),
            _url(review, anchor="awaiting-heading"),
            count=blocked,
            capped=capped,
            alert=True,
        ),
        _figure(
            _("到期需定期评估的不主动公开信息"),
            _url(review, anchor="retained-heading"),
            retained,
            alert=True,
        ),
        _ledger_overdue_row(units, today),
    ]
    links = [Row(_("政府信息公开工作年度报告"), _url("reports:annual"))]
    return Section(
        role=Role.REVIEWER,
        title=str(Role.REVIEWER.label),
        units=[u.name for u in units],
        rows=rows,
        links=links + _unit_duty_links(user, units) + _village_links(units),
        note=_("打开每条信息，先看“发布前检查”的结果，再审核发布或退回。"),
    )


# ---------------------------------------------------------------------------------- handlers


def _days_text(due: dt.date | None, days_left: int | None, stage: str) -> tuple[str, bool]:
    """How the due date stands, in words, and whether it is overdue."""
    if stage not in application_selectors.CLOCK_STAGES or due is None:
        return _("期限暂停或未开始计算"), False
    if days_left is None:
        return _("剩余工作日未知（缺少该年的工作日历）"), False
    if days_left < 0:
        return _("已逾期%(n)d个工作日") % {"n": -days_left}, True
    if days_left == 0:
        return _("今日到期"), False
    return _("还剩%(n)d个工作日") % {"n": days_left}, False


def _application_queue(open_apps: QuerySet[Application], today: dt.date, *, units: int) -> Queue:
    """The next QUEUE_SIZE open applications: those overdue first, then by due date (those
    without one, e.g. still awaiting receipt, last), on the (unit, stage, due_on) index."""
    lines: list[QueueLine] = []
    cal = calendar()
    ordered = open_apps.annotate(
        late=Case(
            When(stage__in=application_selectors.CLOCK_STAGES, due_on__lt=today, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by("late", F("due_on").asc(nulls_last=True), "pk")
    for application in ordered[:QUEUE_SIZE]:
        left = (
            application_selectors.workdays_left(application.due_on, on=today, cal=cal)
            if application.stage in application_selectors.CLOCK_STAGES
            else None
        )
        text, late = _days_text(application.due_on, left, application.stage)
        due = (
            _("答复期限%(day)s") % {"day": application.due_on.isoformat()}
            if application.due_on
            else _("答复期限未定")
        )
        details = [application.get_stage_display(), due]
        if units > 1:
            details.insert(0, application.unit.name)
        lines.append(
            QueueLine(
                title=application.tracking_no,
                url=_url("applications:detail", application.pk),
                details=details,
                status=text,
                alert=late,
            )
        )
    return Queue(
        heading=_("按答复期限排列的申请（逾期的在前）"),
        anchor="handler-queue",
        lines=lines,
        empty=_("没有未办结的申请。"),
    )


def handler_section(user: Any, units: list[Unit], today: dt.date) -> Section:
    """承办人: the unit's open applications by due date, overdue first, with the counts."""
    scope = application_selectors.applications_visible_to(user).filter(unit__in=units)
    open_apps = application_selectors.open_applications(scope)
    days = settings.GONGKAI_REMINDER_WORKDAYS
    until = application_selectors.reminder_horizon(days, on=today)
    clock_running = Q(stage__in=application_selectors.CLOCK_STAGES)
    counted = {
        "overdue": Count("pk", filter=clock_running & Q(due_on__lt=today)),
        "awaiting": Count("pk", filter=Q(stage=Stage.AWAITING_RECEIPT)),
        "supplement": Count("pk", filter=Q(stage=Stage.SUPPLEMENT)),
        "handling": Count("pk", filter=Q(stage=Stage.HANDLING)),
    }
    if until is not None:  # else the horizon reaches a year the calendar does not know
        counted["soon"] = Count(
            "pk", filter=clock_running & Q(due_on__gte=today, due_on__lte=until)
        )
    figures = {"soon": 0, **open_apps.aggregate(**counted)}
    # The list's unit filter takes one unit of the kinds that receive applications.
    base: dict[str, Any] = {}
    if len(units) == 1 and units[0].kind in application_selectors.HANDLING_KINDS:
        base["unit"] = units[0].pk

    def listed(**query: Any) -> str:
        return _url("applications:list", query={**base, **query})

    rows = [
        Row(_("已逾期未答复"), listed(overdue="on"), count=figures["overdue"], alert=True),
        Row(
            _("%(days)d个工作日内到期") % {"days": days},
            listed(within=days),
            count=figures["soon"],
        ),
        Row(
            _("待确认收到的网上申请"),
            listed(stage=Stage.AWAITING_RECEIPT),
            count=figures["awaiting"],
            alert=True,
        ),
        Row(_("待补正"), listed(stage=Stage.SUPPLEMENT), count=figures["supplement"]),
        Row(_("办理中"), listed(stage=Stage.HANDLING), count=figures["handling"]),
        *_message_rows(units, today),
    ]
    links = []
    if any(permissions.can_handle_applications_of(user, u) for u in units):
        links.append(Row(_("登记申请（当面、邮寄、传真）"), _url("applications:register")))
    links += [
        Row(_("到期提醒和申请列表"), _url("applications:list", anchor="reminders-heading")),
        Row(_("逾期未答复的申请"), _url("applications:overdue")),
        Row(_("年度报告统计表（收到和处理政府信息公开申请情况）"), _url("applications:report")),
    ]
    queue = _application_queue(open_apps.select_related("unit"), today, units=len(units))
    queue.more = Row(_("全部申请"), listed())
    return Section(
        role=Role.HANDLER,
        title=str(Role.HANDLER.label),
        units=[u.name for u in units],
        rows=rows,
        links=links,
        queue=queue,
    )


# ------------------------------------------------------------------- the office and leaders


@dataclass
class CountyFigures:
    """The county-wide figures the office and leaders both see, counted once."""

    overdue: Row
    awaiting: Row
    late: Row
    tasks: Row


def late_publications(today: dt.date, *, days: int = LATE_PERIOD_DAYS) -> QuerySet[Publication]:
    """Items published late (条例第二十六条) in the ``days`` days ending today, by the mark the
    publications app stored when publishing; the same period and rule as
    gongkai.monitoring.lateness.late_by_unit, whose total this is."""
    start = today - dt.timedelta(days=days - 1)
    return Publication.objects.filter(
        status=PublicationStatus.PUBLISHED,
        is_late=True,
        published_at__gte=end_of(start - dt.timedelta(days=1)),
        published_at__lt=end_of(today),
    )


def county_figures(user: Any, today: dt.date) -> CountyFigures:
    """Overdue applications, online applications awaiting receipt, late publications and
    overdue ledger tasks of the whole county (the office and leaders read everything:
    permissions.reads_everything). The two application figures are one statement over the open
    applications (application_selectors.overdue's rule: the reply clock runs and the due date
    has passed)."""
    scope = application_selectors.open_applications(
        application_selectors.applications_visible_to(user)
    )
    counts = scope.aggregate(
        overdue=Count(
            "pk", filter=Q(stage__in=application_selectors.CLOCK_STAGES, due_on__lt=today)
        ),
        awaiting=Count("pk", filter=Q(stage=Stage.AWAITING_RECEIPT)),
    )
    return CountyFigures(
        overdue=Row(
            _("全县逾期未答复的申请"),
            _url("applications:overdue"),
            count=counts["overdue"],
            alert=True,
        ),
        awaiting=Row(
            _("待确认收到的网上申请"),
            _url("applications:list", query={"stage": Stage.AWAITING_RECEIPT}),
            count=counts["awaiting"],
            alert=True,
        ),
        late=_figure(
            _("近%(days)d日超期公开的信息") % {"days": LATE_PERIOD_DAYS},
            _url("monitoring:overview", anchor="late-heading"),
            late_publications(today),
            alert=True,
            limit=LATE_COUNT_LIMIT,
        ),
        tasks=Row(
            _("逾期未完成的台账任务"),
            _url("ledger:overdue"),
            count=ledger_selectors.overdue_count(today, units=permissions.visible_unit_ids(user)),
            alert=True,
        ),
    )


def _catalog_queue(lines: list[Catalog]) -> Queue:
    return Queue(
        heading=_("待审核目录"),
        anchor="queue-heading",
        lines=[
            QueueLine(
                title=catalog.unit.name,
                url=catalog.get_absolute_url(),
                details=[
                    _("%(version)s年版") % {"version": catalog.version},
                    _("%(n)d项") % {"n": catalog.item_count},  # type: ignore[attr-defined]
                ],
                status=_("报送于%(day)s")
                % {"day": clock.localdate(catalog.submitted_at).isoformat()}
                if catalog.submitted_at
                else "",
            )
            for catalog in lines
        ],
        empty=_("没有待审核的目录。"),
    )


def office_section(user: Any, units: list[Unit], figures: CountyFigures, today: dt.date) -> Section:
    """公开办: catalogs to review (listed here, oldest first), the county's overdue applications
    and late publications, and the office's own pages."""
    waiting = list(catalog_selectors.catalogs_awaiting_review()[:QUEUE_SIZE])
    to_review = Row(_("待审核目录"), _url("staff:home", anchor="queue-heading"), count=len(waiting))
    if len(waiting) == QUEUE_SIZE:  # more than the queue shows: count them all
        to_review = _figure(
            to_review.label,
            to_review.url,
            catalog_selectors.catalogs_visible_to(user).filter(status=CatalogStatus.SUBMITTED),
        )
    rows = [to_review, figures.overdue, figures.awaiting, figures.late, figures.tasks]
    rows.extend(_message_rows(None, today))
    links = [
        Row(_("网站与政务新媒体监测"), _url("monitoring:overview")),
        Row(_("数据看板"), _url("assessment:dashboard")),
        Row(_("政务公开月报"), _url("reports:monthly")),
        Row(_("政府信息公开工作年度报告"), _url("reports:annual")),
        Row(_("工作台账（工作任务和佐证材料）"), _url("ledger:plans")),
        Row(_("公众参与（决策事项目录、征求意见、会议公开）"), _url("participation:staff_home")),
        Row(_("政策找人（订阅与推送、服务对象标签）"), _url("push_staff:overview")),
        Row(_("考核指标与得分"), _url("assessment:sets")),
        Row(_("整改事项"), _url("assessment:rectifications")),
        Row(_("全部政府信息"), _url("publications:list")),
        Row(_("检查词库（错敏字）"), _url("publications:words")),
        Row(_("导入已公开信息（旧网站迁移）"), _url("publications:import")),
        Row(_("登记申请（当面、邮寄、传真）"), _url("applications:register")),
        Row(_("文书模板"), _url("applications:letter_templates")),
        Row(_("办事指南（政务服务事项）"), _url("serviceguides:list")),  # A: issue 14
    ]
    # Pages other parts of issue 11 add for the office (找错 queue, site settings): linked
    # once their URL exists.
    for name, label in OFFICE_OPTIONAL_PAGES:
        url = optional_url(name)
        if url is not None:
            links.append(Row(str(label), url))
    return Section(
        role=Role.OFFICE,
        title=str(Role.OFFICE.label),
        units=[u.name for u in units],
        rows=rows,
        links=links,
        queue=_catalog_queue(waiting),
    )


# (URL name, label): the office's pages that other parts of issue 11 add (the 找错 queue, the
# site settings, the units' guides), linked when their URL exists.
OFFICE_OPTIONAL_PAGES: tuple[tuple[str, StrOrPromise], ...] = (
    ("interaction:list", gettext_lazy("留言办理（领导信箱、咨询、我为政府网站找错）")),
    ("accesspoints:staff_list", gettext_lazy("政务公开专区和查阅点")),  # E (issue 14)
    ("site:settings", gettext_lazy("网站设置（主办单位、备案号和联系方式）")),
    ("staff:guide_list", gettext_lazy("政府信息公开指南维护")),
    ("staff:audit_log", gettext_lazy("审计日志（导出、校验）")),
    ("topics:staff_list", gettext_lazy("专题专栏（专题页面和收录规则）")),  # D: issue 14
    ("enterprises:list", gettext_lazy("公共企事业单位（适用主体清单）")),  # C, issue 14
)


def leader_section(units: list[Unit], figures: CountyFigures) -> Section:
    """领导: the county's figures, each linking to a page that only reads."""
    published = publication_selectors.public_total()
    rows = [
        Row(_("已公开的政府信息"), _url("portal:disclosure"), count=published),
        figures.overdue,
        figures.late,
        figures.tasks,
    ]
    links = [
        Row(_("数据看板"), _url("assessment:dashboard")),
        Row(_("网站与政务新媒体监测"), _url("monitoring:overview")),
        Row(_("政务公开月报"), _url("reports:monthly")),
        Row(_("政府信息公开工作年度报告"), _url("reports:annual")),
        Row(_("考核指标与得分"), _url("assessment:sets")),
        Row(_("工作台账（工作任务和佐证材料）"), _url("ledger:plans")),
        Row(_("审计日志"), _url("staff:audit_log")),
    ]
    return Section(
        role=Role.LEADER,
        title=str(Role.LEADER.label),
        units=[u.name for u in units],
        rows=rows,
        links=links,
        note=_("以上为只读数据，各项工作由公开办和各单位办理。"),
    )


def catalog_overview(user: Any) -> Overview:
    """Every unit's newest catalog for the office, the first OVERVIEW_LIMIT units in tree
    order: a statement for those units and one for their catalogs (and a count of the units
    only when there are more)."""
    units = units_visible_to(user).order_by("sort_order", "code")
    shown = list(units[: OVERVIEW_LIMIT + 1])
    total = len(shown) if len(shown) <= OVERVIEW_LIMIT else units.count()
    shown = shown[:OVERVIEW_LIMIT]
    latest = _latest_catalogs(user, shown)
    return Overview(
        lines=[OverviewLine(unit=u, catalog=latest.get(u.pk)) for u in shown], total=total
    )


def workbench(user: User) -> Workbench:
    """The sections of the user's home, one per role held, in ROLE_ORDER. A superuser without
    roles works as the office (permissions.is_office)."""
    today = clock.today()
    memberships = list(memberships_of(user))
    held = {m.role for m in memberships if m.unit.is_active}
    if permissions.is_office(user):
        held.add(Role.OFFICE)
    figures = county_figures(user, today) if held & {Role.OFFICE, Role.LEADER} else None
    sections: list[Section] = []
    for role in ROLE_ORDER:
        units = units_with_role(memberships, role)
        if role == Role.EDITOR and units:
            sections.append(editor_section(user, units, today))
        elif role == Role.REVIEWER and units:
            sections.append(reviewer_section(user, units, today))
        elif role == Role.HANDLER and units:
            sections.append(handler_section(user, units, today))
        elif role == Role.VILLAGE_CLERK and units:
            sections.append(village_clerk_section(user, units))
        elif role == Role.OFFICE and role in held and figures is not None:
            sections.append(office_section(user, units, figures, today))
        elif role == Role.LEADER and units and figures is not None:
            sections.append(leader_section(units, figures))
    overview = catalog_overview(user) if permissions.can_review_catalogs(user) else None
    return Workbench(memberships=memberships, sections=sections, overview=overview)
