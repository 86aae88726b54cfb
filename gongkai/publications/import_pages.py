"""The office's pages for moving an old site's published information in: upload, watch the check,
read the preview and every problem, confirm, watch the import (gongkai.publications.import_jobs).

No JavaScript: a running job's page reloads itself every few seconds.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from gongkai.core.errors import GongkaiError
from gongkai.core.uploads import check_size
from gongkai.orgs import permissions
from gongkai.orgs.models import Unit
from gongkai.orgs.staff_pages import flash_error, staff_user
from gongkai.publications import import_jobs
from gongkai.publications.models import Column, ImportJob

RECENT_JOBS = 20
REFRESH_SECONDS = 3


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("文件（.xlsx、.csv、.jsonl，或连同附件压缩的.zip）"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,.jsonl,.zip"}),
    )
    unit = forms.ModelChoiceField(
        label=gettext_lazy("公开单位"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=gettext_lazy("按文件中的“公开单位”列"),
        help_text=gettext_lazy("文件中没有“公开单位”列或该列为空的，归入此单位"),
    )
    default_column = forms.ModelChoiceField(
        label=gettext_lazy("栏目无法对应时归入"),
        queryset=Column.objects.none(),
        required=False,
        empty_label=gettext_lazy("默认栏目"),
    )
    override_reason = forms.CharField(
        label=gettext_lazy("放行理由"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy(
            "检查发现未脱敏的个人信息或敏感词时整批不导入；确需原样导入的，填写理由，随每条信息记录"
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        unit_field = cast(forms.ModelChoiceField, self.fields["unit"])  # type: ignore[type-arg]
        unit_field.queryset = (
            Unit.objects.active().exclude(kind="village").order_by("sort_order", "code")
        )
        column_field = cast(forms.ModelChoiceField, self.fields["default_column"])  # type: ignore[type-arg]
        column_field.queryset = Column.objects.order_by("sort_order", "code")

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        check_size(upload, limit=settings.GONGKAI_MAX_UPLOAD_BYTES, hint=_("请拆分后分别导入。"))
        name = (upload.name or "").lower()
        if not name.endswith((*import_jobs.TABLE_SUFFIXES, ".zip")):
            raise forms.ValidationError(
                _("请上传.xlsx、.csv或.jsonl文件；带附件的，把表格和附件压缩成.zip上传。")
            )
        return upload


def _office(request: HttpRequest) -> Any:
    user = staff_user(request)
    if not permissions.is_office(user):
        raise PermissionDenied(_("只有县政务公开办可以批量导入已公开信息。"))
    return user


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def import_start(request: HttpRequest) -> HttpResponse:
    """Upload a file; its check starts in the background and its page follows it."""
    user = _office(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = import_jobs.import_job_create(
                actor=user,
                filename=upload.name or "import",
                data=upload.read(),
                unit=form.cleaned_data["unit"],
                default_column=form.cleaned_data["default_column"],
                override_reason=form.cleaned_data["override_reason"],
            )
        except GongkaiError as err:
            flash_error(request, err)
        else:
            return redirect("publications:import_job", pk=job.pk)
    jobs = ImportJob.objects.select_related("created_by")[:RECENT_JOBS]
    return render(
        request,
        "staff/publications/import.html",
        {"form": form, "jobs": jobs, "max_upload_mb": settings.GONGKAI_MAX_UPLOAD_BYTES >> 20},
        status=400 if form.errors else 200,
    )


def _job(request: HttpRequest, pk: int) -> ImportJob:
    _office(request)
    try:
        return ImportJob.objects.select_related("unit", "default_column", "created_by").get(pk=pk)
    except ImportJob.DoesNotExist:
        raise Http404(_("没有找到该导入。")) from None


@login_required
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    """One job: its progress while running, its preview and problems when checked."""
    job = import_jobs.settled(_job(request, pk))
    progress = import_jobs.progress_shown(job)
    summary = job.summary or {}
    response = render(
        request,
        "staff/publications/import_job.html",
        {
            "job": job,
            "progress": progress,
            "refresh": REFRESH_SECONDS if job.is_running else None,
            "summary": summary,
            "unmapped": sorted((summary.get("unmapped_columns") or {}).items()),
            "preview_fields": import_jobs.PREVIEW_FIELDS,
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def import_job_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    try:
        import_jobs.import_job_confirm(actor=staff_user(request), job=job)
    except GongkaiError as err:
        flash_error(request, err)
    else:
        messages.success(request, _("已开始导入，完成前请勿重复提交。"))
    return redirect("publications:import_job", pk=job.pk)
