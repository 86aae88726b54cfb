"""The plans and their tasks: the list of plans, a plan's progress, a task's units, the office's
forms for plans and tasks, importing a task table and exporting the ledger."""

from __future__ import annotations

import tempfile
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _

from gongkai.core import clock
from gongkai.core.errors import AccessDenied, GongkaiError
from gongkai.core.uploads import check_size
from gongkai.ledger import exports, selectors, services
from gongkai.ledger.excel import COLUMNS, MAX_BYTES
from gongkai.ledger.models import STATUS_ORDER, AssignmentStatus, Task
from gongkai.ledger.views.access import staff_page
from gongkai.orgs import permissions
from gongkai.orgs.staff_pages import attempt, staff_user

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_office(user: Any) -> None:
    if not permissions.can_manage_work_plans(user):
        raise PermissionDenied(_("只有县政务公开办可以编制工作方案。"))


@staff_page
def plan_list(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    plans = list(selectors.plans_for(user))
    context = {
        "plans": [(plan, selectors.own_units(user, plan)) for plan in plans],
        "can_manage": permissions.can_manage_work_plans(user),
        "reads_everything": permissions.reads_everything(user),
    }
    return render(request, "staff/ledger/plan_list.html", context)


@staff_page
def plan_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A plan's tasks with their parts counted by status; overdue tasks say so in words."""
    user = staff_user(request)
    plan = selectors.plan_for(user, pk)
    today = clock.today()
    rows = selectors.plan_progress(plan, as_of=today)
    context = {
        "plan": plan,
        "rows": rows,
        "statuses": [AssignmentStatus(s).label for s in STATUS_ORDER],
        "totals": selectors.status_totals(rows),
        "today": today,
        "own_units": selectors.own_units(user, plan),
        "can_manage": permissions.can_manage_work_plans(user),
        "reads_everything": permissions.reads_everything(user),
    }
    return render(request, "staff/ledger/plan.html", context)


@staff_page
def task_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A task and every unit's part of it the user may see."""
    user = staff_user(request)
    task = selectors.task_for(user, pk)
    context = {
        "task": task,
        "plan": task.plan,
        "parts": selectors.task_parts(user, task),
        "can_manage": permissions.can_manage_work_plans(user),
    }
    return render(request, "staff/ledger/task.html", context)


# ---------------------------------------------------------------------------- the office's forms


class PlanForm(forms.Form):
    title = forms.CharField(label="方案名称", max_length=200)
    doc_number = forms.CharField(label="文号", max_length=60, required=False)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    issued_on = forms.DateField(
        label="印发日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    issuer = forms.CharField(label="发文单位", max_length=100, required=False)
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))


@staff_page
def plan_create(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    _require_office(user)
    form = PlanForm(request.POST or None, initial={"year": clock.today().year})
    if request.method == "POST" and form.is_valid():
        created = attempt(request, lambda: services.plan_create(actor=user, **form.cleaned_data))
        if created.ok:
            messages.success(request, _("已新建工作方案，请添加或导入任务。"))
            return redirect(created.value)
    return render(request, "staff/ledger/plan_form.html", {"form": form, "plan": None})


@staff_page
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    _require_office(user)
    plan = selectors.plan_for(user, pk)
    initial = {f: getattr(plan, f) for f in PlanForm.base_fields}
    form = PlanForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = attempt(
            request, lambda: services.plan_update(actor=user, plan=plan, **form.cleaned_data)
        )
        if saved.ok:
            messages.success(request, _("已保存。"))
            return redirect(plan)
    return render(request, "staff/ledger/plan_form.html", {"form": form, "plan": plan})


class TaskForm(forms.Form):
    number = forms.IntegerField(label="序号", min_value=1)
    text = forms.CharField(label="工作任务", widget=forms.Textarea(attrs={"rows": 3}))
    lead_text = forms.CharField(
        label="牵头责任单位", max_length=200, required=False, help_text="照方案原文填写"
    )
    responsible_text = forms.CharField(
        label="主体责任单位",
        max_length=200,
        required=False,
        help_text="可写“各乡镇政府”“县有关部门”“县直26个试点领域业务主管部门”或单位名称，用顿号分隔；"
        "留空时由牵头单位承担",
    )
    deadline_text = forms.CharField(
        label="时限要求",
        max_length=60,
        required=False,
        help_text="如“2020年8月底”“2020年9月底前”“2020年10月15日前”“持续推进”",
    )


@staff_page
def task_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    _require_office(user)
    plan = selectors.plan_for(user, pk)
    next_number = (plan.tasks.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    form = TaskForm(request.POST or None, initial={"number": next_number})
    if request.method == "POST" and form.is_valid():
        created = attempt(
            request, lambda: services.task_create(actor=user, plan=plan, **form.cleaned_data)
        )
        if created.ok:
            _say_resolution(request, created.value)
            return redirect(created.value)
    return render(request, "staff/ledger/task_form.html", {"form": form, "plan": plan})


@staff_page
def task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    _require_office(user)
    task = selectors.task_for(user, pk)
    initial = {f: getattr(task, f) for f in TaskForm.base_fields}
    form = TaskForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = attempt(
            request, lambda: services.task_update(actor=user, task=task, **form.cleaned_data)
        )
        if saved.ok:
            _say_resolution(request, saved.value)
            return redirect(saved.value)
    context = {"form": form, "plan": task.plan, "task": task}
    return render(request, "staff/ledger/task_form.html", context)


def _say_resolution(request: HttpRequest, task: Task) -> None:
    messages.success(request, _("已保存任务%(n)d。") % {"n": task.number})
    if task.unresolved:
        messages.warning(
            request,
            _("以下单位在系统中没有，只作文字保留：%(names)s。") % {"names": task.unresolved},
        )


class ImportForm(forms.Form):
    file = forms.FileField(label="任务表（.xlsx或.csv）")

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        check_size(upload, limit=MAX_BYTES)
        return upload


@staff_page
def plan_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Import a task table in annex 1's layout; all or nothing."""
    user = staff_user(request)
    _require_office(user)
    plan = selectors.plan_for(user, pk)
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = services.tasks_import(
                actor=user, plan=plan, filename=upload.name or "", data=upload.read()
            )
        except AccessDenied:
            raise  # the 403 page, with its sentence
        except GongkaiError as err:
            messages.error(request, err.message)
            problems = [str(p) for p in getattr(err, "problems", [])]
        else:
            messages.success(
                request,
                _("已导入任务%(tasks)d项，分解到各责任单位%(parts)d项。")
                % {"tasks": result.tasks, "parts": result.assignments},
            )
            if result.unresolved:
                messages.warning(
                    request,
                    _("以下单位在系统中没有，只作文字保留：%(names)s。")
                    % {"names": "、".join(result.unresolved)},
                )
            for note in result.notes:
                messages.info(request, note)
            return redirect(plan)
    context = {"form": form, "plan": plan, "columns": COLUMNS, "problems": problems}
    return render(request, "staff/ledger/import.html", context)


@staff_page
def plan_export(request: HttpRequest, pk: int) -> FileResponse:
    """The plan's ledger as a workbook (the office and leaders: it lists every unit)."""
    user = staff_user(request)
    if not permissions.reads_everything(user):
        raise PermissionDenied(_("全县台账仅公开办和领导可以导出；各单位请导出本单位台账。"))
    plan = selectors.plan_for(user, pk)
    out = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    exports.plan_workbook(plan, out, as_of=clock.today())
    out.seek(0)
    filename = f"{plan.title}工作台账{clock.today():%Y%m%d}.xlsx"
    return FileResponse(out, as_attachment=True, filename=filename, content_type=XLSX)


urlpatterns: list[URLPattern] = [
    path("", plan_list, name="plans"),
    path("new/", plan_create, name="plan_create"),
    path("<int:pk>/", plan_page, name="plan"),
    path("<int:pk>/edit/", plan_edit, name="plan_edit"),
    path("<int:pk>/tasks/new/", task_create, name="task_create"),
    path("<int:pk>/import/", plan_import, name="plan_import"),
    path("<int:pk>/export/", plan_export, name="plan_export"),
    path("tasks/<int:pk>/", task_page, name="task"),
    path("tasks/<int:pk>/edit/", task_edit, name="task_edit"),
]
