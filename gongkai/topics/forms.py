"""The office's forms for a topic and a section, and the public's search within a topic."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gongkai.catalog.models import Domain
from gongkai.orgs.models import Unit
from gongkai.publications.models import Column
from gongkai.push.models import AudienceTag
from gongkai.topics.selectors import Rule, keywords_of
from gongkai.topics.services import RuleInput

MAX_UNIT_CODES = 200


class RuleForm(forms.Form):
    """The rule part of a topic or a section: an item matching ANY of these is collected."""

    tags = forms.ModelMultipleChoiceField(
        label=_("服务对象标签"),
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
    columns = forms.ModelMultipleChoiceField(
        label=_("栏目（含子栏目）"),
        queryset=Column.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    unit_codes = forms.CharField(
        label=_("发布单位代码"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("每行一个单位代码，该单位发布的信息全部收录。"),
    )
    keywords = forms.CharField(
        label=_("标题关键词"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("每行一个，标题含任一个即收录。"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["tags"].queryset = AudienceTag.objects.order_by("sort_order", "code")  # type: ignore[attr-defined]
        self.fields["domains"].queryset = Domain.objects.order_by("sort_order", "code")  # type: ignore[attr-defined]
        self.fields["columns"].queryset = Column.objects.order_by("sort_order", "code")  # type: ignore[attr-defined]

    def clean_unit_codes(self) -> list[Unit]:
        codes = [line.strip().upper() for line in self.cleaned_data.get("unit_codes", "").split()]
        codes = list(dict.fromkeys(c for c in codes if c))
        if len(codes) > MAX_UNIT_CODES:
            raise forms.ValidationError(_("单位代码最多200个。"))
        units = {u.code: u for u in Unit.objects.filter(code__in=codes)}
        unknown = [c for c in codes if c not in units]
        if unknown:
            raise forms.ValidationError(
                _("没有这些单位代码：%(codes)s") % {"codes": "、".join(unknown[:10])}
            )
        return [units[c] for c in codes]

    def rule_input(self) -> RuleInput:
        data = self.cleaned_data
        return RuleInput(
            tags=list(data["tags"]),
            domains=list(data["domains"]),
            columns=list(data["columns"]),
            units=data["unit_codes"],
            keywords=data["keywords"],
        )

    def rule(self) -> Rule:
        """The rule as typed, for the preview (nothing saved)."""
        data = self.cleaned_data
        return Rule(
            tag_ids=tuple(t.pk for t in data["tags"]),
            domain_ids=tuple(d.pk for d in data["domains"]),
            column_ids=tuple(c.pk for c in data["columns"]),
            unit_ids=tuple(u.pk for u in data["unit_codes"]),
            keywords=keywords_of(data["keywords"]),
        )


class TopicForm(RuleForm):
    """A topic: its page and its rule, and the items pinned to its top."""

    title = forms.CharField(label=_("专题名称"), max_length=100)
    slug = forms.CharField(
        label=_("地址代码"),
        max_length=60,
        help_text=_("小写字母、数字和连字符，如 yingshang，页面地址为 /zhuanti/yingshang/。"),
    )
    summary = forms.CharField(
        label=_("专题简介"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    is_active = forms.BooleanField(label=_("在网站上显示"), required=False, initial=True)
    sort_order = forms.IntegerField(label=_("排序"), min_value=0, initial=0)
    pinned = forms.CharField(
        label=_("置顶信息"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("每行一条已公开信息的索引号（或信息编号），按顺序显示在专题最前面，最多10条。"),
    )

    field_order = ["title", "slug", "summary", "is_active", "sort_order"]


class SectionForm(RuleForm):
    """A section of a topic: the topic's items that also match the section's rule."""

    title = forms.CharField(label=_("分栏名称"), max_length=50)
    sort_order = forms.IntegerField(label=_("排序"), min_value=0, initial=0)

    field_order = ["title", "sort_order"]


class TopicSearchForm(forms.Form):
    """检索 within a topic: words, and optionally a range of publication dates."""

    q = forms.CharField(label=_("关键词"), max_length=100, required=False)
    date_from = forms.DateField(label=_("发布日期从"), required=False)
    date_to = forms.DateField(label=_("至"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["date_from"].widget.input_type = "date"
        self.fields["date_to"].widget.input_type = "date"
