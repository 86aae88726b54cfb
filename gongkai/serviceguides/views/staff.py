"""Staff pages for service guides (/staff/banshi/): thin views over the selectors and services.

Reads go through ``gongkai.serviceguides.selectors`` (another unit's guide is a 404); writes go
through the services, which check permission again: AccessDenied becomes the 403 page, any other
refusal a message with its problems. Buttons are shown from ``gongkai.orgs.permissions``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongkai.core.downloads import stored_download
from gongkai.core.errors import AccessDenied, GongkaiError
from gongkai.orgs import permissions
from gongkai.orgs.models import Unit, User
from gongkai.orgs.selectors import units_of
from gongkai.orgs.staff_pages import denied, flash_error, staff_user
from gongkai.publications import checks
from gongkai.serviceguides import excel, selectors, services, validation
from gongkai.serviceguides.forms import (
    ImportForm,
    MaterialRowForm,
    NewServiceItemForm,
    QuestionForm,
    ReasonForm,
    ServiceItemForm,
)
from gongkai.serviceguides.models import Material, Question, ServiceItem, ServiceStatus

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _draft_units(user: User) -> QuerySet[Unit]:
    """The user's units whose guides they may draft and import."""
    ids = [u.pk for u in units_of(user) if permissions.can_draft_service_of(user, u)]
    return Unit.objects.filter(pk__in=ids).order_by("sort_order", "code")


def _item(request: HttpRequest, pk: int) -> ServiceItem:
    try:
        return selectors.service_item_for(request.user, pk)
    except ServiceItem.DoesNotExist as err:
        raise Http404 from err


def _material(request: HttpRequest, pk: int) -> Material:
    try:
        return selectors.material_for(request.user, pk)
    except (Material.DoesNotExist, ServiceItem.DoesNotExist) as err:
        raise Http404 from err


def _question(request: HttpRequest, pk: int) -> Question:
    try:
        return selectors.question_for(request.user, pk)
    except (Question.DoesNotExist, ServiceItem.DoesNotExist) as err:
        raise Http404 from err


def _require_drafter(user: User, item: ServiceItem) -> None:
    if not permissions.can_draft_service_of(user, item.unit):
        raise PermissionDenied(_("只有本单位的信息员可以修改本单位的办事指南。"))


@login_required
def service_list(request: HttpRequest) -> HttpResponse:
    """Guides of the units the user may see, with status and what each still lacks."""
    user = staff_user(request)
    if not permissions.is_staff_member(user):
        raise PermissionDenied(_("只有工作人员可以查看。"))
    units = list(selectors.units_with_services(user))
    code = request.GET.get("unit", "")
    unit = next((u for u in units if u.code == code), None)
    if unit is None and code:
        raise Http404
    if unit is None and len([u for u in units if getattr(u, "service_count", 0)]) > 1:
        # The office sees many units: the list starts with the units, one click per unit.
        rows: list[dict[str, Any]] = []
        shown_units = [
            u
            for u in units
            if getattr(u, "service_count", 0) or permissions.can_draft_service_of(user, u)
        ]
    else:
        shown_units = []
        items = list(selectors.service_items_for_list(user, unit))
        check = checks.checker()
        rows = []
        for item in items:
            result = validation.check_guide(
                item,
                materials=list(item.materials.all()),
                questions=list(item.questions.all()),
                using=check,
            )
            rows.append({"item": item, "problems": result.problems, "warnings": result.warnings})
    context = {
        "rows": rows,
        "unit": unit,
        "units": shown_units,
        "can_create": _draft_units(user).exists(),
    }
    return render(request, "serviceguides/staff_list.html", context)


@login_required
def service_create(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    units = _draft_units(user)
    if not units.exists():
        raise PermissionDenied(_("只有单位的信息员可以新建办事指南。"))
    unit_id = request.POST.get("unit") or request.GET.get("unit") or ""
    unit = units.filter(pk=unit_id).first() if unit_id.isdigit() else units.first()
    catalog_items = selectors.latest_catalog_items_for(unit) if unit else []
    form = NewServiceItemForm(
        request.POST or None,
        units=units,
        catalog_items=catalog_items,
        initial={"unit": unit, "kind": "public_service"},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                item = services.service_item_create(
                    actor=user,
                    unit=form.cleaned_data["unit"],
                    values=form.values(),
                    life_events=form.cleaned_data["life_events"],
                )
            except AccessDenied as err:
                raise denied(err) from err
            except GongkaiError as err:
                form.add_error(None, err.message)
            else:
                messages.success(request, _("已新建办事指南，请继续填写办理材料和常见问题。"))
                return redirect("serviceguides:detail", item.pk)
        status = 400
    return render(
        request,
        "serviceguides/staff_form.html",
        {"form": form, "item": None, "units": units},
        status=status,
    )


@login_required
def service_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A guide as staff see it: every element, what is missing, and the actions allowed now."""
    user = staff_user(request)
    item = _item(request, pk)
    result = validation.check_guide(
        item, materials=list(item.materials.all()), questions=list(item.questions.all())
    )
    can_publish = permissions.can_publish_service_of(user, item.unit)
    self_written = can_publish and not permissions.may_sign_off(user, services.writer_ids(item))
    context = {
        "item": item,
        "problems": result.problems,
        "warnings": result.warnings,
        "can_edit": permissions.can_draft_service_of(user, item.unit),
        "can_submit": permissions.can_submit_service_of(user, item.unit)
        and item.can_move_to(ServiceStatus.SUBMITTED),
        "can_publish": can_publish
        and not self_written
        and item.status in (ServiceStatus.DRAFT, ServiceStatus.SUBMITTED),
        "self_publish_message": permissions.SELF_PUBLISH_SERVICE_MESSAGE
        if self_written and item.status != ServiceStatus.PUBLISHED
        else "",
        "can_return": can_publish and item.status == ServiceStatus.SUBMITTED,
        "can_withdraw": can_publish and item.status == ServiceStatus.PUBLISHED,
        "reason_form": ReasonForm(),
        "is_published": item.status == ServiceStatus.PUBLISHED,
        "history": selectors.service_history(item),
        "can_delete": permissions.can_draft_service_of(user, item.unit)
        and item.version == 0
        and item.status in (ServiceStatus.DRAFT, ServiceStatus.SUBMITTED),
    }
    return render(request, "serviceguides/staff_detail.html", context)


@login_required
def service_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    item = _item(request, pk)
    _require_drafter(user, item)
    catalog_items = selectors.latest_catalog_items_for(item.unit)
    if item.catalog_item is not None and item.catalog_item not in catalog_items:
        catalog_items.insert(0, item.catalog_item)
    if request.method != "POST":
        initial = {name: getattr(item, name) for name in services.ITEM_FIELDS}
        initial["life_events"] = list(item.life_events.all())
        form = ServiceItemForm(initial=initial, catalog_items=catalog_items)
        return render(request, "serviceguides/staff_form.html", {"form": form, "item": item})
    form = ServiceItemForm(request.POST, catalog_items=catalog_items)
    if form.is_valid():
        try:
            services.service_item_update(
                actor=user,
                item=item,
                values=form.values(),
                life_events=form.cleaned_data["life_events"],
            )
        except AccessDenied as err:
            raise denied(err) from err
        except GongkaiError as err:
            form.add_error(None, err.message)
        else:
            messages.success(request, _("已保存。"))
            return redirect("serviceguides:detail", item.pk)
    return render(
        request, "serviceguides/staff_form.html", {"form": form, "item": item}, status=400
    )


def _step(request: HttpRequest, pk: int, run: Any, done: str) -> HttpResponse:
    user = staff_user(request)
    item = _item(request, pk)
    try:
        run(user, item)
    except AccessDenied as err:
        raise denied(err) from err
    except GongkaiError as err:
        flash_error(request, err)
    else:
        messages.success(request, done)
    return redirect("serviceguides:detail", item.pk)


@login_required
@require_POST
def service_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        lambda user, item: services.service_item_submit(actor=user, item=item),
        _("已报送审核。"),
    )


@login_required
@require_POST
def service_publish(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        lambda user, item: services.service_item_publish(actor=user, item=item),
        _("已发布，办事指南已在网站“办事服务”栏目公开。"),
    )


def _reason(request: HttpRequest) -> str:
    form = ReasonForm(request.POST)
    return form.cleaned_data["reason"] if form.is_valid() else ""


@login_required
@require_POST
def service_return(request: HttpRequest, pk: int) -> HttpResponse:
    reason = _reason(request)
    return _step(
        request,
        pk,
        lambda user, item: services.service_item_return(actor=user, item=item, comment=reason),
        _("已退回修改。"),
    )


@login_required
@require_POST
def service_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    reason = _reason(request)
    return _step(
        request,
        pk,
        lambda user, item: services.service_item_withdraw(actor=user, item=item, reason=reason),
        _("已撤回，网站不再显示该办事指南。"),
    )


@login_required
def service_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask first (GET), then delete a never-published draft (POST)."""
    user = staff_user(request)
    item = _item(request, pk)
    _require_drafter(user, item)
    if request.method != "POST":
        return render(request, "serviceguides/staff_delete.html", {"item": item})
    try:
        services.service_item_delete(actor=user, item=item)
    except AccessDenied as err:
        raise denied(err) from err
    except GongkaiError as err:
        flash_error(request, err)
        return redirect("serviceguides:detail", item.pk)
    messages.success(request, _("已删除草稿“%(name)s”。") % {"name": item.name})
    return redirect(reverse("serviceguides:list") + f"?unit={item.unit.code}")


# ---------------------------------------------------------------------------- rows


def _files(request: HttpRequest, form: MaterialRowForm) -> dict[str, services.MaterialFile]:
    """Check the uploaded files (before any transaction); raises ValidationFailed."""
    checked = {}
    for which in ("sample", "blank_form"):
        upload = form.cleaned_data.get(which)
        if upload:
            checked[which] = services.read_material_file(upload.name or "", upload.read())
    return checked


@login_required
def material_form(request: HttpRequest, pk: int = 0, material_pk: int = 0) -> HttpResponse:
    """Add (pk: the guide) or change (material_pk) one material with its files."""
    user = staff_user(request)
    material = _material(request, material_pk) if material_pk else None
    item = material.service if material is not None else _item(request, pk)
    _require_drafter(user, item)
    problems: list[str] = []
    if request.method != "POST":
        initial = (
            {
                n: getattr(material, n)
                for n in ("name", "source", "form", "copies", "required", "note")
            }
            if material
            else None
        )
        form = MaterialRowForm(initial=initial)
    else:
        form = MaterialRowForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                files = _files(request, form)
                if material is None:
                    services.material_add(actor=user, service=item, values=form.values(), **files)
                else:
                    services.material_update(
                        actor=user,
                        material=material,
                        values=form.values(),
                        clear_sample=form.cleaned_data["clear_sample"],
                        clear_blank_form=form.cleaned_data["clear_blank_form"],
                        **files,
                    )
            except AccessDenied as err:
                raise denied(err) from err
            except GongkaiError as err:
                form.add_error(None, err.message)
                problems = list(getattr(err, "problems", []))
            else:
                messages.success(request, _("已保存办理材料。"))
                return redirect("serviceguides:detail", item.pk)
    context = {
        "form": form,
        "item": item,
        "material": material,
        "problems": problems,
        "max_upload_mb": f"{settings.GONGKAI_MAX_UPLOAD_BYTES / 1024 / 1024:g}",
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "serviceguides/staff_material.html", context, status=status)


@login_required
def question_form(request: HttpRequest, pk: int = 0, question_pk: int = 0) -> HttpResponse:
    """Add (pk: the guide) or change (question_pk) one frequently asked question."""
    user = staff_user(request)
    question = _question(request, question_pk) if question_pk else None
    item = question.service if question is not None else _item(request, pk)
    _require_drafter(user, item)
    if request.method != "POST":
        initial = {"question": question.question, "answer": question.answer} if question else None
        form = QuestionForm(initial=initial)
    else:
        form = QuestionForm(request.POST)
        if form.is_valid():
            try:
                if question is None:
                    services.question_add(
                        actor=user,
                        service=item,
                        question=form.cleaned_data["question"],
                        answer=form.cleaned_data["answer"],
                    )
                else:
                    services.question_update(
                        actor=user,
                        question=question,
                        text=form.cleaned_data["question"],
                        answer=form.cleaned_data["answer"],
                    )
            except AccessDenied as err:
                raise denied(err) from err
            except GongkaiError as err:
                form.add_error(None, err.message)
            else:
                messages.success(request, _("已保存常见问题。"))
                return redirect("serviceguides:detail", item.pk)
    context = {"form": form, "item": item, "question": question}
    status = 400 if request.method == "POST" else 200
    return render(request, "serviceguides/staff_question.html", context, status=status)


@login_required
def row_remove(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Ask first (GET), then remove a material or a question (POST)."""
    user = staff_user(request)
    if kind not in ("material", "question"):
        raise Http404
    row: Material | Question = (
        _material(request, pk) if kind == "material" else _question(request, pk)
    )
    item = row.service
    _require_drafter(user, item)
    if request.method != "POST":
        return render(
            request, "serviceguides/staff_remove.html", {"row": row, "item": item, "kind": kind}
        )
    try:
        if isinstance(row, Material):
            services.material_remove(actor=user, material=row)
        else:
            services.question_remove(actor=user, question=row)
    except AccessDenied as err:
        raise denied(err) from err
    except GongkaiError as err:
        flash_error(request, err)
    else:
        messages.success(request, _("已删除。"))
    return redirect("serviceguides:detail", item.pk)


@login_required
def material_file(request: HttpRequest, pk: int, which: str) -> HttpResponseBase:
    """A material's sample or blank form, for staff, whatever the guide's status."""
    material = _material(request, pk)
    if which not in ("sample", "blank_form") or not getattr(material, which):
        raise Http404
    stored = getattr(material, which)
    kind = stored.name.rsplit(".", 1)[-1].lower()
    label = "示例样表" if which == "sample" else "空白表格"
    return stored_download(stored, name=f"{material.name}-{label}.{kind}", kind=kind, private=True)


# ---------------------------------------------------------------------------- Excel


@login_required
def service_import(request: HttpRequest) -> HttpResponse:
    """Fill a unit's guides from a workbook: all or nothing, every problem listed."""
    user = staff_user(request)
    units = _draft_units(user)
    if not units.exists():
        raise PermissionDenied(_("只有单位的信息员可以导入办事指南。"))
    problems: list[str] = []
    status = 200
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES, units=units)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            unit = form.cleaned_data["unit"]
            try:
                summary = services.service_guides_import(
                    actor=user,
                    unit=unit,
                    source=upload.read(),
                    filename=upload.name or "",
                    dry_run=form.cleaned_data["dry_run"],
                )
            except AccessDenied as err:
                raise denied(err) from err
            except GongkaiError as err:
                form.add_error(None, err.message)
                problems = list(getattr(err, "problems", []))
            else:
                text = (
                    _("共%(rows)d行：新建%(created)d项，更新%(updated)d项，未变%(unchanged)d项。")
                    % summary.as_dict()
                )
                if summary.dry_run:
                    messages.info(request, _("检查通过（未导入）：") + text)
                else:
                    messages.success(request, _("导入完成：") + text)
                return redirect(reverse("serviceguides:list") + f"?unit={unit.code}")
        status = 400
    else:
        form = ImportForm(units=units)
    context = {
        "form": form,
        "problems": problems,
        "columns": [header for _n, header, _w in excel.COLUMNS],
        "max_upload_mb": f"{settings.GONGKAI_MAX_UPLOAD_BYTES / 1024 / 1024:g}",
    }
    return render(request, "serviceguides/staff_import.html", context, status=status)


@login_required
def service_export(request: HttpRequest) -> HttpResponse:
    """The visible guides (of ?unit=CODE) as a workbook in the offices' layout."""
    user = staff_user(request)
    if not permissions.is_staff_member(user):
        raise PermissionDenied(_("只有工作人员可以导出。"))
    code = request.GET.get("unit", "")
    items = selectors.service_items_for_list(user).select_related("catalog_item__domain")
    title = "政务服务事项办事指南"
    if code:
        unit = selectors.units_with_services(user).filter(code=code).first()
        if unit is None:
            raise Http404
        items = items.filter(unit=unit)
        title = f"{unit.name}{title}"
    content = excel.write_service_workbook(list(items), title=title)
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    filename = f"{code or 'all'}-办事指南.xlsx"
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    return response
