"""The audit log for the office and leaders (/staff/audit/): a read-only list with filters, the
same .xlsx/.csv download as ``gongkai audit export``, and the state of the hash chain.

Read-only: nothing here changes an entry (nothing can). Checking the chain (a POST, it reads every
entry) and downloading are themselves written to the log, so an inspector sees who took a copy.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from gongkai.core import audit_export
from gongkai.core.audit import audit
from gongkai.core.audit_labels import action_label
from gongkai.orgs import permissions
from gongkai.orgs.models import User
from gongkai.orgs.staff_pages import staff_user

PAGE_SIZE = 100
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _reader(request: HttpRequest) -> User:
    user = staff_user(request)
    if not permissions.reads_everything(user):
        raise PermissionDenied(_("只有县政务公开办和领导可以查看审计日志。"))
    return user


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip()) if text.strip() else None
    except ValueError:
        return None


def _period(request: HttpRequest) -> audit_export.Period:
    return audit_export.Period(
        start=_date(request.GET.get("from", "")),
        end=_date(request.GET.get("to", "")),
        unit_code=request.GET.get("unit", "").strip()[:32],
        action=request.GET.get("action", "").strip()[:64],
    )


@login_required
@require_safe
def audit_log(request: HttpRequest) -> HttpResponseBase:
    """The entries matching the filters, newest first, or (``?download=xlsx|csv``) all of them
    as a file, oldest first."""
    user = _reader(request)
    period = _period(request)
    kind = request.GET.get("download", "")
    if kind in {"xlsx", "csv"}:
        return _download(user, period, kind)
    found = audit_export.entries(period).order_by("-id")
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    for entry in page.object_list:
        entry.action_label = action_label(entry.action)  # type: ignore[attr-defined]
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("download", None)
    check = audit_export.last_check()
    context: dict[str, Any] = {
        "page": page,
        "period": period,
        "filters": {
            "from": request.GET.get("from", ""),
            "to": request.GET.get("to", ""),
            "unit": period.unit_code,
            "action": period.action,
        },
        "query": query.urlencode(),
        "check": check,
        "check_text": audit_export.describe_check(check),
    }
    return render(request, "staff/audit_log.html", context)


def _download(user: User, period: audit_export.Period, kind: str) -> FileResponse:
    # A spooled file: a year of entries can be tens of MB, kept on disk past 8 MB.
    handle = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - FileResponse closes it
    if kind == "xlsx":
        count = audit_export.write_xlsx(handle, period)
    else:
        handle.write(audit_export.csv_bytes(period))
        count = -1
    handle.seek(0)
    audit(
        actor=user,
        action="audit.export",
        target_type="core.auditentry",
        summary=f"导出审计日志（{period.describe()}）",
        data={"format": kind, "entries": count},
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"审计日志-{stamp}.{kind}",
        content_type=XLSX if kind == "xlsx" else "text/csv; charset=utf-8",
    )


@login_required
@require_POST
def audit_verify(request: HttpRequest) -> HttpResponse:
    """Check the whole chain now and say what was found."""
    user = _reader(request)
    verdict = audit_export.check_and_record()
    if verdict.intact:
        messages.success(request, _("审计链完整：共 %(count)s 条记录。") % {"count": verdict.count})
    else:
        assert verdict.problem is not None
        messages.error(
            request,
            _("审计链在第 %(id)s 号记录处断开：%(reason)s")
            % {"id": verdict.problem.entry_id, "reason": verdict.problem.reason},
        )
    audit(
        actor=user,
        action="audit.verify",
        target_type="core.auditentry",
        summary="校验审计链：" + ("完整" if verdict.intact else "断开"),
        data={"count": verdict.count, "intact": verdict.intact},
    )
    return redirect("staff:audit_log")
