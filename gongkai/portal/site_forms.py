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

from gongkai.portal.models import INTERPRETATION_WORKDAYS_MAX

PHONE_MESSAGE = _("请填写正确的联系电话：手机号码为11位数字，固定电话如0797-7322123。")
WORKDAYS_MESSAGE = format_lazy(
    _("政策解读期限请填写0至{limit}之间的整数（工作日）。"), limit=INTERPRETATION_WORKDAYS_MAX
)
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
    """The registration and contact data of the site (国办发〔2017〕47号), and the county's
    window for a policy's interpretation (同步发布, a county rule: no statute gives a number)."""

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

    interpretation_workdays = forms.IntegerField(
        label=_("政策解读期限（工作日）"),
        min_value=0,
        max_value=INTERPRETATION_WORKDAYS_MAX,
        error_messages={
            "required": WORKDAYS_MESSAGE,
            "invalid": WORKDAYS_MESSAGE,
            "min_value": WORKDAYS_MESSAGE,
            "max_value": WORKDAYS_MESSAGE,
        },
        help_text=_(
            "同步发布：政策文件发布后N个工作日内发布解读（发布当日不计，按工作日历计算；"
            "0表示当日发布）。这是本县的规定，无法定期限；默认3个工作日。"
        ),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean_phone(self) -> str:
        return clean_phone(self.cleaned_data["phone"])

    def clean_icp_number(self) -> str:
        return str(self.cleaned_data["icp_number"]).replace(" ", "")
