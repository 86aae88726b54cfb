"""Staff forms of the organisation tree (the details a unit's 政府信息公开指南 is built from) and of
accounts (login, the authenticator's code, finding an account)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.forms.models import fields_for_model
from django.utils.translation import gettext_lazy as _

from gongkai.orgs import logins, throttle
from gongkai.orgs.models import Sector, Unit, UnitKind
from gongkai.orgs.services import GUIDE_FIELDS


class UnitGuideForm(forms.Form):
    """The guide's details of one unit, with the model's labels, help texts and lengths; the
    service (services.unit_guide_update) checks the formats and saves them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields = fields_for_model(
            Unit,
            fields=GUIDE_FIELDS,
            widgets={
                "access_points": forms.Textarea(attrs={"rows": 4}),
                "guide_extra": forms.Textarea(attrs={"rows": 8}),
            },
        )
        for name in GUIDE_FIELDS:
            field = fields[name]
            assert field is not None
            self.fields[name] = field
        # The formats (postcode, e-mail) are checked by the service, in its own Chinese words,
        # rather than twice with the framework's wording.
        email = self.fields["email"]
        self.fields["email"] = forms.CharField(
            label=email.label, required=False, max_length=254, help_text=email.help_text
        )

    def values(self) -> dict[str, str]:
        """The cleaned values, for services.unit_guide_update."""
        return {name: str(self.cleaned_data.get(name) or "") for name in GUIDE_FIELDS}


class StaffAuthenticationForm(AuthenticationForm):
    """The login form, refusing during a lockout before the password is even checked, and
    counting and auditing failures (gongkai.orgs.logins). Wrong password, unknown username and
    inactive account get the same sentence, so the form never tells which usernames exist."""

    error_messages = {
        "invalid_login": _("用户名或密码不正确，请重新输入。"),
        "inactive": _("用户名或密码不正确，请重新输入。"),
    }

    # Set when the form refuses because of a lockout (the view answers 429).
    locked = False

    def clean(self) -> dict[str, Any]:
        username = str(self.cleaned_data.get("username") or "")
        password = self.cleaned_data.get("password")
        address = throttle.client_address(self.request) if self.request else ""
        until = logins.refused_until(username=username, address=address)
        if until is not None:
            logins.login_refused(username=username, address=address, until=until)
            self.locked = True
            raise ValidationError(logins.locked_message(until), code="locked")
        if username and password:
            self.user_cache = authenticate(self.request, username=username, password=password)
            if self.user_cache is None:
                until = logins.login_failed(username=username, address=address, reason="password")
                if until is not None:
                    self.locked = True
                    raise ValidationError(logins.locked_message(until), code="locked")
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class CodeForm(forms.Form):
    """The 6-digit code of an authenticator app."""

    code = forms.CharField(
        label=_("6位验证码"),
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "pattern": r"[0-9 ]*",
                "autofocus": True,
            }
        ),
        error_messages={"required": _("请输入验证器上显示的6位数字。")},
    )


class AccountSearchForm(forms.Form):
    """Find staff accounts by username or name on the office's account page."""

    q = forms.CharField(label=_("用户名或姓名"), max_length=50, required=False)


# --- C: public enterprises (公共企事业单位, issue 14) ---
class EnterpriseForm(forms.Form):
    """A new public enterprise: code, name, sector and supervising department. The service
    (services.enterprise_create) checks the code, the names and the supervisor again."""

    code = forms.CharField(
        label=_("单位代码"),
        max_length=32,
        help_text=_("用于索引号，大写字母和数字，如 XRMYY；创建后不再修改"),
    )
    name = forms.CharField(label=_("单位名称"), max_length=100)
    sector = forms.ChoiceField(label=_("行业领域"), choices=[("", "——"), *Sector.choices])
    supervisor = forms.ModelChoiceField(
        label=_("行业主管部门"),
        queryset=Unit.objects.none(),
        empty_label="——",
        help_text=_("指导本单位信息公开的县直部门"),
    )
    sort_order = forms.IntegerField(label=_("排序"), min_value=0, initial=0, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        departments = Unit.objects.active().filter(kind=UnitKind.DEPARTMENT)
        self.fields["supervisor"].queryset = departments.order_by(  # type: ignore[attr-defined]
            "sort_order", "code"
        )

    def clean_code(self) -> str:
        return str(self.cleaned_data["code"]).strip().upper()


# --- end C ---
