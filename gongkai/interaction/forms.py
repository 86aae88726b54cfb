"""Forms of the message pages: the public's message (领导信箱、咨询) and error report (找错), the
tracking and rating forms, and the staff's steps. They check the shape of what was typed with
Chinese sentences; the services decide and save.

``hp_note`` on the public forms is a trap for robots: hidden from people (and screen readers),
any value in it refuses the form.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gongkai.interaction.models import CATEGORIES, Box, Rating
from gongkai.orgs.models import Unit, UnitKind

PHONE_MESSAGE = _("请填写正确的联系电话：手机号码为11位数字，固定电话如0797-7322123。")
# The phone numbers the portal's forms accept (gongkai.portal.site_forms, which no app may
# import): mobiles, landlines with area code and extension, 400/800 numbers, 12345.
_PHONE = re.compile(
    r"^(?:1[3-9]\d{9}"
    r"|(?:\(0\d{2,3}\)|0\d{2,3}-?)?[2-9]\d{6,7}(?:(?:-|转)\d{1,6})?"
    r"|[48]00-?\d{3}-?\d{4}"
    r"|12345)$"
)
_COUNTRY_CODE = re.compile(r"^(?:\+|00)?86-?(?=1[3-9]\d{9}$)")


def clean_phone(value: str) -> str:
    """The number in its usual written form (full-width digits, spaces and +86 removed), or
    ValidationError with what to write."""
    text = unicodedata.normalize("NFKC", value)
    text = re.sub(r"[\s\u3000]+", "", text).replace("—", "-").replace("－", "-")
    phone = _COUNTRY_CODE.sub("", text)
    if phone and not _PHONE.match(phone):
        raise forms.ValidationError(PHONE_MESSAGE, code="phone")
    return phone


PHONE_HELP = _("选填；需要回复时请留下电话或电子邮箱。仅承办单位可见，不会公开。")
EMAIL_MESSAGE = _("请填写正确的电子邮箱地址，如name@example.com。")


class _Public(forms.Form):
    name = forms.CharField(
        label=_("姓名"), max_length=50, required=False, help_text=_("选填；不会公开。")
    )
    phone = forms.CharField(
        label=_("联系电话"),
        max_length=40,
        required=False,
        help_text=PHONE_HELP,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(
        label=_("电子邮箱"),
        max_length=100,
        required=False,
        error_messages={"invalid": EMAIL_MESSAGE, "max_length": EMAIL_MESSAGE},
        help_text=_("选填；不会公开。"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    hp_note = forms.CharField(
        label=_("请勿填写此项"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    box: str = Box.LEADER
    # The 找错 form keeps the old form's field names (kind, description), so links and scripts
    # that post to /jiucuo/ keep working.
    category_field = "category"
    renamed: dict[str, str] = {}

    def __init__(self, *args: Any, box: str | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        if box is not None:
            self.box = box
        self.fields[self.category_field].choices = list(CATEGORIES[self.box])  # type: ignore[attr-defined]
        self.fields["name"].widget.attrs["autocomplete"] = "name"

    def clean(self) -> dict[str, Any] | None:
        data = super().clean()
        if self.cleaned_data.get("hp_note"):
            raise forms.ValidationError(_("提交失败，请刷新页面后重新填写。"), code="robot")
        return data

    def values(self) -> dict[str, Any]:
        """What the service takes (the trap field left out)."""
        return {
            self.renamed.get(name, name): self.cleaned_data[name]
            for name in self.fields
            if name != "hp_note"
        }

    def clean_phone(self) -> str:
        return clean_phone(self.cleaned_data["phone"])


class MessageForm(_Public):
    """A message to 领导信箱 or 咨询."""

    category = forms.ChoiceField(
        label=_("留言类别"),
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择留言类别。"), "invalid_choice": _("请选择留言类别。")},
    )
    title = forms.CharField(
        label=_("标题"),
        max_length=100,
        error_messages={
            "required": _("请填写标题。"),
            "max_length": _("标题不能超过100字。"),
        },
    )
    body = forms.CharField(
        label=_("留言内容"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={
            "required": _("请填写留言内容。"),
            "max_length": _("留言内容不能超过3000字。"),
        },
        help_text=_("请写明事由和诉求，不超过3000字。请勿填写身份证号、银行卡号等个人信息。"),
    )
    allow_publish = forms.BooleanField(
        label=_("同意在网站上公开留言和答复（不公开姓名和联系方式）"),
        required=False,
        initial=True,
    )

    field_order = ["category", "title", "body", "allow_publish", "name", "phone", "email"]


class JiucuoForm(_Public):
    """我为政府网站找错: the page, the kind of problem and what is wrong (the old form's fields)."""

    box = Box.JIUCUO
    category_field = "kind"
    renamed = {"kind": "category", "description": "body"}

    page_url = forms.CharField(
        label=_("问题页面地址"),
        max_length=500,
        error_messages={
            "required": _("请填写出现问题的页面地址。"),
            "max_length": _("页面地址不能超过500个字符。"),
        },
        help_text=_("从详情页进入时已自动填写；也可以从浏览器地址栏复制。"),
    )
    kind = forms.ChoiceField(
        label=_("问题类型"),
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择问题类型。"), "invalid_choice": _("请选择问题类型。")},
    )
    description = forms.CharField(
        label=_("问题描述"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": _("请填写问题描述：哪里有错，正确的应该是什么。"),
            "max_length": _("问题描述不能超过2000字。"),
        },
        help_text=_("请写明错误所在的位置和正确的内容，不超过2000字。"),
    )

    field_order = ["page_url", "kind", "description", "name", "phone", "email"]

    def clean_page_url(self) -> str:
        url = str(self.cleaned_data["page_url"]).strip()
        if not (url.startswith(("http://", "https://")) or url.startswith("/")):
            raise forms.ValidationError(
                _("请填写出现问题的页面地址，以http://、https://或/开头。"), code="url"
            )
        return url

    def values(self) -> dict[str, Any]:
        # Error reports are published once answered (they hold no personal matter).
        return {**super().values(), "allow_publish": True}


class TrackForm(forms.Form):
    tracking_no = forms.CharField(
        label=_("留言编号"),
        max_length=24,
        error_messages={"required": _("请填写留言编号。")},
    )
    code = forms.CharField(
        label=_("查询码"),
        max_length=16,
        error_messages={"required": _("请填写查询码。")},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class RateForm(TrackForm):
    rating = forms.ChoiceField(
        label=_("您对答复的评价"),
        choices=Rating.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择评价。"), "invalid_choice": _("请选择评价。")},
    )


def _handling_units() -> Any:
    return (
        Unit.objects.filter(is_active=True)
        .exclude(kind__in=(UnitKind.VILLAGE, UnitKind.ENTERPRISE))
        .order_by("sort_order", "code")
    )


class AssignForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("承办单位"),
        queryset=Unit.objects.none(),
        error_messages={"required": _("请选择承办单位。"), "invalid_choice": _("请选择承办单位。")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _handling_units()  # type: ignore[attr-defined]


class TransferForm(AssignForm):
    reason = forms.CharField(
        label=_("转办理由"),
        max_length=200,
        error_messages={"required": _("请填写转办理由。")},
    )


class ReplyForm(forms.Form):
    reply = forms.CharField(
        label=_("答复内容"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": _("请填写答复内容。"),
            "max_length": _("答复内容不能超过5000字。"),
        },
    )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("审核结果"),
        choices=[
            ("approve", _("通过")),
            ("withhold", _("通过，但不予公开")),
            ("return", _("退回重新答复")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择审核结果。")},
    )
    note = forms.CharField(label=_("审核意见"), max_length=500, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("原因"), max_length=200, error_messages={"required": _("请填写原因。")}
    )


class SimpleForm(forms.Form):
    simple = forms.BooleanField(label=_("简单问题"), required=False)


def _days(label: Any) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=1,
        max_value=60,
        error_messages={
            "required": _("请填写期限。"),
            "invalid": _("期限应为1至60个工作日。"),
            "min_value": _("期限应为1至60个工作日。"),
            "max_value": _("期限应为1至60个工作日。"),
        },
    )


class SettingsForm(forms.Form):
    """The office's answer periods in working days (the county's rule: 5, simple 3, 找错 3)."""

    normal_days = _days(_("一般留言答复期限（工作日）"))
    simple_days = _days(_("简单问题答复期限（工作日）"))
    jiucuo_days = _days(_("网站找错处理期限（工作日）"))


class ListFilterForm(forms.Form):
    box = forms.ChoiceField(
        label=_("信箱"), required=False, choices=[("", _("全部")), *Box.choices]
    )
    status = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[
            ("", _("全部")),
            ("submitted", _("待分办")),
            ("assigned", _("办理中")),
            ("replied", _("已答复")),
            ("invalid", _("无效留言")),
        ],
    )
    overdue = forms.BooleanField(label=_("只看已超期"), required=False)
    stale = forms.BooleanField(label=_("只看超过3个月未答复"), required=False)
