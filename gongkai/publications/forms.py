"""Forms of the staff pages for government information (/staff/publications/).

Forms only parse and check the shape of what people typed; the services decide whether the change
is allowed and valid (``gongkai.publications.services``). No form saves anything.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gongkai.catalog.models import CatalogItem, Domain
from gongkai.core.uploads import check_size, clean_office_upload
from gongkai.orgs.models import Unit
from gongkai.publications import services
from gongkai.publications.models import (
    Attribute,
    Column,
    DocKind,
    FiveClass,
    InterpretationForm,
    NonPublicGround,
    Publication,
    PublicationStatus,
    TopicCategory,
    Validity,
    WordKind,
)

# An .xlsx file is a ZIP archive; the old binary .xls is an OLE2 compound file.
# Something that looks like an HTML tag (<p>, </div>, <br/>, <!-- -->); "<中>" or "a < b" do not.
_TAG = re.compile(r"</?[A-Za-z][^<>]*>|<!--")
_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# An item's page address, public (/xxgk/12/) or staff (/staff/publications/12/), whole or a path.
_ITEM_PAGE = re.compile(r"/(?:xxgk|staff/publications)/(\d{1,12})/?(?:[?#].*)?$")


def paragraphs(text: str) -> str:
    """Plain text as HTML paragraphs: one <p> per non-empty line, everything escaped.

    Text pasted from a plain editor separates paragraphs by line breaks (often with a blank line
    between); HTML input is left for the service to sanitise.
    """
    if not text.strip() or _TAG.search(text):
        return text
    lines = (line.strip() for line in text.splitlines())
    return "\n".join(f"<p>{html.escape(line, quote=False)}</p>" for line in lines if line)


def _choices(values: Sequence[tuple[str, str]], empty: Any) -> list[tuple[str, Any]]:
    return [("", empty), *values]


class ColumnChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """Columns shown under their parent (法定主动公开内容／通知公告)."""

    def label_from_instance(self, obj: Any) -> str:
        column = cast(Column, obj)
        return f"{column.parent.name}／{column.name}" if column.parent else column.name


class PublicationForm(forms.Form):
    """The metadata, 公开属性 and body of one item; ``unit`` only when drafting a new one.

    ``item_groups`` are the catalog items the item may be filed under, grouped by catalog
    (the newest catalog of each unit the user drafts for).
    """

    unit = forms.ModelChoiceField(
        label=_("发布单位"), queryset=Unit.objects.none(), empty_label=_("请选择单位")
    )
    title = forms.CharField(label=_("标题"), max_length=300)
    issuer = forms.CharField(
        label=_("发布机构"),
        max_length=100,
        required=False,
        help_text=_("不填时为本单位名称"),
    )
    doc_number = forms.CharField(
        label=_("文号"), max_length=80, required=False, help_text=_("如：石府办发〔2024〕12号")
    )
    written_on = forms.DateField(label=_("成文日期"), widget=_DATE)
    topic = forms.ModelChoiceField(
        label=_("主题分类"),
        queryset=TopicCategory.objects.order_by("sort_order", "code"),
        empty_label=_("请选择主题分类"),
    )
    five_class = forms.ChoiceField(
        label=_("五公开"), choices=_choices(FiveClass.choices, _("请选择"))
    )
    column = ColumnChoiceField(
        label=_("栏目"),
        queryset=Column.objects.select_related("parent").order_by("sort_order", "code"),
        empty_label=_("请选择栏目"),
    )
    domain = forms.ModelChoiceField(
        label=_("公开领域"),
        queryset=Domain.objects.order_by("sort_order", "code"),
        required=False,
        empty_label=_("不属于某一领域"),
    )
    catalog_items = forms.MultipleChoiceField(
        label=_("对应目录事项"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("可多选；只能选择本单位目录中的事项"),
    )
    attribute = forms.ChoiceField(
        label=_("公开属性"),
        choices=Attribute.choices,
        initial=Attribute.PROACTIVE,
        widget=forms.RadioSelect,
    )
    non_public_ground = forms.ChoiceField(
        label=_("不予公开依据"),
        choices=_choices(NonPublicGround.choices, _("（不予公开时必选）")),
        required=False,
    )
    attribute_reason = forms.CharField(
        label=_("属性认定说明"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("依申请公开或不予公开时必填，写明理由"),
    )
    doc_kind = forms.ChoiceField(
        label=_("文件类型"), choices=DocKind.choices, initial=DocKind.ORDINARY
    )
    validity = forms.ChoiceField(
        label=_("有效性"),
        choices=_choices(Validity.choices, _("（规章、行政规范性文件必选）")),
        required=False,
    )
    effective_on = forms.DateField(label=_("生效日期"), required=False, widget=_DATE)
    expires_on = forms.DateField(label=_("失效日期"), required=False, widget=_DATE)
    interprets = forms.CharField(
        label=_("解读的政策文件"),
        max_length=300,
        required=False,
        help_text=_(
            "本信息是政策解读时填写：所解读文件的索引号，或粘贴该文件的页面地址（本单位尚未发布的文件可用工作台中的页面地址）；不是政策解读的留空。"
        ),
    )
    interpretation_form = forms.ChoiceField(
        label=_("解读形式"),
        choices=_choices(InterpretationForm.choices, _("（政策解读必选）")),
        required=False,
        help_text=_("本信息是政策解读时选择；报送审核前须选定"),
    )
    body = forms.CharField(
        label=_("正文"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_(
            "可直接粘贴纯文本（每行或每段一个自然段）或HTML；标题、加粗、列表、表格、链接等格式会保留，"
            "脚本、样式、图片等不安全的内容会被自动去除。"
        ),
    )

    def __init__(
        self,
        *args: Any,
        units: QuerySet[Unit] | None,
        item_groups: Sequence[tuple[str, Sequence[CatalogItem]]] = (),
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        if units is None:
            del self.fields["unit"]
        else:
            unit_field = cast(forms.ModelChoiceField, self.fields["unit"])  # type: ignore[type-arg]
            unit_field.queryset = units
            if len(units) == 1:
                unit_field.initial = units[0].pk
                self.fields["issuer"].initial = units[0].name
        policy = self.initial.get("interprets")
        if isinstance(policy, Publication):  # editing: show the policy as staff would name it
            self.initial["interprets"] = policy.index_no or reverse(
                "publications:detail", args=[policy.pk]
            )
        self._items = {str(item.pk): item for _label, items in item_groups for item in items}
        items_field = cast(forms.MultipleChoiceField, self.fields["catalog_items"])
        items_field.choices = [
            (label, [(str(item.pk), f"{item.domain.name}／{item}") for item in items])
            for label, items in item_groups
        ]

    def clean_body(self) -> str:
        return paragraphs(self.cleaned_data["body"])

    def clean_interprets(self) -> Publication | None:
        """The policy document named by its 索引号 or the address of its public or staff page;
        the service decides whether this item may point at it (services.check_interprets)."""
        reference = self.cleaned_data["interprets"].strip()
        if not reference:
            return None
        page = _ITEM_PAGE.search(reference)
        found = (
            Publication.objects.filter(pk=int(page.group(1)))
            if page
            else Publication.objects.filter(index_no=reference)
        )
        policy = found.first()
        if policy is None:
            raise forms.ValidationError(
                _("找不到“%(reference)s”：请填写所解读文件的索引号或页面地址。"),
                params={"reference": reference},
            )
        return policy

    def metadata_fields(self) -> list[forms.BoundField]:
        names = ["title", "issuer", "doc_number", "written_on", "topic", "five_class", "column"]
        return [self[name] for name in (*names, "domain")]

    def values(self, *, default_issuer: str) -> dict[str, Any]:
        """The cleaned values in the shape the services take (EDITABLE_FIELDS + catalog_items)."""
        values = {name: self.cleaned_data[name] for name in services.EDITABLE_FIELDS}
        values["issuer"] = values["issuer"].strip() or default_issuer
        values["catalog_items"] = [self._items[pk] for pk in self.cleaned_data["catalog_items"]]
        return values


class PublicationFilterForm(forms.Form):
    """The list page's filters; anything unrecognised is ignored rather than refused."""

    status = forms.ChoiceField(
        label=_("状态"), choices=_choices(PublicationStatus.choices, _("全部")), required=False
    )
    unit = forms.ModelChoiceField(
        label=_("单位"), queryset=Unit.objects.none(), required=False, empty_label=_("全部")
    )
    column = ColumnChoiceField(
        label=_("栏目"),
        queryset=Column.objects.select_related("parent").order_by("sort_order", "code"),
        required=False,
        empty_label=_("全部"),
    )
    mine = forms.BooleanField(label=_("只看本单位的草稿和被退回的信息"), required=False)

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["unit"]).queryset = units  # type: ignore[type-arg]


class CommentForm(forms.Form):
    """The comment that goes with a submission, an approval or a return."""

    comment = forms.CharField(label=_("意见或说明"), required=False, max_length=2000)


class ApproveForm(CommentForm):
    """Approval, with the reviewer's choice when the checks found personal data: mask it and
    publish (脱敏后发布), or publish it as written with a reason (放行（不脱敏））."""

    decision = forms.ChoiceField(
        label=_("处理方式"),
        choices=[
            ("", _("审核发布")),
            ("mask", _("脱敏后发布")),
            ("override", _("放行（不脱敏）")),
        ],
        required=False,
    )
    override_reason = forms.CharField(label=_("放行理由"), required=False, max_length=2000)


class WithdrawForm(forms.Form):
    # Required by the service, which says so in its own words.
    reason = forms.CharField(label=_("撤回原因"), required=False, max_length=2000)


class RetainedReviewForm(forms.Form):
    """The periodic review of an item kept from proactive publication."""

    decision = forms.ChoiceField(
        label=_("评估结论"),
        choices=[("keep", _("继续不公开")), ("release", _("转为主动公开"))],
    )
    comment = forms.CharField(label=_("评估意见"), required=False, max_length=2000)


class ValidityForm(forms.Form):
    validity = forms.ChoiceField(label=_("有效性"), choices=Validity.choices)
    expires_on = forms.DateField(label=_("失效日期"), required=False, widget=_DATE)
    comment = forms.CharField(label=_("说明"), required=False, max_length=2000)


class AttachmentForm(forms.Form):
    """One file to attach; its type is checked by content in the service, its size here first so
    an oversized upload is never read into memory."""

    file = forms.FileField(
        label=_("附件"),
        help_text=_("PDF、OFD、Word、Excel、JPG或PNG文件"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.ofd,.doc,.docx,.xls,.xlsx,.jpg,.jpeg,.png"}
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        check_size(upload, limit=settings.GONGKAI_MAX_ATTACHMENT_BYTES)
        return upload


class CheckWordForm(forms.Form):
    word = forms.CharField(label=_("词语"), max_length=100)
    kind = forms.ChoiceField(label=_("类别"), choices=WordKind.choices)
    correction = forms.CharField(
        label=_("正确写法"), max_length=100, required=False, help_text=_("错词必填")
    )
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class SubsidyImportForm(forms.Form):
    """A township's payout list (惠农补贴发放结果) to post village by village."""

    township = forms.ChoiceField(label=_("乡镇（社区）"))
    subsidy = forms.CharField(
        label=_("补贴名称"), max_length=100, help_text=_("如：2024年耕地地力保护补贴")
    )
    written_on = forms.DateField(label=_("成文日期"), widget=_DATE)
    file = forms.FileField(
        label=_("发放名单（.xlsx）"),
        help_text=_(
            "表头至少包括：村（社区）、姓名、补贴金额（元）；可有身份证号、补贴项目、面积（亩）、备注。"
        ),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )

    def __init__(self, *args: Any, townships: Sequence[Unit], **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self._townships = {str(unit.pk): unit for unit in townships}
        field = cast(forms.ChoiceField, self.fields["township"])
        field.choices = _choices([(pk, u.name) for pk, u in self._townships.items()], _("请选择"))
        if len(townships) == 1:
            field.initial = str(townships[0].pk)

    def clean_township(self) -> Unit:
        return self._townships[self.cleaned_data["township"]]

    def clean_file(self) -> UploadedFile:
        """Refuse anything that is not an .xlsx of a sane size before it reaches the parser."""
        return clean_office_upload(
            self.cleaned_data["file"], kind="xlsx", hint=_("请按乡镇拆分后分批导入。")
        )
