"""The public's subscription form and the editors' tag form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gongkai.catalog.models import Domain
from gongkai.orgs.models import Unit, UnitKind
from gongkai.push.models import AudienceTag, Frequency
from gongkai.push.selectors import active_tags


class CriteriaForm(forms.Form):
    """What to hear about and how often (the manage page; the subscribe page adds the address)."""

    tags = forms.ModelMultipleChoiceField(
        label=_("服务对象"),
        queryset=AudienceTag.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    domains = forms.ModelMultipleChoiceField(
        label=_("公开领域"),
        queryset=Domain.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    units = forms.ModelMultipleChoiceField(
        label=_("发布单位"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    keywords = forms.CharField(
        label=_("关键词"),
        max_length=120,
        required=False,
        help_text=_("标题中含有任一关键词即推送，多个关键词用空格分开，最多5个"),
    )
    frequency = forms.ChoiceField(
        label=_("发送频率"),
        choices=Frequency.choices,
        initial=Frequency.IMMEDIATE,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["tags"].queryset = active_tags()  # type: ignore[attr-defined]
        self.fields["domains"].queryset = Domain.objects.order_by("sort_order", "code")  # type: ignore[attr-defined]
        self.fields["units"].queryset = (  # type: ignore[attr-defined]
            Unit.objects.active().exclude(kind=UnitKind.VILLAGE).order_by("sort_order", "code")
        )

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "tags": list(data["tags"]),
            "domains": list(data["domains"]),
            "units": list(data["units"]),
            "keywords": data["keywords"],
            "frequency": data["frequency"],
        }


class SubscribeForm(CriteriaForm):
    """The public's subscription: criteria, frequency and the address to confirm.

    ``hp_note`` is a trap for robots, hidden from people and out of the tab order."""

    email = forms.EmailField(
        label=_("电子邮箱"),
        max_length=254,
        help_text=_("我们会先发一封确认邮件，确认后才开始推送；邮箱不会公开"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    hp_note = forms.CharField(
        label=_("请勿填写此项"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean(self) -> dict[str, Any] | None:
        data = super().clean()
        if self.cleaned_data.get("hp_note"):
            raise forms.ValidationError(_("提交失败，请刷新页面后重新填写。"), code="robot")
        return data


class TagsForm(forms.Form):
    """The audience tags of one item."""

    tags = forms.ModelMultipleChoiceField(
        label=_("服务对象"),
        queryset=AudienceTag.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, current: list[AudienceTag] | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        # A retired tag already on the item stays offered, so saving does not drop it unseen.
        ids = [t.pk for t in current or []]
        self.fields["tags"].queryset = AudienceTag.objects.filter(  # type: ignore[attr-defined]
            is_active=True
        ) | AudienceTag.objects.filter(pk__in=ids)


class AudienceTagForm(forms.Form):
    """The office's form for one audience tag."""

    name = forms.CharField(label=_("标签名称"), max_length=30)
    code = forms.SlugField(
        label=_("代码"), max_length=40, help_text=_("用于订阅源地址，字母、数字和连字符")
    )
    description = forms.CharField(label=_("说明"), max_length=200, required=False)
    sort_order = forms.IntegerField(label=_("排序"), min_value=0, initial=0)
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class EndForEmailForm(forms.Form):
    """The office ends an address's subscriptions for its owner who asked by phone or letter."""

    email = forms.EmailField(label=_("电子邮箱"), max_length=254)
    reason = forms.CharField(label=_("原因"), max_length=200, help_text=_("如：本人来电要求退订"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
