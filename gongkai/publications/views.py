"""The staff pages for government information (/staff/publications/): thin views over the
publication selectors and services.

Reads go through ``gongkai.publications.selectors`` (``publications_visible_to`` and the review
queues), so a unit boundary the user may not cross is a 404. Writes go through the services, which
check permission again and refuse with a GongkaiError: AccessDenied becomes the 403 page, every
other refusal a message (with its problems) on the page the user came from. Buttons are shown from
the predicates in ``gongkai.orgs.permissions``; nothing here decides access by itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gongkai import textcheck
from gongkai.catalog import selectors as catalog_selectors
from gongkai.catalog.models import Catalog, CatalogItem
from gongkai.core.downloads import stored_download
from gongkai.core.errors import AccessDenied, GongkaiError
from gongkai.orgs import permissions
from gongkai.orgs.models import Unit, User
from gongkai.orgs.selectors import units_of, units_visible_to
from gongkai.orgs.staff_pages import denied, flash_error, flash_form_errors, staff_user
from gongkai.publications import checks, interpretation, masking, selectors, services, subsidies
from gongkai.publications.forms import (
    ApproveForm,
    AttachmentForm,
    CheckWordForm,
    CommentForm,
    PublicationFilterForm,
    PublicationForm,
    RetainedReviewForm,
    SubsidyImportForm,
    ValidityForm,
    WithdrawForm,
)
from gongkai.publications.models import (
    EDITABLE_STATUSES,
    Attachment,
    Publication,
    PublicationStatus,
)

PAGE_SIZE = 25
# What each version-history action means, in the words of the office.
ACTION_LABELS = {
    "create": gettext_lazy("起草"),
    "update": gettext_lazy("修改"),
    "attach": gettext_lazy("添加附件"),
    "detach": gettext_lazy("删除附件"),
    "submit": gettext_lazy("报送审核"),
    "return": gettext_lazy("退回修改"),
    "approve": gettext_lazy("审核通过"),
    "keep": gettext_lazy("定期评估：继续不公开"),
    "release": gettext_lazy("定期评估：转为主动公开"),
    "withdraw": gettext_lazy("撤回"),
    "validity": gettext_lazy("更新有效性"),
}


# ---------------------------------------------------------------------------- helpers


def _visible(request: HttpRequest, pk: int) -> Publication:
    return get_object_or_404(selectors.publications_visible_to(request.user), pk=pk)


def _visible_attachment(request: HttpRequest, pk: int) -> Attachment:
    """The attachment, found through its publication so the unit boundary applies (404)."""
    publication = get_object_or_404(
        selectors.publications_visible_to(request.user), attachments__pk=pk
    )
    attachment = get_object_or_404(publication.attachments.all(), pk=pk)
    attachment.publication = publication
    return attachment


def _draftable_units(user: User) -> QuerySet[Unit]:
    """The user's units whose information they may draft."""
    ids = [u.pk for u in units_of(user) if permissions.can_draft_publication_of(user, u)]
    return units_of(user).filter(pk__in=ids)


def _detail_url(publication: Publication) -> str:
    # Publication.get_absolute_url is the public page; staff work on this one.
    return reverse("publications:detail", args=[publication.pk])


def _item_groups(
    user: User, units: list[Unit], current: list[CatalogItem] | None = None
) -> list[tuple[str, list[CatalogItem]]]:
    """The items of each unit's newest catalog, plus items already chosen from older ones."""
    latest: dict[int, Catalog] = {}
    for found in (
        catalog_selectors.catalogs_visible_to(user)
        .filter(unit__in=units)
        .order_by("unit_id", "-version")
    ):
        latest.setdefault(found.unit_id, found)
    groups: list[tuple[str, list[CatalogItem]]] = []
    shown: set[int] = set()
    for unit in units:
        catalog = latest.get(unit.pk)
        if catalog is None:
            continue
        items = list(catalog_selectors.catalog_items(catalog))
        for item in items:
            item.catalog = catalog  # services read item.catalog.unit_id
        shown.update(item.pk for item in items)
        groups.append((str(catalog), items))
    older = [item for item in current or [] if item.pk not in shown]
    if older:
        groups.append((_("已对应的往年目录事项"), older))
    return groups


def _readings_context(user: User, publication: Publication | None) -> dict[str, Any]:
    """谁起草、谁解读: for a policy document, its interpretations the user may see (None for
    any other item) and, for its drafters, the link to draft one prefilled to interpret it."""
    if publication is None or publication.doc_kind not in services.POLICY_KINDS:
        return {"policy_readings": None}
    readings = list(
        selectors.publications_visible_to(user)
        .filter(interprets=publication)
        .defer("body", "body_text", "findings")
        .order_by("pk")
    )
    may_draft = permissions.can_draft_publication_of(user, publication.unit)
    return {
        "policy_readings": readings,
        "interpretation_workdays": interpretation.window_workdays(),
        "may_set_interpretation_window": permissions.is_office(user),
        "draft_interpretation_url": reverse("publications:create") + f"?interprets={publication.pk}"
        if may_draft
        else "",
    }


@dataclass
class FindingRow:
    text: str
    blocking: bool


@dataclass
class VersionRow:
    number: int
    at: Any
    actor: User | None
    code: str
    action: str
    comment: str


def _return_comment(publication: Publication, versions: list[VersionRow]) -> VersionRow | None:
    """While an item is returned, the reviewer's comment is what the editor must act on."""
    if publication.status != PublicationStatus.RETURNED:
        return None
    returned = [v for v in versions if v.code == "return"]
    return returned[-1] if returned else None


# ---------------------------------------------------------------------------- list and queues


@login_required
def publication_list(request: HttpRequest) -> HttpResponse:
    """The items the user may see, filtered by status, unit and column, 25 a page."""
    user = staff_user(request)
    form = PublicationFilterForm(request.GET or None, units=units_visible_to(user))
    items = selectors.publications_visible_to(user).order_by("-updated_at", "-pk")
    if form.is_valid():
        data = form.cleaned_data
        if data["status"]:
            items = items.filter(status=data["status"])
        if data["unit"]:
            items = items.filter(unit=data["unit"])
        if data["column"]:
            items = items.filter(column=data["column"])
        if data["mine"]:
            items = items.filter(status__in=EDITABLE_STATUSES, unit__in=_draftable_units(user))
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "can_create": _draftable_units(user).exists(),
        "can_manage_words": permissions.can_manage_check_words(user),
        "can_import_subsidies": permissions.imports_subsidies(user),
    }
    return render(request, "staff/publications/list.html", context)


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    """Submitted items awaiting the user's approval, and retained items due for review."""
    user = staff_user(request)
    retained = selectors.retained_due_for_review(user).select_related("unit__parent")
    context = {
        "awaiting": list(selectors.awaiting_review_by(user)),
        "retained": [p for p in retained if permissions.can_approve_publication_of(user, p.unit)],
    }
    return render(request, "staff/publications/review.html", context)


# ---------------------------------------------------------------------------- drafting


def _form_page(
    request: HttpRequest,
    form: PublicationForm,
    publication: Publication | None,
    problems: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "form": form,
        "publication": publication,
        "problems": problems or [],
        **_readings_context(staff_user(request), publication),
    }
    return render(request, "staff/publications/form.html", context, status=status)


@login_required
def publication_create(request: HttpRequest) -> HttpResponse:
    """Draft a new item for one of the user's units, its 公开属性 decided at the source."""
    user = staff_user(request)
    units = _draftable_units(user)
    if not units.exists():
        raise PermissionDenied(_("只有单位的信息员（村务管理员）可以起草政府信息。"))
    groups = _item_groups(user, list(units))
    if request.method != "POST":
        initial = _interpretation_initial(request, user, units)
        form = PublicationForm(units=units, item_groups=groups, initial=initial)
        return _form_page(request, form, None)
    form = PublicationForm(request.POST, units=units, item_groups=groups)
    problems: list[str] = []
    if form.is_valid():
        unit = form.cleaned_data["unit"]
        try:
            publication = services.publication_create(
                actor=user, unit=unit, values=form.values(default_issuer=unit.name)
            )
        except AccessDenied as err:
            raise denied(err) from err
        except GongkaiError as err:
            form.add_error(None, err.message)
            problems = list(getattr(err, "problems", []))
        else:
            messages.success(request, _("已保存草稿“%(title)s”。") % {"title": publication})
            return redirect(_detail_url(publication))
    return _form_page(request, form, None, problems, status=400)


def _interpretation_initial(
    request: HttpRequest, user: User, units: QuerySet[Unit]
) -> dict[str, Any]:
    """A new interpretation of ``?interprets=<pk>`` (the link on a policy's page): the policy,
    its unit when the user drafts for it (谁起草、谁解读), and the title. An id the user may not
    see, or of an item that is not a policy document, is ignored."""
    pk = request.GET.get("interprets", "")
    if not pk.isdigit():
        return {}
    policy = (
        selectors.publications_visible_to(user)
        .filter(pk=int(pk), doc_kind__in=services.POLICY_KINDS)
        .first()
    )
    if policy is None:
        return {}
    initial: dict[str, Any] = {
        "interprets": policy,
        "title": _("《%(title)s》政策解读") % {"title": policy.title},
        "doc_kind": "ordinary",
    }
    if any(unit.pk == policy.unit_id for unit in units):
        initial["unit"] = policy.unit_id
    return initial


@login_required
def publication_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a draft or returned item; every change is kept as a version."""
    user = staff_user(request)
    publication = _visible(request, pk)
    if not permissions.can_draft_publication_of(user, publication.unit):
        raise PermissionDenied(_("只能修改本单位的政府信息。"))
    if not publication.is_editable:
        messages.error(
            request,
            _("该信息当前状态为“%(status)s”，不能修改。")
            % {"status": publication.get_status_display()},
        )
        return redirect(_detail_url(publication))
    current = list(publication.catalog_items.select_related("catalog", "domain"))
    groups = _item_groups(user, [publication.unit], current)
    if request.method != "POST":
        initial = {name: getattr(publication, name) for name in services.EDITABLE_FIELDS}
        initial["catalog_items"] = [str(item.pk) for item in current]
        form = PublicationForm(units=None, item_groups=groups, initial=initial)
        return _form_page(request, form, publication)
    form = PublicationForm(request.POST, units=None, item_groups=groups)
    problems: list[str] = []
    if form.is_valid():
        try:
            services.publication_update(
                actor=user,
                publication=publication,
                values=form.values(default_issuer=publication.unit.name),
            )
        except AccessDenied as err:
            raise denied(err) from err
        except GongkaiError as err:
            form.add_error(None, err.message)
            problems = list(getattr(err, "problems", []))
        else:
            messages.success(request, _("已保存修改。"))
            return redirect(_detail_url(publication))
    return _form_page(request, form, publication, problems, status=400)


# ---------------------------------------------------------------------------- the item page


@login_required
def publication_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An item with its metadata, body, attachments, check findings, history and the actions the
    user may take on it now."""
    user = staff_user(request)
    publication = get_object_or_404(
        selectors.publications_visible_to(user)
        .select_related("unit__parent", "created_by")
        .prefetch_related("attachments", "catalog_items__domain", "versions__actor"),
        pk=pk,
    )
    unit = publication.unit
    status = publication.status
    drafter = permissions.can_draft_publication_of(user, unit)
    approver = permissions.can_approve_publication_of(user, unit)
    # Separation of duties: a reviewer who wrote the item sees why they cannot sign it off.
    own_work = (
        approver
        and status in (PublicationStatus.SUBMITTED, PublicationStatus.RETAINED)
        and not permissions.may_sign_off(user, services.writer_ids(publication))
    )
    findings = [
        FindingRow(text=checks.describe(f), blocking=f["severity"] == "block")
        for f in publication.findings
    ]
    mask_choice = masking.choice(publication.findings)
    body, body_masked = checks.mask_personal_data(publication.body)
    versions = [
        VersionRow(
            number=v.number,
            at=v.at,
            actor=v.actor,
            code=v.action,
            action=str(ACTION_LABELS.get(v.action, v.action)),
            comment=v.comment,
        )
        for v in publication.versions.all()
    ]
    context = {
        "publication": publication,
        "unit": unit,
        "body": body,
        "body_masked": body_masked,
        "findings": findings,
        "has_blocking": any(f.blocking for f in findings),
        "versions": versions,
        "return_comment": _return_comment(publication, versions),
        "is_public": status in (PublicationStatus.PUBLISHED, PublicationStatus.WITHDRAWN),
        "can_edit": drafter and publication.is_editable,
        "can_submit": drafter and publication.can_move_to(PublicationStatus.SUBMITTED),
        "can_approve": approver and status == PublicationStatus.SUBMITTED,
        "can_mask": mask_choice.offered,
        "mask_count": mask_choice.maskable,
        "can_withdraw": approver and status == PublicationStatus.PUBLISHED,
        "can_review_retained": approver and status == PublicationStatus.RETAINED,
        "own_work": own_work,
        "self_review_message": permissions.SELF_REVIEW_MESSAGE if own_work else "",
        "can_set_validity": (drafter or approver)
        and status == PublicationStatus.PUBLISHED
        and publication.doc_kind in services.LEGAL_RECORD_KINDS,
        "attachment_form": AttachmentForm(),
        "validity_form": ValidityForm(initial={"validity": publication.validity}),
        "max_attachment_mb": f"{settings.GONGKAI_MAX_ATTACHMENT_BYTES / 1024 / 1024:g}",
        **_readings_context(user, publication),
    }
    return render(request, "staff/publications/detail.html", context)


def _act(
    request: HttpRequest, pk: int, form_class: type[Any], call: Callable[..., Any], done: str
) -> HttpResponse:
    """Run one action on an item through its service and go back to the item page."""
    user = staff_user(request)
    publication = _visible(request, pk)
    form = form_class(request.POST)
    if not form.is_valid():
        flash_form_errors(request, form)
        return redirect(_detail_url(publication))
    try:
        call(actor=user, publication=publication, **form.cleaned_data)
    except AccessDenied as err:
        raise denied(err) from err
    except GongkaiError as err:
        flash_error(request, err)
    else:
        messages.success(request, done)
    return redirect(_detail_url(publication))


@login_required
@require_POST
def publication_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        CommentForm,
        services.publication_submit,
        _("已报送审核；发布前检查的结果见下方。"),
    )


@login_required
@require_POST
def publication_approve(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve; with decision "mask" the personal data is masked first (脱敏后发布), otherwise a
    blocked item needs the override reason (放行（不脱敏））."""
    user = staff_user(request)
    publication = _visible(request, pk)
    form = ApproveForm(request.POST)
    if not form.is_valid():
        flash_form_errors(request, form)
        return redirect(_detail_url(publication))
    data = form.cleaned_data
    mask = data["decision"] == "mask"
    try:
        approved = services.publication_approve(
            actor=user,
            publication=publication,
            comment=data["comment"],
            override_reason="" if mask else data["override_reason"],
            mask=mask,
        )
    except AccessDenied as err:
        raise denied(err) from err
    except GongkaiError as err:
        flash_error(request, err)
    else:
        if mask and approved.override_reason:
            messages.success(
                request, _("已审核通过。%(record)s。") % {"record": approved.override_reason}
            )
        else:
            messages.success(request, _("已审核通过。"))
    return redirect(_detail_url(publication))


@login_required
@require_POST
def publication_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request, pk, CommentForm, services.publication_return, _("已退回修改，意见已记录。")
    )


@login_required
@require_POST
def publication_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        WithdrawForm,
        services.publication_withdraw,
        _("已撤回；公开页面保留并注明撤回原因，索引号不再使用。"),
    )


def _review(*, actor: User, publication: Publication, decision: str, comment: str) -> Any:
    return services.publication_review(
        actor=actor, publication=publication, release=decision == "release", comment=comment
    )


@login_required
@require_POST
def publication_review(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, RetainedReviewForm, _review, _("已记录定期评估结论。"))


@login_required
@require_POST
def publication_validity(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, ValidityForm, services.publication_set_validity, _("已更新有效性。"))


# ---------------------------------------------------------------------------- attachments


@login_required
@require_POST
def attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Attach one uploaded file; the service checks its type by content."""
    user = staff_user(request)
    publication = _visible(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        flash_form_errors(request, form)
        return redirect(_detail_url(publication))
    upload = form.cleaned_data["file"]
    try:
        attachment = services.publication_attach(
            actor=user, publication=publication, name=upload.name or "", data=upload.read()
        )
    except AccessDenied as err:
        raise denied(err) from err
    except GongkaiError as err:
        flash_error(request, err)
    else:
        messages.success(request, _("已添加附件“%(name)s”。") % {"name": attachment.name})
    return redirect(_detail_url(publication))


@login_required
@require_POST
def attachment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    attachment = _visible_attachment(request, pk)
    publication = attachment.publication
    name = attachment.name
    try:
        services.publication_detach(actor=user, attachment=attachment)
    except AccessDenied as err:
        raise denied(err) from err
    except GongkaiError as err:
        flash_error(request, err)
    else:
        messages.success(request, _("已删除附件“%(name)s”。") % {"name": name})
    return redirect(_detail_url(publication))


@login_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    """The stored file as a download under its original name, never rendered in the browser."""
    attachment = _visible_attachment(request, pk)
    return stored_download(
        attachment.file, name=attachment.name, kind=attachment.kind, private=True
    )


# ---------------------------------------------------------------------------- check words


def _require_word_keeper(user: User) -> None:
    if not permissions.can_manage_check_words(user):
        raise PermissionDenied(_("只有县政务公开办可以维护检查词库。"))


@login_required
def check_words(request: HttpRequest) -> HttpResponse:
    """The office's dictionary of wrong and sensitive words, on top of the shipped defaults."""
    user = staff_user(request)
    _require_word_keeper(user)
    form = CheckWordForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                entry = services.check_word_add(actor=user, **form.cleaned_data)
            except AccessDenied as err:
                raise denied(err) from err
            except GongkaiError as err:
                form.add_error(None, err.message)
            else:
                messages.success(
                    request,
                    _("已添加%(kind)s“%(word)s”，下次检查起生效。")
                    % {"kind": entry.get_kind_display(), "word": entry.word},
                )
                return redirect("publications:words")
        status = 400
    context = {
        "form": form,
        # The dictionary is not unit-bound: the whole page is the office's, checked above.
        "entries": list(selectors.check_words()),
        "default_wrong": len(textcheck.default_wrong_words()),
        "default_sensitive": len(textcheck.default_sensitive_words()),
    }
    return render(request, "staff/publications/words.html", context, status=status)


@login_required
@require_POST
def check_word_active(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    _require_word_keeper(user)
    entry = get_object_or_404(selectors.check_words(), pk=pk)
    active = request.POST.get("active") == "1"
    try:
        services.check_word_set_active(actor=user, entry=entry, active=active)
    except AccessDenied as err:
        raise denied(err) from err
    except GongkaiError as err:
        flash_error(request, err)
    else:
        template = _("已启用“%(word)s”。") if active else _("已停用“%(word)s”。")
        messages.success(request, template % {"word": entry.word})
    return redirect("publications:words")


# ---------------------------------------------------------------------------- subsidy lists


@login_required
def subsidy_import(request: HttpRequest) -> HttpResponse:
    """Import a township's payout list and submit one masked posting per village for review."""
    user = staff_user(request)
    townships = selectors.subsidy_townships(user)
    if not townships:
        raise PermissionDenied(_("只有乡镇信息员或村务管理员可以导入补贴发放名单。"))
    problems: list[str] = []
    created: list[Publication] = []
    status = 200
    if request.method == "POST":
        form = SubsidyImportForm(request.POST, request.FILES, townships=townships)
        if form.is_valid():
            data = form.cleaned_data
            try:
                result = subsidies.subsidy_list_import(
                    actor=user,
                    township=data["township"],
                    data=data["file"].read(),
                    subsidy=data["subsidy"],
                    written_on=data["written_on"],
                )
            except AccessDenied as err:
                raise denied(err) from err
            except GongkaiError as err:
                form.add_error(None, err.message)
                # A rejected workbook (WorkbookRejected) names every bad cell; list them all.
                cells = getattr(err, "cells", None)
                problems = [str(c) for c in cells] if cells else list(getattr(err, "problems", []))
            else:
                created = result.publications
                messages.success(
                    request,
                    _(
                        "导入完成：%(rows)d户，合计%(total)s元，已为%(count)d个村（社区）生成公示并报送审核。"
                    )
                    % {"rows": result.rows, "total": result.total, "count": len(created)},
                )
                form = SubsidyImportForm(townships=townships)
        if not created:
            status = 400
    else:
        form = SubsidyImportForm(townships=townships)
    context = {
        "form": form,
        "problems": problems,
        "created": created,
        "max_upload_mb": f"{settings.GONGKAI_MAX_UPLOAD_BYTES / 1024 / 1024:g}",
    }
    return render(request, "staff/publications/subsidy_import.html", context, status=status)
