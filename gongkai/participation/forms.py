"""Forms of public participation: the public's comment form (with its robot traps) and the
staff's forms, which hand cleaned values to the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core import signing

from gongkai.orgs.models import Unit
from gongkai.participation.models import Adoption, Consultation, Decision, DecisionStatus

# A person reads the draft before writing: a comment sent within seconds of the form being
# served is a robot's. The form carries when it was served, signed so it cannot be forged.
MIN_FILL_SECONDS = 5
# A form older than this was left open too long (or replayed); the person reloads it.
MAX_FORM_AGE = 24 * 3600
STARTED_SALT = "gongkai.participation.comment-started"

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def started_token(consultation_pk: int) -> str:
    """The signed "form served now" value for one consultation's form."""
    return signing.TimestampSigner(salt=STARTED_SALT).sign(str(consultation_pk))


class CommentForm(forms.Form):
    """A comment from the public. ``hp_note`` is hidden from people and filled by robots;
    ``started`` must be this consultation's, and at least MIN_FILL_SECONDS old."""

    name = forms.CharField(
        label="姓名或称呼", max_length=50, required=False, help_text="选填；公开时只显示姓氏"
    )
    contact = forms.CharField(
        label="联系方式",
        max_length=100,
        required=False,
        help_text="选填；只供起草单位联系您，不会公开",
    )
    text = forms.CharField(
        label="意见内容", max_length=5000, widget=forms.Textarea(attrs={"rows": 8})
    )
    hp_note = forms.CharField(
        label="请勿填写此项",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    started = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, consultation_pk: int, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.consultation_pk = consultation_pk
        if not self.is_bound:
            self.initial["started"] = started_token(consultation_pk)
        self.fields["name"].widget.attrs["autocomplete"] = "name"

    def is_robot(self) -> bool:
        """Whether the trap field was filled (checked before anything else is said)."""
        return bool(str(self.data.get("hp_note", "")).strip())

    def clean_started(self) -> str:
        value = str(self.cleaned_data.get("started") or "")
        signer = signing.TimestampSigner(salt=STARTED_SALT)
        try:
            pk = signer.unsign(value, max_age=MAX_FORM_AGE)
        except signing.BadSignature as err:
            raise forms.ValidationError("页面已过期，请刷新页面后重新填写。", code="stale") from err
        if pk != str(self.consultation_pk):
            raise forms.ValidationError("页面已过期，请刷新页面后重新填写。", code="stale")
        try:
            signer.unsign(value, max_age=MIN_FILL_SECONDS)
        except signing.SignatureExpired:
            return value  # old enough: a person had time to read
        raise forms.ValidationError("提交太快了，请阅读征求意见稿后再提交。", code="too_fast")


class DecisionForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    number = forms.IntegerField(label="序号", min_value=1, max_value=999)
    matter = forms.CharField(label="决策事项", max_length=200)
    unit = forms.ModelChoiceField(label="承办单位", queryset=Unit.objects.filter(is_active=True))
    planned_time = forms.CharField(
        label="拟决策时间", max_length=40, help_text="如“2026年第三季度”"
    )
    hearing = forms.BooleanField(label="举行听证", required=False)
    status = forms.ChoiceField(label="状态", choices=DecisionStatus.choices)
    note = forms.CharField(
        label="备注",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="调整或撤销时写明调整内容或撤销理由",
    )

    def __init__(self, *args: Any, office: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not office:  # the undertaking unit updates its row's progress only
            for name in ("year", "number", "matter", "unit"):
                self.fields[name].disabled = True


class ConsultationForm(forms.Form):
    title = forms.CharField(label="标题", max_length=200)
    decision = forms.ModelChoiceField(
        label="对应重大行政决策事项", queryset=Decision.objects.all(), required=False
    )
    summary = forms.CharField(
        label="起草说明", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    draft_text = forms.CharField(label="征求意见稿", widget=forms.Textarea(attrs={"rows": 12}))
    attachment_url = forms.URLField(
        label="附件链接", required=False, max_length=500, assume_scheme="https"
    )
    opens_on = forms.DateField(label="开始日期", widget=DATE)
    closes_on = forms.DateField(label="截止日期", widget=DATE)
    short_reason = forms.CharField(
        label="期限少于30日的理由",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="《重大行政决策程序暂行条例》第十五条：征求意见期限一般不少于30日；缩短的须说明理由，理由向社会公开",
    )


class RefuseForm(forms.Form):
    reason = forms.CharField(label="不予公开的理由", max_length=300)


class AdoptForm(forms.Form):
    adoption = forms.ChoiceField(
        label="采纳情况", choices=[c for c in Adoption.choices if c[0] != Adoption.UNDECIDED]
    )
    reason = forms.CharField(
        label="理由或说明",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="未采纳或部分采纳的须说明理由",
    )


class FeedbackForm(forms.Form):
    text = forms.CharField(
        label="采纳情况说明",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="可归类说明未采纳意见的理由；收到、采纳的条数由系统统计",
    )


class MeetingForm(forms.Form):
    title = forms.CharField(label="会议名称", max_length=200)
    held_on = forms.DateField(label="召开日期", widget=DATE)
    topics = forms.CharField(
        label="议题", widget=forms.Textarea(attrs={"rows": 4}), help_text="每行一个议题"
    )
    materials = forms.CharField(
        label="会议材料",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="每行一项：文字，或以http开头的链接",
    )
    video_url = forms.URLField(
        label="视频链接", required=False, max_length=500, assume_scheme="https"
    )


class MatterForm(forms.Form):
    title = forms.CharField(label="事项", max_length=200)
    unit = forms.ModelChoiceField(label="责任单位", queryset=Unit.objects.filter(is_active=True))
    ways = forms.CharField(
        label="参与方式", max_length=300, help_text="如“网上征求意见、座谈会、听证会”"
    )
    description = forms.CharField(
        label="说明", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    link = forms.URLField(label="参与入口", required=False, max_length=500, assume_scheme="https")
    is_active = forms.BooleanField(label="公开中", required=False, initial=True)


def consultation_initial(consultation: Consultation) -> dict[str, Any]:
    return {name: getattr(consultation, name) for name in ConsultationForm.base_fields}
