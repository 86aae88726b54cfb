"""Forms of the site's duties: the office's settings page, the public's error report
(我为政府网站找错) and the office's note when it handles one.

They only check the shape of what people typed, with messages that say what to write; the
services (gongkai.portal.services) decide and save. Every message is a plain Chinese sentence,
never the framework's wording.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from gongkai.portal.models import ErrorKind

PHONE_MESSAGE = _("请填写正确的联系电话：手机号码为11位数字，固定电话如0797-7322123。")
EMAIL_MESSAGE = _("请填写正确的电子邮箱地址，如name@example.com。")
# Mobile numbers; landlines with or without the area code (0797-7322123, (0797)7322123) and an
# extension; 400/800 service numbers; the 12345 government hotline.
_PHONE = re.compile(
    r"^(?:1[3-9]\d{9}"
    r"|(?:\(0\d{2,3}\)|0\d{2,3}-?)?[2-9]\d{6,7}(?:(?:-|转)\d{1,6})?"
    r"|[48]00-?\d{3}-?\d{4}"
    r"|12345)$"
)
_COUNTRY_CODE = re.compile(r"^(?:\+|00)?86-?(?=1[3-9]\d{9}$)")


def normalise_phone(value: str) -> str:
    """A phone number as typed (full-width digits, spaces, +86) in its usual written form."""
    text = unicodedata.normalize("NFKC", value)
    text = re.sub(r"[\s\u3000]+", "", text).replace("—", "-").replace("－", "-")
    return _COUNTRY_CODE.sub("", text)


def clean_phone(value: str) -> str:
    """The number in its usual form, or ValidationError with what to write."""
    phone = normalise_phone(value)
    if phone and not _PHONE.match(phone):
        raise forms.ValidationError(PHONE_MESSAGE, code="phone")
    return phone


def _text(label: Any, *, max_length: int, required: bool = False, **kwargs: Any) -> forms.Field:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        error_messages={
            "required": format_lazy(_("请填写{label}。"), label=label),
            "max_length": format_lazy(
                "{label}不能超过{limit}个字。", label=label, limit=max_length
            ),
        },
        **kwargs,
    )


class SiteSettingsForm(forms.Form):
    """The registration and contact data of the site (国办发〔2017〕47号)."""

    sponsor = _text(_("主办单位"), max_length=100, required=True, help_text=_("一般为县人民政府"))
    organizer = _text(_("承办单位"), max_length=100, help_text=_("一般为县人民政府办公室"))
    site_code = _text(
        _("网站标识码"),
        max_length=10,
        validators=[
            RegexValidator(r"^[0-9A-Za-z]{10}$", _("网站标识码为10位数字或字母，如3607300001。"))
        ],
        help_text=_("全国政府网站信息报送系统分配的10位标识码"),
    )
    icp_number = _text(
        _("ICP备案号"),
        max_length=40,
        validators=[
            RegexValidator(
                r"^[\u4e00-\u9fff]ICP备\d{4,10}号(?:-\d{1,3})?$",
                _("ICP备案号的格式如：赣ICP备12345678号-1。"),
            )
        ],
    )
    police_number = _text(
        _("公安机关备案号"),
        max_length=40,
        validators=[
            RegexValidator(
                r"^[\u4e00-\u9fff]公网安备 ?\d{14}号$",
                _("公安机关备案号的格式如：赣公网安备36073002000101号（含14位数字）。"),
            )
        ],
    )
    phone = _text(_("联系电话"), max_length=40)
    address = _text(_("联系地址"), max_length=200)
    email = forms.EmailField(
        label=_("电子邮箱"),
        max_length=100,
        required=False,
        error_messages={"invalid": EMAIL_MESSAGE, "max_length": EMAIL_MESSAGE},
    )
    postcode = _text(
        _("邮编"), max_length=6, validators=[RegexValidator(r"^\d{6}$", _("邮编为6位数字。"))]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean_phone(self) -> str:
        return clean_phone(self.cleaned_data["phone"])

    def clean_icp_number(self) -> str:
        return str(self.cleaned_data["icp_number"]).replace(" ", "")


class ErrorReportForm(forms.Form):
    """我为政府网站找错: the page, the kind of problem and what is wrong; a name and a way to
    reach the sender are optional. ``hp_note`` is a trap for robots: hidden from people (and
    from screen readers), any value in it refuses the form."""

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
        choices=ErrorKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("请选择问题类型。"),
            "invalid_choice": _("请选择问题类型。"),
        },
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
    name = _text(_("姓名"), max_length=50, help_text=_("选填"))
    phone = _text(
        _("联系电话"),
        max_length=40,
        help_text=_("选填；需要回复时请留下电话或电子邮箱"),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(
        label=_("电子邮箱"),
        max_length=100,
        required=False,
        error_messages={"invalid": EMAIL_MESSAGE, "max_length": EMAIL_MESSAGE},
        help_text=_("选填"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    hp_note = forms.CharField(
        label=_("请勿填写此项"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "name"

    def clean_page_url(self) -> str:
        url = str(self.cleaned_data["page_url"]).strip()
        if not (url.startswith(("http://", "https://")) or url.startswith("/")):
            raise forms.ValidationError(
                _("请填写出现问题的页面地址，以http://、https://或/开头。"), code="url"
            )
        return url

    def clean_phone(self) -> str:
        return clean_phone(self.cleaned_data["phone"])

    def clean(self) -> dict[str, Any] | None:
        data = super().clean()
        if self.cleaned_data.get("hp_note"):
            raise forms.ValidationError(_("提交失败，请刷新页面后重新填写。"), code="robot")
        return data

    def values(self) -> dict[str, str]:
        """What the service takes (the trap field left out)."""
        names = ("page_url", "kind", "description", "name", "phone", "email")
        return {name: self.cleaned_data[name] for name in names}


class HandleForm(forms.Form):
    """The office's note on what it did about a report."""

    reply = forms.CharField(
        label=_("处理说明"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": _("请填写处理说明。"),
            "max_length": _("处理说明不能超过2000字。"),
        },
    )


class QueueFilterForm(forms.Form):
    """Which reports the queue shows (待处理 by default)."""

    status = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("pending", _("待处理")), ("handled", _("已处理")), ("all", _("全部"))],
    )
