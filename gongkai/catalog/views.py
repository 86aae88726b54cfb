"""The staff workspace for catalogs (/staff/): thin views over the catalog selectors and services.

Reads go through ``catalogs_visible_to`` and the other selectors, so a unit boundary the user may
not cross is a 404. Writes go through the services, which check permission again and refuse with a
GongkaiError: AccessDenied becomes the 403 page, every other refusal a message on the page the user
came from. Buttons are shown from the predicates in ``gongkai.orgs.permissions``; nothing here
decides access by itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongkai.catalog import excel, selectors, services, workbench
from gongkai.catalog.consistency import (
    COMPARED_FIELDS,
    ConsistencyReport,
    village_consistency,
    village_reports,
)
from gongkai.catalog.forms import CatalogImportForm, CatalogItemForm, CommentForm, UnitVersionForm
from gongkai.catalog.models import (
    PUBLIC_STATUSES,
    TEXT_ELEMENTS,
    TICK_FIELDS,
    TICK_GROUPS,
    Catalog,
    CatalogAction,
    CatalogEvent,
    CatalogItem,
    CatalogStatus,
)
from gongkai.core.errors import AccessDenied, GongkaiError
from gongkai.orgs import permissions
from gongkai.orgs.models import Unit, UnitKind, User
from gongkai.orgs.selectors import units_of, units_visible_to
from gongkai.orgs.staff_pages import denied, flash_error, staff_user

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Columns of the national layout after 一级事项/二级事项, and the tick groups, as table headers.
TABLE_TEXT_HEADERS = [label for _field, label in TEXT_ELEMENTS[2:]]
TABLE_TICK_HEADERS = [(group, [label for _f, label in ticks]) for group, ticks in TICK_GROUPS]


# ---------------------------------------------------------------------------- helpers


def _visible_catalog(request: HttpRequest, pk: int) -> Catalog:
    return get_object_or_404(selectors.catalogs_visible_to(request.user), pk=pk)


def _visible_item(request: HttpRequest, pk: int) -> CatalogItem:
    """The item, found through the catalog holding it so the unit boundary applies (404)."""
    catalog = get_object_or_404(selectors.catalogs_visible_to(request.user), items__pk=pk)
    item = get_object_or_404(selectors.catalog_items(catalog), pk=pk)
    item.catalog = catalog  # keep the unit already fetched with it
    return item


def _editable_units(user: User) -> QuerySet[Unit]:
    """The user's units whose catalog they may draft, import and change."""
    mine = list(units_of(user))
    ids = [unit.pk for unit in mine if permissions.can_edit_catalog_of(user, unit)]
    return units_of(user).filter(pk__in=ids)


def _latest_per_unit(catalogs: Iterable[Catalog]) -> dict[int, Catalog]:
    """The newest version of each unit's catalog, from catalogs ordered newest first per unit."""
    latest: dict[int, Catalog] = {}
    for catalog in catalogs:
        latest.setdefault(catalog.unit_id, catalog)
    return latest


def _latest_return_comment(catalog: Catalog, events: list[CatalogEvent]) -> CatalogEvent | None:
    """While a catalog is returned, the office's comment is what the editor must act on."""
    if catalog.status != CatalogStatus.RETURNED:
        return None
    returned = [e for e in events if e.action == CatalogAction.RETURNED]
    return returned[-1] if returned else None


@dataclass
class ItemRow:
    """One row of a catalog table in the national layout, ready for the template.

    Unlike the public table, 一级事项 is repeated on every row (rowspan 1): editors change and
    delete items one by one, and the 第N项 numbers match those in ``catalog_problems``.
    """

    number: int
    item: CatalogItem
    texts: list[str]
    ticks: list[str]
    missing: list[str]
    level1_rowspan: int = 1


def _item_rows(items: Iterable[CatalogItem], *, start: int = 1) -> list[ItemRow]:
    return [
        ItemRow(
            number=number,
            item=item,
            texts=[getattr(item, field) for field, _label in TEXT_ELEMENTS[2:]],
            ticks=["√" if getattr(item, field) else "" for field in TICK_FIELDS],
            missing=item.missing_elements(),
        )
        for number, item in enumerate(items, start=start)
    ]


def _render(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    return render(
        request,
        template,
        context,
        status=status,
    )


def _xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    return response


# ---------------------------------------------------------------------------- pages


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The workspace (工作台): the user's posts and one section per role held, each with its
    own work counted and linked (gongkai.catalog.workbench builds them)."""
    user = staff_user(request)
    bench = workbench.workbench(user)
    context = {
        "memberships": bench.memberships,
        "sections": bench.sections,
        "overview": bench.overview,
    }
    return _render(request, "staff/home.html", context)


@login_required
def catalog_create(request: HttpRequest) -> HttpResponse:
    """Start a unit's catalog for a year: from last year's version or from the guidelines."""
    user = staff_user(request)
    units = _editable_units(user)
    if not units.exists():
        raise PermissionDenied(_("只有单位的信息员（村务管理员）可以新建目录。"))
    form = UnitVersionForm(request.POST or None, units=units)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                catalog = services.catalog_create(
                    actor=user,
                    unit=form.cleaned_data["unit"],
                    version=form.cleaned_data["version"],
                )
            except AccessDenied as err:
                raise denied(err) from err
            except GongkaiError as err:
                form.add_error(None, err.message)
            else:
                messages.success(request, _("已新建%(catalog)s。") % {"catalog": catalog})
                return redirect(catalog)
        status = 400
    return _render(request, "staff/catalog_create.html", {"form": form}, status=status)


@login_required
def catalog_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A catalog's working copy: items by domain, what is missing, its history and the actions
    the user may take on it now."""
    user = staff_user(request)
    try:
        catalog = selectors.catalog_with_history(selectors.catalogs_visible_to(user), pk)
    except Catalog.DoesNotExist as err:
        raise Http404 from err
    unit = catalog.unit
    sections = []
    number = 1
    for section in selectors.catalog_sections(catalog):
        rows = _item_rows(section.items, start=number)
        number += len(rows)
        sections.append((section.domain, rows))
    can_edit = permissions.can_edit_catalog_of(user, unit) and catalog.is_editable
    is_reviewer = permissions.can_review_catalogs(user)
    events = list(catalog.events.all())
    context = {
        "catalog": catalog,
        "unit": unit,
        "sections": sections,
        "item_count": number - 1,
        "problems": services.catalog_problems(catalog),
        "events": events,
        "return_comment": _latest_return_comment(catalog, events),
        "can_edit": can_edit,
        "can_import": can_edit,
        "can_submit": permissions.can_submit_catalog_of(user, unit)
        and catalog.can_move_to(CatalogStatus.SUBMITTED),
        "can_review": is_reviewer and catalog.can_move_to(CatalogStatus.APPROVED),
        # Separation of duties: an office member who wrote the catalog may return it, not approve.
        "self_review_message": permissions.SELF_REVIEW_CATALOG_MESSAGE
        if is_reviewer
        and catalog.can_move_to(CatalogStatus.APPROVED)
        and not permissions.may_sign_off(user, services.writer_ids(catalog))
        else "",
        "can_report": is_reviewer and catalog.can_move_to(CatalogStatus.REPORTED),
        "is_public": catalog.status in PUBLIC_STATUSES,
        "is_village": unit.is_village,
        "is_township_level": unit.is_township_level,
        "text_headers": TABLE_TEXT_HEADERS,
        "tick_headers": TABLE_TICK_HEADERS,
    }
    return _render(request, "staff/catalog_detail.html", context)


def _transition(
    request: HttpRequest,
    pk: int,
    service: Callable[..., Catalog],
    done: str,
) -> HttpResponse:
    """Run one status change through its service and go back to the catalog page."""
    user = staff_user(request)
    catalog = _visible_catalog(request, pk)
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("意见或说明不能超过2000字。"))
        return redirect(catalog)
    try:
        service(actor=user, catalog=catalog, comment=form.cleaned_data["comment"])
    except AccessDenied as err:
        raise denied(err) from err
    except GongkaiError as err:
        flash_error(request, err, more=_("请查看目录页“待完善”一栏。"))
    else:
        messages.success(request, done)
    return redirect(catalog)


@login_required
@require_POST
def catalog_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(request, pk, services.catalog_submit, _("已报送县政务公开办审核。"))


@login_required
@require_POST
def catalog_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(request, pk, services.catalog_approve, _("已审核通过，目录已向社会公开。"))


@login_required
@require_POST
def catalog_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(request, pk, services.catalog_return, _("已退回修改，意见已记录。"))


@login_required
@require_POST
def catalog_report(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(request, pk, services.catalog_report, _("已记录报送市级。"))


@login_required
def catalog_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The catalog as a workbook in the national layout, whatever its status."""
    catalog = _visible_catalog(request, pk)
    sections = selectors.catalog_sections(catalog)
    content = excel.write_catalog_workbook(
        [(section.domain, section.items) for section in sections],
        title_prefix=f"{catalog.unit.name}{catalog.version}年",
    )
    return _xlsx_response(content, f"{catalog.unit.code}-{catalog.version}-目录.xlsx")


def _import_summary(request: HttpRequest, summary: services.ImportSummary) -> None:
    """Say what the import did, and name any column it left out so nothing vanishes silently."""
    sheets = "；".join(
        _("工作表“%(sheet)s”（%(domain)s）%(items)d项")
        % {"sheet": s["sheet"], "domain": s["domain"], "items": s["items"]}
        for s in summary.sheets
    )
    messages.success(
        request,
        _("导入完成：共%(items)d项，来自%(count)d个工作表（%(sheets)s），替换原有%(replaced)d项。")
        % {
            "items": summary.items,
            "count": len(summary.sheets),
            "sheets": sheets,
            "replaced": summary.replaced,
        },
    )
    for sheet in summary.sheets:
        if sheet.get("ignored_columns"):
            messages.warning(
                request,
                _("工作表“%(sheet)s”中以下列无法识别，未导入：%(columns)s。")
                % {"sheet": sheet["sheet"], "columns": "、".join(sheet["ignored_columns"])},
            )


@login_required
def catalog_import(request: HttpRequest) -> HttpResponse:
    """Fill a unit's catalog from an Excel workbook; all or nothing, every problem listed."""
    user = staff_user(request)
    units = _editable_units(user)
    if not units.exists():
        raise PermissionDenied(_("只有单位的信息员（村务管理员）可以导入目录。"))
    problems: list[str] = []
    status = 200
    if request.method == "POST":
        form = CatalogImportForm(request.POST, request.FILES, units=units)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                summary = services.catalog_import(
                    actor=user,
                    unit=form.cleaned_data["unit"],
                    version=form.cleaned_data["version"],
                    source=upload.read(),
                    filename=upload.name or "",
                )
            except AccessDenied as err:
                raise denied(err) from err
            except GongkaiError as err:
                form.add_error(None, err.message)
                problems = list(getattr(err, "problems", []))
            else:
                _import_summary(request, summary)
                return redirect(reverse("staff:catalog_detail", args=[summary.catalog]))
        status = 400
    else:
        initial: dict[str, Any] = {}
        unit_id = request.GET.get("unit", "")
        if unit_id.isdigit():
            initial["unit"] = int(unit_id)
        version = request.GET.get("version", "")
        if version.isdigit():
            initial["version"] = int(version)
        form = CatalogImportForm(initial=initial, units=units)
    context = {
        "form": form,
        "problems": problems,
        "max_upload_mb": f"{settings.GONGKAI_MAX_UPLOAD_BYTES / 1024 / 1024:g}",
    }
    return _render(request, "staff/catalog_import.html", context, status=status)


# ---------------------------------------------------------------------------- items


def _item_form_page(
    request: HttpRequest,
    *,
    catalog: Catalog,
    form: CatalogItemForm,
    item: CatalogItem | None,
    status: int = 200,
) -> HttpResponse:
    context = {"catalog": catalog, "form": form, "item": item}
    return _render(request, "staff/item_form.html", context, status=status)


def _require_editor(user: User, catalog: Catalog) -> None:
    """Refuse the item pages to people who could never save them (a 403 rather than a form that
    fails on submit); the services still check the POST itself."""
    if not permissions.can_edit_catalog_of(user, catalog.unit):
        raise PermissionDenied(_("只能修改本单位的目录。"))


@login_required
def item_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    catalog = _visible_catalog(request, pk)
    _require_editor(user, catalog)
    form = CatalogItemForm(request.POST or None)
    if request.method != "POST":
        return _item_form_page(request, catalog=catalog, form=form, item=None)
    if form.is_valid():
        try:
            item = services.catalog_item_add(
                actor=user,
                catalog=catalog,
                domain=form.cleaned_data["domain"],
                elements=form.elements(),
            )
        except AccessDenied as err:
            raise denied(err) from err
        except GongkaiError as err:
            form.add_error(None, err.message)
        else:
            messages.success(request, _("已新增事项“%(item)s”。") % {"item": item})
            return redirect(catalog)
    return _item_form_page(request, catalog=catalog, form=form, item=None, status=400)


@login_required
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    item = _visible_item(request, pk)
    catalog = item.catalog
    _require_editor(user, catalog)
    if request.method != "POST":
        form = CatalogItemForm(initial={**item.elements(), "domain": item.domain})
        return _item_form_page(request, catalog=catalog, form=form, item=item)
    form = CatalogItemForm(request.POST)
    if form.is_valid():
        try:
            services.catalog_item_update(
                actor=user,
                item=item,
                elements=form.elements(),
                domain=form.cleaned_data["domain"],
            )
        except AccessDenied as err:
            raise denied(err) from err
        except GongkaiError as err:
            form.add_error(None, err.message)
        else:
            messages.success(request, _("已保存事项“%(item)s”。") % {"item": item})
            return redirect(catalog)
    return _item_form_page(request, catalog=catalog, form=form, item=item, status=400)


@login_required
def item_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask first (GET), then delete (POST): no item disappears on a stray link."""
    user = staff_user(request)
    item = _visible_item(request, pk)
    catalog = item.catalog
    _require_editor(user, catalog)
    if request.method != "POST":
        return _render(
            request, "staff/item_confirm_delete.html", {"item": item, "catalog": catalog}
        )
    label = str(item)
    try:
        services.catalog_item_delete(actor=user, item=item)
    except AccessDenied as err:
        raise denied(err) from err
    except GongkaiError as err:
        flash_error(request, err, more=_("请查看目录页“待完善”一栏。"))
    else:
        messages.success(request, _("已删除事项“%(item)s”。") % {"item": label})
    return redirect(catalog)


# ---------------------------------------------------------------------------- villages


@dataclass
class FieldDifference:
    label: str
    village_text: str
    township_text: str


def _differences(report: ConsistencyReport) -> list[tuple[Any, list[FieldDifference]]]:
    """Each differing matter with its differing fields side by side (village vs township)."""
    result = []
    for difference in report.differences:
        fields = [
            FieldDifference(
                label=label,
                village_text=getattr(difference.village_item, name),
                township_text=getattr(difference.township_item, name),
            )
            for name, label in COMPARED_FIELDS
            if label in difference.fields
        ]
        result.append((difference, fields))
    return result


@login_required
def catalog_consistency(request: HttpRequest, pk: int) -> HttpResponse:
    """A village's list against its township's: same matters must say the same (seed 002/004)."""
    user = staff_user(request)
    catalog = _visible_catalog(request, pk)
    if not catalog.unit.is_village:
        raise Http404(_("只有村（居）目录需要与乡镇目录比对。"))
    report = village_consistency(catalog)
    township_catalog = report.township_catalog
    context = {
        "catalog": catalog,
        "report": report,
        "township_catalog": township_catalog,
        "can_open_township": township_catalog is not None
        and permissions.can_view_unit(user, township_catalog.unit),
        "differences": _differences(report),
        "missing": report.missing,
    }
    return _render(request, "staff/catalog_consistency.html", context)


@dataclass
class VillageRow:
    village: Unit
    catalog: Catalog | None
    compared_with: Catalog | None = None
    differences: int = 0
    missing: int = 0
    is_consistent: bool = False


@login_required
def unit_villages(request: HttpRequest, code: str) -> HttpResponse:
    """A township's villages, each one's newest list checked against the township's."""
    user = staff_user(request)
    township = get_object_or_404(units_visible_to(user), code=code)
    if not township.is_township_level:
        raise Http404(_("只有乡镇有下辖村（居）。"))
    villages = units_visible_to(user).filter(parent=township, kind=UnitKind.VILLAGE)
    latest = _latest_per_unit(
        selectors.catalogs_visible_to(user)
        .filter(unit__in=villages)
        .order_by("unit_id", "-version")
    )
    reports = village_reports(list(latest.values()))
    rows = []
    for village in villages.order_by("sort_order", "code"):
        row = VillageRow(village=village, catalog=latest.get(village.pk))
        if row.catalog is not None:
            report = reports[row.catalog.pk]
            row.compared_with = report.township_catalog
            row.differences = len(report.differences)
            row.missing = len(report.missing)
            row.is_consistent = report.is_consistent
        rows.append(row)
    context = {"township": township, "rows": rows}
    return _render(request, "staff/unit_villages.html", context)
