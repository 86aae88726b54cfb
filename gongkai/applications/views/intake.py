"""Staff register applications that came in person, orally, by post or by fax (登记), and import
the registers kept before gongkai (登记台账)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from gongkai.applications import register, selectors, services
from gongkai.applications.forms import RegisterForm, RegisterImportForm
from gongkai.applications.models import Channel
from gongkai.applications.views.access import denied, detail_url
from gongkai.core.errors import AccessDenied, GongkaiError
from gongkai.orgs.staff_pages import staff_user


@login_required
def application_register(request: HttpRequest) -> HttpResponse:
    """Register an application handed in, made orally (written down by the signed-in user or the
    colleague named, 条例第二十九条第一款), posted or faxed; its receipt date follows 条例第三十一条.
    The applicant's query code is shown once, to be given to them."""
    user = staff_user(request)
    units = selectors.registrable_units(user)
    if not units:
        raise PermissionDenied(_("只有承办人或县政务公开办可以登记政府信息公开申请。"))
    form = RegisterForm(request.POST or None, units=units, transcriber=str(user))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                application, code = services.application_register(
                    actor=user,
                    unit=data["unit"],
                    channel=data["channel"],
                    values=form.values(),
                    submitted_on=data["submitted_on"],
                    signed_for_on=data["signed_for_on"],
                    confirmed_on=data["confirmed_on"],
                    transcribed_by=data["transcribed_by"]
                    if data["channel"] == Channel.ORAL
                    else "",
                )
            except AccessDenied as err:
                raise denied(err) from err
            except GongkaiError as err:
                form.add_error(None, err.message)
            else:
                messages.success(
                    request,
                    _(
                        "已登记，申请编号%(number)s，收到申请之日%(received)s。"
                        "请将申请编号和查询码%(code)s告知申请人，凭此查询办理进度；查询码只显示这一次。"
                    )
                    % {
                        "number": application.tracking_no,
                        "received": f"{application.received_on:%Y-%m-%d}",
                        "code": code,
                    },
                )
                return redirect(detail_url(application))
        status = 400
    return render(request, "staff/applications/register.html", {"form": form}, status=status)


@login_required
def register_import(request: HttpRequest) -> HttpResponse:
    """Import an office's Excel register (登记台账): all rows or none."""
    user = staff_user(request)
    if not selectors.registrable_units(user):
        raise PermissionDenied(_("只有承办人或县政务公开办可以导入登记台账。"))
    form = RegisterImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    summary = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                summary = register.register_import(
                    actor=user, data=upload.read(), filename=upload.name or ""
                )
            except AccessDenied as err:
                raise denied(err) from err
            except GongkaiError as err:
                form.add_error(None, err.message)
                problems = [str(p) for p in getattr(err, "problems", [])]
            else:
                messages.success(
                    request,
                    _("已导入%(count)d件申请。") % {"count": summary["imported"]},
                )
                form = RegisterImportForm()
        if summary is None:
            status = 400
    context = {
        "form": form,
        "problems": problems,
        "summary": summary,
        "max_upload_mb": f"{settings.GONGKAI_MAX_UPLOAD_BYTES / 1024 / 1024:g}",
    }
    return render(request, "staff/applications/import.html", context, status=status)
