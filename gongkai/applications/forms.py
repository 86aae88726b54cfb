"""Forms of the application pages: the public application form (条例第二十九条), the staff
register form, one small form per step, the list's filters and the uploads.

Forms only parse and check the shape of what people typed; the services decide whether a step is
allowed and valid (``gongkai.applications.services``). Field names are the services' keyword
arguments, so a view passes ``form.cleaned_data`` straight on. No form saves anything.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from gongkai import textcheck
from gongkai.applications import outcomes, services
from gongkai.applications.models import (
    ApplicantType,
    Channel,
    ConsultationKind,
    DeliveryWay,
    InfoForm,
    LetterKind,
    Stage,
)
from gongkai.core import clock
from gongkai.core.uploads import clean_office_upload
from gongkai.orgs.models import Unit, UnitKind, User

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
ID_CARD = "居民身份证"
CREDIT_CODE = "统一社会信用代码"
ID_KINDS = [
    (ID_CARD, _("居民身份证")),
    (CREDIT_CODE, _("统一社会信用代码（营业执照等）")),
    ("护照", _("护照")),
    ("港澳台居民居住证", _("港澳台居民居住证")),
    ("其他", _("其他身份证明")),
]
APPLICANT_TYPES: list[tuple[Any, Any]] = [
    (_("自然人"), [(ApplicantType.NATURAL.value, ApplicantType.NATURAL.label)]),
    (
        _("法人或其他组织"),
        [(t.value, t.label) for t in ApplicantType if t != ApplicantType.NATURAL],
    ),
]
UNIT_GROUPS = [
    (_("县人民政府"), {UnitKind.COUNTY}),
    (_("县直部门"), {UnitKind.DEPARTMENT}),
    (_("驻县单位"), {UnitKind.STATIONED}),
    (_("乡镇（社区）"), {UnitKind.TOWNSHIP, UnitKind.COMMUNITY}),
]
# Channels staff register; online applications come in through the portal.
REGISTER_CHANNELS = [(c.value, c.label) for c in Channel if c != Channel.ONLINE]


def _today() -> Any:
    return clock.today()


def _day(label: Any, **kwargs: Any) -> forms.DateField:
    return forms.DateField(label=label, widget=_DATE, **kwargs)


def unit_choices(units: Iterable[Unit]) -> list[tuple[Any, Any]]:
    """Units grouped as the public knows them: the county government, departments, stationed
    units, townships."""
    units = list(units)
    groups: list[tuple[Any, Any]] = [("", _("请选择受理机关"))]
    for label, kinds in UNIT_GROUPS:
        members = [(str(u.pk), u.name) for u in units if u.kind in kinds]
        if members:
            groups.append((label, members))
    return groups


def outcome_choices() -> list[tuple[Any, Any]]:
    """The outcomes a reply may record (outcomes.REPLY_CODES), grouped as in the annual report
    (不予公开, 无法提供, 不予处理, 其他处理), each by its own name where several share a row of the
    report (Outcome.choice); 予以公开 and 部分公开 stand alone."""
    choices: list[tuple[Any, Any]] = [("", _("请选择办理结果"))]
    groups: dict[str, list[tuple[str, str]]] = {}
    for code in outcomes.REPLY_CODES:
        outcome = outcomes.BY_CODE[code]
        if not outcome.group:
            choices.append((outcome.code, outcome.choice))
        else:
            if outcome.group not in groups:
                groups[outcome.group] = []
                choices.append((outcome.group, groups[outcome.group]))
            groups[outcome.group].append((outcome.code, outcome.choice))
    return choices


def _plain_messages(field: forms.Field) -> dict[str, str]:
    """Plain Chinese for the errors a field can show, naming the field: Django's own wording
    (确保该变量包含不超过 5 字符, 选择一个有效的选项) reads as a program talking, not a public office."""
    name = f"“{field.label}”"
    picked = isinstance(field, forms.ChoiceField | forms.FileField | forms.BooleanField)
    messages = {
        "required": f"请选择{name}。" if picked else f"请填写{name}。",
        "invalid_choice": f"请从列表中选择{name}。",
        "max_length": f"{name}最多%(limit_value)d个字，现在是%(show_value)d个字，请删减。",
        "min_length": f"{name}至少要%(limit_value)d个字，现在是%(show_value)d个字。",
        "max_value": f"{name}不能大于%(limit_value)s。",
        "min_value": f"{name}不能小于%(limit_value)s。",
        "max_digits": f"{name}最多%(max)s位数字。",
        "max_decimal_places": f"{name}最多%(max)s位小数。",
        "max_whole_digits": f"{name}的整数部分最多%(max)s位。",
        "empty": f"{name}上传的文件是空的，请重新选择。",
        "missing": f"没有收到{name}的文件，请重新选择。",
        "contradiction": f"{name}：请只上传一个文件，或勾选清除，不要同时进行。",
    }
    if isinstance(field, forms.DateField):
        messages["invalid"] = f"{name}不是有效的日期，请按 2024-03-01 的格式填写。"
    elif isinstance(field, forms.IntegerField | forms.DecimalField):
        messages["invalid"] = f"{name}请填写数字。"
    elif isinstance(field, forms.EmailField):
        messages["invalid"] = f"{name}的格式不对，请检查，例如 name@example.cn。"
    elif isinstance(field, forms.FileField):
        messages["invalid"] = f"{name}没有收到文件，请重新选择。"
    return messages


def _framework_defaults(field: forms.Field) -> dict[str, str]:
    """The messages Django gives a field of this class when the form names none."""
    defaults: dict[str, str] = {}
    for cls in reversed(type(field).__mro__):
        defaults.update({k: str(v) for k, v in getattr(cls, "default_error_messages", {}).items()})
    return defaults


class _Form(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class _PlainForm(_Form):
    """A form the public fills in (and the staff register form, which is the same form): every
    error in plain Chinese that names the field, beside it (a message a field sets itself is
    kept). The staff step forms flash "label：message" and keep Django's short wording."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            defaults = _framework_defaults(field)
            for code, message in _plain_messages(field).items():
                current = field.error_messages.get(code)
                if current is None or str(current) == defaults.get(code):
                    field.error_messages[code] = message


# What a mainland phone number looks like (issue 11). A mobile: 11 digits 1[3-9]…, perhaps after
# +86 and with spaces or hyphens; a landline: its area code (010 and 02x have three digits,
# the others four), then 7 or 8 digits (8 after a three-digit code), perhaps an extension.
PHONE_HELP = _("手机号码，或带区号的固定电话，例如 13800000000 或 0797-1234567")
PHONE_ERROR = _("请填写正确的手机号码或固定电话，例如 13800000000 或 0797-1234567。")
POSTCODE_ERROR = _("邮政编码是6位数字，例如 342700。")
_MOBILE = re.compile(r"(?:\+?86)?(1[3-9][0-9]{9})")
_DASHES = re.compile("[\u2010-\u2015\u2212]")
_SPACING = re.compile(r"[\s()\-]")
_EXTENSION = re.compile(r"(.+?)\s*(?:转|分机|ext\.?|x|-)\s*([0-9]{1,6})")


def _landline(digits: str) -> str | None:
    if not re.fullmatch(r"0[1-9][0-9]{8,10}", digits):
        return None
    short = digits.startswith(("010", "02"))
    area, local = (digits[:3], digits[3:]) if short else (digits[:4], digits[4:])
    if len(local) not in ((8,) if short else (7, 8)) or local[0] == "0":
        return None
    return f"{area}-{local}"


def phone_number(value: str) -> str | None:
    """A mainland phone number as staff will dial it (13800000000, 0797-1234567,
    0797-1234567转801), or None when ``value`` is not one. Full-width digits, brackets round
    the area code, spaces and hyphens are accepted as people type them."""
    text = _DASHES.sub("-", unicodedata.normalize("NFKC", value)).strip().lower()
    digits = _SPACING.sub("", text)
    mobile = _MOBILE.fullmatch(digits)
    if mobile:
        return mobile[1]
    number = _landline(digits)
    if number:
        return number
    parts = _EXTENSION.fullmatch(text)
    if parts:
        number = _landline(_SPACING.sub("", parts[1]))
        if number:
            return f"{number}转{parts[2]}"
    return None


def postcode(value: str) -> str | None:
    """A postcode (6 digits, full-width accepted), or None when ``value`` is not one."""
    digits = re.sub(r"\s", "", unicodedata.normalize("NFKC", value))
    return digits if re.fullmatch(r"[0-9]{6}", digits) else None


class PhoneField(forms.CharField):
    """A contact phone, checked and written the one way (phone_number); the application forms
    of the public and of staff both use it."""

    def clean(self, value: Any) -> str:
        text = super().clean(value)
        if not text:
            return ""
        number = phone_number(text)
        if number is None:
            raise forms.ValidationError(PHONE_ERROR, code="phone")
        return number


class PostcodeField(forms.CharField):
    """A postcode of 6 digits (postcode)."""

    def clean(self, value: Any) -> str:
        text = super().clean(value)
        if not text:
            return ""
        code = postcode(text)
        if code is None:
            raise forms.ValidationError(POSTCODE_ERROR, code="postcode")
        return code


class ApplicantForm(_PlainForm):
    """What 条例第二十九条 requires of an application: who applies (name, identity document,
    contact), which information, and in which form and way it is wanted."""

    unit = forms.ChoiceField(label=_("受理机关"))
    applicant_type = forms.ChoiceField(
        label=_("申请人类型"), choices=APPLICANT_TYPES, widget=forms.RadioSelect
    )
    applicant_name = forms.CharField(
        label=_("姓名或名称"), max_length=200, help_text=_("自然人填写姓名；法人或其他组织填写全称")
    )
    id_kind = forms.ChoiceField(label=_("身份证明类型"), choices=ID_KINDS)
    id_number = forms.CharField(label=_("身份证明号码"), max_length=64)
    contact_name = forms.CharField(
        label=_("联系人"), max_length=100, required=False, help_text=_("法人或其他组织填写")
    )
    phone = PhoneField(label=_("联系电话"), max_length=40, required=False, help_text=PHONE_HELP)
    email = forms.EmailField(label=_("电子邮箱"), required=False)
    address = forms.CharField(label=_("通信地址"), max_length=300, required=False)
    postcode = PostcodeField(label=_("邮政编码"), max_length=10, required=False)
    description = forms.CharField(
        label=_("所需政府信息的名称、文号或者便于查询的其他特征性描述"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    info_form = forms.ChoiceField(
        label=_("信息的载体形式"),
        choices=InfoForm.choices,
        initial=InfoForm.ELECTRONIC,
        widget=forms.RadioSelect,
    )
    delivery_way = forms.ChoiceField(
        label=_("获取信息的方式"), choices=DeliveryWay.choices, initial=DeliveryWay.EMAIL
    )

    def __init__(self, *args: Any, units: Sequence[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._units = {str(u.pk): u for u in units}
        field = cast(forms.ChoiceField, self.fields["unit"])
        field.choices = unit_choices(units)
        if len(units) == 1:
            field.initial = str(units[0].pk)

    def clean_unit(self) -> Unit:
        return self._units[self.cleaned_data["unit"]]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind, number = data.get("id_kind"), data.get("id_number", "").strip()
        if kind == ID_CARD and number and not textcheck.is_id_number(number):
            self.add_error("id_number", _("居民身份证号码有误，请核对（18位，最后一位可能是X）。"))
        if kind == CREDIT_CODE and number and not textcheck.is_uscc(number.upper()):
            self.add_error("id_number", _("统一社会信用代码有误，请核对（18位）。"))
        if not any(data.get(name) for name in ("phone", "email", "address")):
            self.add_error(None, _("请至少填写一种联系方式：联系电话、电子邮箱或通信地址。"))
        return data

    def applicant_fields(self) -> list[forms.BoundField]:
        names = ["applicant_name", "id_kind", "id_number", "contact_name"]
        return [self[name] for name in names]

    def contact_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("phone", "email", "address", "postcode")]

    def request_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("description", "info_form", "delivery_way")]

    def values(self) -> dict[str, Any]:
        """The applicant's data in the shape the services take (services.APPLICANT_FIELDS)."""
        return {name: self.cleaned_data[name] for name in services.APPLICANT_FIELDS}


class RegisterForm(ApplicantForm):
    """An application handed in, made orally, posted or faxed, registered by staff; the receipt
    date follows from the channel and these dates (条例第三十一条). An oral application is
    written down by the office that receives it, which records who did (第二十九条第一款)."""

    channel = forms.ChoiceField(label=_("提交方式"), choices=REGISTER_CHANNELS)
    submitted_on = _day(
        _("提交日期"), initial=_today, help_text=_("当面提交或口头提出的，即收到申请之日")
    )
    signed_for_on = _day(
        _("签收日期"),
        required=False,
        help_text=_("以邮寄方式（需签收）提交的，签收之日为收到申请之日"),
    )
    confirmed_on = _day(
        _("确认日期"),
        required=False,
        help_text=_("平常信函或传真提交的，与申请人确认之日为收到申请之日"),
    )
    transcribed_by = forms.CharField(
        label=_("代为填写人"),
        max_length=100,
        required=False,
        help_text=_(
            "申请人采用书面形式确有困难、口头提出的，由受理的工作人员代为填写申请"
            "（条例第二十九条第一款）；默认为您本人"
        ),
    )

    def __init__(self, *args: Any, transcriber: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["transcribed_by"].initial = transcriber

    def receipt_fields(self) -> list[forms.BoundField]:
        names = ("channel", "submitted_on", "signed_for_on", "confirmed_on", "transcribed_by")
        return [self[name] for name in names]


class ApplicationFilterForm(_Form):
    """The queue's filters; anything unrecognised is ignored rather than refused."""

    stage = forms.ChoiceField(
        label=_("办理阶段"), choices=[("", _("全部")), *Stage.choices], required=False
    )
    unit = forms.ModelChoiceField(
        label=_("承办单位"), queryset=Unit.objects.none(), required=False, empty_label=_("全部")
    )
    handler = forms.ModelChoiceField(
        label=_("承办人"), queryset=User.objects.none(), required=False, empty_label=_("全部")
    )
    overdue = forms.BooleanField(label=_("只看已逾期的"), required=False)
    extended = forms.BooleanField(label=_("只看已延期的"), required=False)
    within = forms.IntegerField(
        label=_("N个工作日内到期"), min_value=0, max_value=60, required=False
    )

    def __init__(self, *args: Any, units: Any, handlers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["unit"]).queryset = units  # type: ignore[type-arg]
        cast(forms.ModelChoiceField, self.fields["handler"]).queryset = handlers  # type: ignore[type-arg]


# ------------------------------------------------------------------------------- steps


class OnForm(_Form):
    on = _day(_("日期"), initial=_today)


class ConfirmForm(_Form):
    on = _day(_("与申请人确认的日期"), initial=_today)


class AcceptForm(_Form):
    """Accepting takes no input: it happens today, by the person who clicks."""


class SupplementForm(_Form):
    on = _day(_("告知日期"), initial=_today)
    deadline = _day(_("补正期限"))
    items = forms.CharField(
        label=_("需要补正的事项"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class SupplementedForm(_Form):
    on = _day(_("收到补正之日"), initial=_today)
    note = forms.CharField(label=_("说明"), max_length=2000, required=False)


class RouteForm(_Form):
    """Pass the application to the unit responsible inside the county's unified intake (统一受理):
    one application, which keeps its number, query code and day of receipt."""

    to_unit = forms.ModelChoiceField(
        label=_("转交至"), queryset=Unit.objects.none(), empty_label=_("请选择承办单位")
    )
    on = _day(_("转交日期"), initial=_today)
    note = forms.CharField(
        label=_("转交理由"),
        max_length=2000,
        required=False,
        help_text=_(
            "转交后申请编号、查询码和收到申请之日不变，答复期限继续计算；由接收单位答复，"
            "并计入其年度报告。"
        ),
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["to_unit"]).queryset = units  # type: ignore[type-arg]


class WithdrawForm(_Form):
    on = _day(_("撤回日期"), initial=_today)
    reason = forms.CharField(
        label=_("撤回方式和理由"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("如：申请人来函撤回，或来电撤回并由承办人记录；写明申请人所说的理由"),
    )


# How the day a letter reached its addressee is fixed, as 条例第三十一条 does for applications.
RECEIPT_RULE = _("当面送达的为送达之日；邮寄的为签收之日；电子邮件、传真等为双方确认之日")


class ReasonsForm(_Form):
    on = _day(_("告知日期"), initial=_today)
    note = forms.CharField(
        label=_("申请数量、频次明显超过合理范围的情况"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DeferForm(_Form):
    on = _day(_("告知日期"), initial=_today)
    until = _day(_("延迟答复的期限"), help_text=_("应晚于现有答复期限"))
    reason = forms.CharField(
        label=_("延迟答复的理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ConsultForm(_Form):
    kind = forms.ChoiceField(label=_("类型"), choices=ConsultationKind.choices)
    party = forms.CharField(label=_("征求对象"), max_length=200)
    sent_on = _day(_("征求意见书发出日期"), initial=_today)
    delivered_on = _day(
        _("对方收到征求意见书日期"),
        required=False,
        help_text=_(
            "第三方和共同制作机关的15个工作日自对方收到之日起计算；尚不知道的，收到后再记录"
        ),
    )


class DeliveredForm(_Form):
    on = _day(_("对方收到征求意见书日期"), initial=_today, help_text=RECEIPT_RULE)


class AnsweredForm(_Form):
    on = _day(
        _("收到意见日期"),
        initial=_today,
        help_text=_(
            "逾期未提出意见的，填写记录之日、意见留空：第三方的由本机关决定是否公开（条例第三十二条），"
            "共同制作机关的视为同意公开（第三十四条）；不计入答复期限的时间截至意见期限"
        ),
    )
    answer = forms.CharField(
        label=_("意见"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ExtendForm(_Form):
    """The approver is the signed-in reviewer (the head of the unit's 政府信息公开工作机构); the
    name may be given when someone else records the approval."""

    on = _day(_("同意延期日期"), initial=_today)
    reason = forms.CharField(label=_("延期理由"), max_length=2000)
    approved_by = forms.CharField(
        label=_("批准人"),
        max_length=100,
        required=False,
        help_text=_("不填即为您本人（本机关政府信息公开工作机构负责人）"),
    )


class FeeForm(_Form):
    on = _day(_("收费通知日期"), initial=_today)
    amount = forms.DecimalField(
        label=_("收费金额（元）"), min_value=Decimal("0.01"), max_digits=10, decimal_places=2
    )
    basis = forms.CharField(label=_("收费依据"), max_length=2000)
    received_on = _day(
        _("申请人收到收费通知日期"),
        required=False,
        help_text=_("当面送达等已知道的填写；缴费期限自收到次日起20个工作日，不知道的收到后再记录"),
    )


class FeeReceivedForm(_Form):
    on = _day(_("申请人收到收费通知日期"), initial=_today, help_text=RECEIPT_RULE)


FEE_METHODS = [
    ("request", _("按件计收（申请人本自然月内的申请件数）")),
    ("page", _("按量计收（页数）")),
]


class FeeCalculatorForm(_Form):
    """国办函〔2020〕109号 fee tiers, computed with gongkai.applications.fees."""

    fee_method = forms.ChoiceField(label=_("计收方式"), choices=FEE_METHODS)
    fee_count = forms.IntegerField(label=_("件数或页数"), min_value=0, max_value=100000)


class ReplyForm(_Form):
    on = _day(_("答复日期"), initial=_today)
    outcome = forms.ChoiceField(label=_("办理结果"), choices=outcome_choices)
    note = forms.CharField(
        label=_("理由或说明"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "不予公开、部分公开和不予处理须说明理由；已主动公开的和要求提供公开出版物的，"
            "写明获取的方式和途径"
        ),
    )
    responsible_agency = forms.CharField(
        label=_("负责公开该信息的行政机关"),
        max_length=200,
        required=False,
        help_text=_(
            "办理结果为“本机关不掌握相关政府信息（不属于本机关负责公开，告知负责机关）”时填写"
            "（条例第三十六条第（五）项），其他结果不填；确实无法确定负责机关的，在说明中写明理由"
        ),
    )
    responsible_contact = forms.CharField(
        label=_("该机关的联系方式"),
        max_length=200,
        required=False,
        help_text=_("如电话、地址"),
    )


class DeliverForm(_Form):
    on = _day(_("送达日期"), initial=_today)
    way = forms.ChoiceField(label=_("送达方式"), choices=DeliveryWay.choices)


class LetterForm(_Form):
    kind = forms.ChoiceField(label=_("文书"), choices=LetterKind.choices)


class TrackForm(_PlainForm):
    tracking_no = forms.CharField(label=_("申请编号"), max_length=32)
    code = forms.CharField(
        label=_("查询码"),
        max_length=32,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )


# ------------------------------------------------------------------------------- uploads


class RegisterImportForm(_Form):
    file = forms.FileField(
        label=_("登记台账（.xlsx）"),
        help_text=_(
            "表头须包括：申请编号、收到日期、申请人类型、申请人、申请内容、承办单位、办理结果、答复日期；"
            "可有提交方式、代为填写人、说明、负责公开的机关、负责机关联系方式、首次收到单位、转交日期、"
            "延迟答复期限。"
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def clean_file(self) -> UploadedFile:
        return clean_office_upload(self.cleaned_data["file"], kind="xlsx")


class TemplateUploadForm(_Form):
    file = forms.FileField(
        label=_("模板文件（.docx）"), widget=forms.ClearableFileInput(attrs={"accept": ".docx"})
    )
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def clean_file(self) -> UploadedFile:
        return clean_office_upload(self.cleaned_data["file"], kind="docx")
