"""Letters (答复告知书 and the notices of each step) as Word documents: generate one for an
application, download it; and the office's page to download, replace or reset the templates."""

from __future__ import annotations

from typing import TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from gongkai.applications import letters, selectors
from gongkai.applications.forms import LetterForm, TemplateUploadForm
from gongkai.applications.models import Application, Letter, LetterKind
from gongkai.applications.views.access import denied, detail_url, visible_application
from gongkai.core.errors import AccessDenied, GongkaiError
from gongkai.orgs import permissions
from gongkai.orgs.staff_pages import flash_error, flash_form_errors, staff_user

R = TypeVar("R", bound=HttpResponseBase)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _private(response: R) -> R:
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def letter_generate(request: HttpRequest, pk: int) -> HttpResponse:
    """Generate one letter of the application as a Word document, kept as issued."""
    user = staff_user(request)
    application = visible_application(request, pk)
    form = LetterForm(request.POST)
    if not form.is_valid():
        flash_form_errors(request, form)
        return redirect(detail_url(application))
    try:
        letter = letters.letter_generate(
            actor=user, application=application, kind=form.cleaned_data["kind"]
        )
    except AccessDenied as err:
        raise denied(err) from err
    except GongkaiError as err:
        flash_error(request, err)
    else:
        messages.success(
            request,
            _("已生成%(kind)s，可在下方“文书”中下载。") % {"kind": letter.get_kind_display()},
        )
    return redirect(detail_url(application))


@login_required
@require_safe
def letter_download(request: HttpRequest, pk: int) -> FileResponse:
    """A generated letter as a download under the name it was issued with
    (``<tracking_no>-<kind>.docx``), never rendered in the browser."""
    try:
        letter = selectors.letter_visible_to(request.user, pk)
    except (Application.DoesNotExist, Letter.DoesNotExist):
        raise Http404(_("没有找到该文书。")) from None
    try:
        handle = letter.file.open("rb")
    except FileNotFoundError as err:
        raise Http404(_("文书文件不存在。")) from err
    name = f"{letter.application.tracking_no}-{letter.kind}.docx"
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=DOCX)
    return _private(response)


# ------------------------------------------------------------------------------- templates


def _require_office(request: HttpRequest) -> None:
    if not permissions.can_manage_letter_templates(staff_user(request)):
        raise PermissionDenied(_("只有县政务公开办可以维护文书模板。"))


def _kind(value: str) -> LetterKind:
    if value not in LetterKind.values:
        raise Http404(_("没有这种文书。"))
    return LetterKind(value)


@login_required
def letter_templates(request: HttpRequest) -> HttpResponse:
    """Every kind of letter with its template: built-in or the office's own."""
    _require_office(request)
    own = selectors.letter_templates()
    rows = [(kind, own.get(kind.value)) for kind in LetterKind]
    context = {"rows": rows, "upload_form": TemplateUploadForm()}
    return render(request, "staff/applications/letter_templates.html", context)


@login_required
@require_safe
def letter_template_download(request: HttpRequest, kind: str) -> HttpResponse:
    """The template in use for a kind, to edit in Word and upload again."""
    _require_office(request)
    letter_kind = _kind(kind)
    data = letters.current_template_bytes(letter_kind.value)
    response = HttpResponse(data, content_type=DOCX)
    filename = f"{letter_kind.label}模板.docx"
    response["Content-Disposition"] = content_disposition_header(True, filename) or ""
    return _private(response)


@login_required
@require_POST
def letter_template_upload(request: HttpRequest, kind: str) -> HttpResponse:
    user = staff_user(request)
    _require_office(request)
    letter_kind = _kind(kind)
    form = TemplateUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        flash_form_errors(request, form)
        return redirect("applications:letter_templates")
    try:
        letters.letter_template_upload(
            actor=user,
            kind=letter_kind.value,
            data=form.cleaned_data["file"].read(),
            note=form.cleaned_data["note"],
        )
    except AccessDenied as err:
        raise denied(err) from err
    except GongkaiError as err:
        flash_error(request, err)
    else:
        messages.success(request, _("已启用新的%(kind)s模板。") % {"kind": letter_kind.label})
    return redirect("applications:letter_templates")


@login_required
@require_POST
def letter_template_reset(request: HttpRequest, kind: str) -> HttpResponse:
    user = staff_user(request)
    _require_office(request)
    letter_kind = _kind(kind)
    try:
        letters.letter_template_reset(actor=user, kind=letter_kind.value)
    except AccessDenied as err:
        raise denied(err) from err
    except GongkaiError as err:
        flash_error(request, err)
    else:
        messages.success(request, _("%(kind)s已恢复为内置模板。") % {"kind": letter_kind.label})
    return redirect("applications:letter_templates")
