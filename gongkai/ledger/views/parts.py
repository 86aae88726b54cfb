"""A unit's part of the work: its own ledger page, one part with the report form and uploads, the
office's confirm and return, evidence downloads, the unit's 台账.xlsx and evidence zip, and the
list of overdue parts."""

from __future__ import annotations

import functools
import tempfile
from typing import Any

from django import forms
from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongkai.core import clock
from gongkai.core.downloads import stored_download
from gongkai.ledger import exports, selectors, services
from gongkai.ledger.evidence import ACCEPTED_TEXT
from gongkai.ledger.models import WORKING_STATUSES, AssignmentStatus
from gongkai.ledger.views.access import staff_page
from gongkai.ledger.views.plans import XLSX
from gongkai.orgs import permissions
from gongkai.orgs.staff_pages import attempt, flash_form_errors, staff_user


@staff_page
def unit_ledger(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """One unit's 台账 of a plan: every task it carries, its state, files and what to do next."""
    user = staff_user(request)
    plan = selectors.plan_for(user, pk)
    unit = selectors.unit_for(user, code)
    today = clock.today()
    context = {
        "plan": plan,
        "unit": unit,
        "parts": selectors.unit_ledger(plan, unit, as_of=today),
        "completion": selectors.unit_completion(plan, unit, as_of=today),
        "can_report": permissions.can_report_task_of(user, unit),
    }
    return render(request, "staff/ledger/unit.html", context)


class ReportForm(forms.Form):
    report = forms.CharField(
        label="落实情况",
        required=False,
        max_length=services.MAX_REPORT_CHARS,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="写明做了什么、何时完成、文件文号等；报送前须至少上传一份佐证材料",
    )


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label="退回原因",
        max_length=services.MAX_REASON_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


@staff_page
def assignment_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    assignment = selectors.assignment_for(user, pk)
    can_report = permissions.can_report_task_of(user, assignment.unit)
    holds = assignment.status in WORKING_STATUSES
    today = clock.today()
    late = (
        0
        if assignment.status == AssignmentStatus.CONFIRMED
        else selectors.days_overdue(assignment.task.deadline, today)
    )
    context = {
        "assignment": assignment,
        "task": assignment.task,
        "plan": assignment.task.plan,
        "evidence": list(assignment.evidence.order_by("pk")),
        "days_overdue": late,
        "can_edit": can_report and holds,
        "can_decide": permissions.can_manage_work_plans(user)
        and assignment.status == AssignmentStatus.REPORTED,
        # Separation of duties: whoever wrote the part (the office may) cannot confirm it.
        "self_review_message": permissions.SELF_REVIEW_REPORT_MESSAGE
        if permissions.can_manage_work_plans(user)
        and assignment.status == AssignmentStatus.REPORTED
        and not permissions.may_sign_off(user, services.writer_ids(assignment))
        else "",
        "report_form": ReportForm(initial={"report": assignment.report}),
        "accepted": ACCEPTED_TEXT,
        "return_form": ReturnForm(),
    }
    return render(request, "staff/ledger/assignment.html", context)


@staff_page
@require_POST
def assignment_report(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the report (button "保存") or send it to the office (button "报送")."""
    user = staff_user(request)
    assignment = selectors.assignment_for(user, pk)
    form = ReportForm(request.POST)
    if not form.is_valid():
        flash_form_errors(request, form)
        return redirect(assignment)
    report = form.cleaned_data["report"]
    if "send" in request.POST:
        sent = attempt(
            request,
            lambda: services.assignment_report(actor=user, assignment=assignment, report=report),
        )
        if sent.ok:
            messages.success(request, _("已报送县政务公开办，等待确认。"))
    else:
        saved = attempt(
            request,
            lambda: services.assignment_save(actor=user, assignment=assignment, report=report),
        )
        if saved.ok:
            messages.success(request, _("已保存，尚未报送。"))
    return redirect(assignment)


@staff_page
@require_POST
def evidence_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload one or more files; each is checked alone, so one bad file does not drop the rest."""
    user = staff_user(request)
    assignment = selectors.assignment_for(user, pk)
    uploads = request.FILES.getlist("files")
    if not uploads:
        messages.error(request, _("请选择要上传的文件。"))
    added = 0
    for upload in uploads:
        step = functools.partial(
            services.evidence_add,
            actor=user,
            assignment=assignment,
            name=upload.name or "",
            stream=upload,
        )
        if attempt(request, step).ok:
            added += 1
    if added:
        messages.success(request, _("已上传%(n)d个文件。") % {"n": added})
    return redirect(assignment)


@staff_page
@require_POST
def evidence_remove(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    evidence = selectors.evidence_for(user, pk)
    assignment = evidence.assignment
    if attempt(request, lambda: services.evidence_remove(actor=user, evidence=evidence)).ok:
        messages.success(request, _("已删除“%(name)s”。") % {"name": evidence.name})
    return redirect(assignment)


@staff_page
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    """The stored file under its original name, as a download (never rendered inline)."""
    user = staff_user(request)
    evidence = selectors.evidence_for(user, pk)
    return stored_download(evidence.file, name=evidence.name, kind=evidence.kind, private=True)


@staff_page
@require_POST
def assignment_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    assignment = selectors.assignment_for(user, pk)
    if attempt(request, lambda: services.assignment_confirm(actor=user, assignment=assignment)).ok:
        messages.success(request, _("已确认%(unit)s的落实情况。") % {"unit": assignment.unit})
    return redirect(assignment)


@staff_page
@require_POST
def assignment_return(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    assignment = selectors.assignment_for(user, pk)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        flash_form_errors(request, form)
        return redirect(assignment)
    reason = form.cleaned_data["reason"]
    if attempt(
        request,
        lambda: services.assignment_return(actor=user, assignment=assignment, reason=reason),
    ).ok:
        messages.success(request, _("已退回%(unit)s补充完善。") % {"unit": assignment.unit})
    return redirect(assignment)


@staff_page
def unit_zip(request: HttpRequest, pk: int, code: str) -> FileResponse:
    """The unit's evidence and 台账 as one zip, built in a temporary file and streamed."""
    user = staff_user(request)
    plan = selectors.plan_for(user, pk)
    unit = selectors.unit_for(user, code)
    out = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    exports.unit_archive(plan, unit, out, as_of=clock.today())
    out.seek(0)
    filename = f"{unit.name}-{plan.title}佐证材料.zip"
    return FileResponse(out, as_attachment=True, filename=filename, content_type="application/zip")


@staff_page
def unit_xlsx(request: HttpRequest, pk: int, code: str) -> FileResponse:
    user = staff_user(request)
    plan = selectors.plan_for(user, pk)
    unit = selectors.unit_for(user, code)
    out = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    exports.unit_workbook(plan, unit, out, as_of=clock.today())
    out.seek(0)
    filename = f"{unit.name}-{plan.title}台账.xlsx"
    return FileResponse(out, as_attachment=True, filename=filename, content_type=XLSX)


OVERDUE_PAGE = 500


@staff_page
def overdue(request: HttpRequest) -> HttpResponse:
    """Parts not confirmed after their task's deadline, most overdue first (a unit's staff see
    their own units')."""
    user = staff_user(request)
    selectors.plans_for(user)  # staff only
    today = clock.today()
    units = permissions.visible_unit_ids(user)
    rows = selectors.overdue_assignments(today, units=units, limit=OVERDUE_PAGE)
    context: dict[str, Any] = {
        "rows": rows,
        "total": selectors.overdue_count(today, units=units),
        "shown": len(rows),
        "today": today,
    }
    return render(request, "staff/ledger/overdue.html", context)


urlpatterns: list[URLPattern] = [
    path("<int:pk>/units/<str:code>/", unit_ledger, name="unit"),
    path("<int:pk>/units/<str:code>/zip/", unit_zip, name="unit_zip"),
    path("<int:pk>/units/<str:code>/xlsx/", unit_xlsx, name="unit_xlsx"),
    path("parts/<int:pk>/", assignment_page, name="assignment"),
    path("parts/<int:pk>/report/", assignment_report, name="assignment_report"),
    path("parts/<int:pk>/upload/", evidence_upload, name="evidence_upload"),
    path("parts/<int:pk>/confirm/", assignment_confirm, name="assignment_confirm"),
    path("parts/<int:pk>/return/", assignment_return, name="assignment_return"),
    path("evidence/<int:pk>/", evidence_download, name="evidence"),
    path("evidence/<int:pk>/remove/", evidence_remove, name="evidence_remove"),
    path("overdue/", overdue, name="overdue"),
]
