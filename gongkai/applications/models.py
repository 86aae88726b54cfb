"""Disclosure on application (依申请公开): applications, their immutable events, consultations,
letters and the office-editable letter templates (DOMAIN.md §4, 条例第二十九至四十二条)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models

from gongkai.applications import outcomes
from gongkai.core.models import BaseModel, staff_reference
from gongkai.orgs.models import Unit


class ApplicantType(models.TextChoices):
    """The applicant columns of the annual report (section 三)."""

    NATURAL = "natural", "自然人"
    BUSINESS = "business", "商业企业"
    RESEARCH = "research", "科研机构"
    CHARITY = "charity", "社会公益组织"
    LEGAL = "legal", "法律服务机构"
    OTHER = "other", "其他"


class Channel(models.TextChoices):
    """How the application arrived; decides the receipt date (条例第三十一条)."""

    IN_PERSON = "in_person", "当面提交"
    REGISTERED_POST = "registered_post", "邮寄（需签收）"
    ORDINARY_POST = "ordinary_post", "平常信函"
    ONLINE = "online", "互联网"
    FAX = "fax", "传真"
    ORAL = "oral", "口头提出（代为填写）"


class DeliveryWay(models.TextChoices):
    POST = "post", "邮寄"
    EMAIL = "email", "电子邮件"
    IN_PERSON = "in_person", "当面领取"
    FAX = "fax", "传真"
    ONLINE = "online", "网上获取"


class InfoForm(models.TextChoices):
    PAPER = "paper", "纸质"
    ELECTRONIC = "electronic", "电子"


class Stage(models.TextChoices):
    """Where the application stands. Consultation, extension, routing and the 第三十五条 period
    are facts recorded beside the stage (a consultation pauses the clock while the application
    stays in handling). There is no transfer between agencies: the 条例 has none (a unit that is
    not responsible answers under 第三十六条第（五）项), and routing inside the county's unified
    intake moves the one application, which keeps its stage."""

    AWAITING_RECEIPT = "awaiting_receipt", "待确认收到"
    REGISTERED = "registered", "已登记"
    SUPPLEMENT = "supplement", "待补正"
    HANDLING = "handling", "办理中"
    FEE_NOTICE = "fee_notice", "待缴费"
    REPLIED = "replied", "已答复"
    DELIVERED = "delivered", "已送达"
    ARCHIVED = "archived", "已归档"
    CLOSED = "closed", "已终止"


OPEN_STAGES = (
    Stage.AWAITING_RECEIPT,
    Stage.REGISTERED,
    Stage.SUPPLEMENT,
    Stage.HANDLING,
    Stage.FEE_NOTICE,
)


class Application(BaseModel):
    """One application for government information, from receipt to archive."""

    ALLOWED: ClassVar[dict[str, set[str]]] = {
        # CLOSED from every open stage: the applicant may withdraw at any time.
        Stage.AWAITING_RECEIPT: {Stage.REGISTERED, Stage.CLOSED},
        Stage.REGISTERED: {Stage.SUPPLEMENT, Stage.HANDLING, Stage.REPLIED, Stage.CLOSED},
        Stage.SUPPLEMENT: {Stage.HANDLING, Stage.CLOSED, Stage.REPLIED},
        Stage.HANDLING: {Stage.FEE_NOTICE, Stage.REPLIED, Stage.CLOSED},
        Stage.FEE_NOTICE: {Stage.HANDLING, Stage.CLOSED},
        Stage.REPLIED: {Stage.DELIVERED},
        Stage.DELIVERED: {Stage.ARCHIVED},
        Stage.CLOSED: {Stage.ARCHIVED},
        Stage.ARCHIVED: set(),
    }

    tracking_no = models.CharField("申请编号", max_length=32, unique=True)
    query_code_digest = models.CharField("查询码摘要", max_length=128, editable=False)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="applications", verbose_name="承办单位"
    )
    # The unit whose annual report counts the application: the unit holding it at the end of the
    # year it was received (or at its reply, if earlier). Routing later than that does not move
    # it, so a year already reported never changes (see services.application_route).
    account_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name="计入年度报告的单位"
    )
    channel = models.CharField("提交方式", max_length=16, choices=Channel.choices)
    applicant_type = models.CharField("申请人类型", max_length=10, choices=ApplicantType.choices)
    applicant_name = models.CharField("申请人姓名或名称", max_length=200)
    id_kind = models.CharField("身份证明类型", max_length=40, blank=True)
    id_number = models.CharField("身份证明号码", max_length=64, blank=True)
    contact_name = models.CharField("联系人", max_length=100, blank=True)
    phone = models.CharField("联系电话", max_length=40, blank=True)
    email = models.EmailField("电子邮箱", blank=True)
    address = models.CharField("通信地址", max_length=300, blank=True)
    postcode = models.CharField("邮政编码", max_length=10, blank=True)
    description = models.TextField("所需信息的名称、文号或特征性描述")
    info_form = models.CharField(
        "信息的载体形式", max_length=12, choices=InfoForm.choices, default=InfoForm.ELECTRONIC
    )
    delivery_way = models.CharField(
        "获取信息的方式", max_length=12, choices=DeliveryWay.choices, default=DeliveryWay.EMAIL
    )
    submitted_on = models.DateField("提交日期")
    received_on = models.DateField("收到申请之日", null=True, blank=True)
    stage = models.CharField(
        "办理阶段", max_length=20, choices=Stage.choices, default=Stage.REGISTERED, db_index=True
    )
    due_on = models.DateField("答复期限", null=True, blank=True, db_index=True)
    supplement_notice_due = models.DateField("补正告知期限", null=True, blank=True)
    supplement_requested_on = models.DateField("补正告知日期", null=True, blank=True)
    supplement_deadline = models.DateField("补正期限", null=True, blank=True)
    supplemented_on = models.DateField("收到补正之日", null=True, blank=True)
    extended = models.BooleanField("已延期", default=False)
    extension_approved_by = models.CharField("延期批准人", max_length=100, blank=True)
    outcome = models.CharField(
        "办理结果", max_length=16, choices=outcomes.CHOICES, blank=True, db_index=True
    )
    outcome_note = models.TextField("答复理由或说明", blank=True)
    replied_on = models.DateField("答复日期", null=True, blank=True)
    delivered_on = models.DateField("送达日期", null=True, blank=True)
    delivered_by = models.CharField(
        "送达方式", max_length=12, choices=DeliveryWay.choices, blank=True
    )
    archived_on = models.DateField("归档日期", null=True, blank=True)
    fee_amount = models.DecimalField("信息处理费（元）", max_digits=10, decimal_places=2, default=0)
    fee_notice_on = models.DateField("收费通知日期", null=True, blank=True)
    fee_due_on = models.DateField("缴费期限", null=True, blank=True)
    fee_paid_on = models.DateField("缴费日期", null=True, blank=True)
    handler = staff_reference("承办人")
    imported = models.BooleanField("从登记台账导入", default=False)
    transcribed_by = models.CharField(
        "代为填写人",
        max_length=100,
        blank=True,
        help_text="口头提出的申请，由谁代为填写（条例第二十九条第一款）",
    )
    responsible_agency = models.CharField("负责公开的行政机关", max_length=200, blank=True)
    responsible_contact = models.CharField("该机关的联系方式", max_length=200, blank=True)
    reasons_requested_on = models.DateField("要求说明理由日期", null=True, blank=True)
    deferred_until = models.DateField("延迟答复的合理期限", null=True, blank=True)
    fee_received_on = models.DateField("申请人收到收费通知之日", null=True, blank=True)

    class Meta:
        ordering = ["-received_on", "-pk"]
        verbose_name = "政府信息公开申请"
        verbose_name_plural = "政府信息公开申请"
        # No index for the annual report's date ranges: measured at 300,000 applications
        # (bench/annual_report.py) they made SQLite's plans slower, not faster.
        indexes = [models.Index(fields=["unit", "stage", "due_on"])]

    def __str__(self) -> str:
        return self.tracking_no

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES

    @property
    def outcome_info(self) -> outcomes.Outcome | None:
        return outcomes.BY_CODE.get(self.outcome)

    def can_move_to(self, stage: str) -> bool:
        return stage in self.ALLOWED[self.stage]


class EventKind(models.TextChoices):
    SUBMITTED = "submitted", "在线提交"
    RECEIPT_CONFIRMED = "receipt_confirmed", "确认收到"
    REGISTERED = "registered", "登记"
    SUPPLEMENT_REQUESTED = "supplement_requested", "补正告知"
    SUPPLEMENTED = "supplemented", "收到补正"
    LAPSED = "lapsed", "逾期未补正"
    ROUTED = "routed", "转交承办单位"
    WITHDRAWN = "withdrawn", "申请人撤回申请"
    REASONS_REQUESTED = "reasons_requested", "要求说明理由"
    DEFERRED = "deferred", "确定延迟答复期限"
    CONSULTATION_DELIVERED = "consultation_delivered", "征求意见书送达"
    FEE_RECEIVED = "fee_received", "收费通知送达"
    ACCEPTED = "accepted", "受理办理"
    CONSULTATION_SENT = "consultation_sent", "征求意见"
    CONSULTATION_ANSWERED = "consultation_answered", "收到意见"
    EXTENDED = "extended", "延期答复"
    FEE_NOTICE = "fee_notice", "收费通知"
    FEE_PAID = "fee_paid", "缴费"
    FEE_LAPSED = "fee_lapsed", "逾期未缴费"
    REPLIED = "replied", "答复"
    DELIVERED = "delivered", "送达"
    ARCHIVED = "archived", "归档"
    IMPORTED = "imported", "从台账导入"
    PERSONAL_DATA_VIEWED = "personal_data_viewed", "查看申请人信息"


class ApplicationEvent(models.Model):
    """One step of an application: what happened, on which day, who recorded it. Immutable."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="events", verbose_name="申请"
    )
    kind = models.CharField("事项", max_length=24, choices=EventKind.choices)
    on = models.DateField("发生日期")
    at = models.DateTimeField("记录时间", auto_now_add=True)
    actor = staff_reference("记录人")
    note = models.TextField("说明", blank=True)
    data: models.JSONField[dict[str, Any]] = models.JSONField("数据", default=dict, blank=True)
    public = models.BooleanField("公众可见", default=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = "申请办理记录"
        verbose_name_plural = "申请办理记录"

    def __str__(self) -> str:
        return f"{self.application} {self.get_kind_display()} {self.on}"


class Routing(models.Model):
    """The county's unified intake (统一受理) passing an application to the unit responsible, before
    anyone answers it. The application stays one application, with its number, its query code
    and its first receipt date (条例第三十一条): the reply period runs on. Immutable."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="routings", verbose_name="申请"
    )
    from_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name="转出单位"
    )
    to_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name="转交至"
    )
    on = models.DateField("转交日期")
    at = models.DateTimeField("记录时间", auto_now_add=True)
    actor = staff_reference("记录人")
    note = models.TextField("理由", blank=True)

    class Meta:
        ordering = ["on", "pk"]
        verbose_name = "转交记录"
        verbose_name_plural = "转交记录"

    def __str__(self) -> str:
        return f"{self.application} {self.from_unit} → {self.to_unit}（{self.on}）"


class ConsultationKind(models.TextChoices):
    """Whom the handling unit consults. Only a third party (第三十二条) and the agencies that made
    the information jointly (第三十四条: silence is consent) have 15 working days from receiving
    the request; any other agency's opinion just pauses the clock until it comes (第三十三条第三款)."""

    THIRD_PARTY = "third_party", "征求第三方意见（条例第三十二条）"
    AGENCY = "agency", "征求共同制作机关意见（条例第三十四条）"
    OTHER_AGENCY = "other_agency", "征求其他机关意见（条例第三十三条第三款）"


class Consultation(models.Model):
    """A consultation of a third party or another agency; its days are not counted in the reply
    period (条例第三十三条第三款). The 15 working days of 第三十二、三十四条 run from the day the
    consulted party receives the request (``delivered_on``), not from sending."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="consultations", verbose_name="申请"
    )
    kind = models.CharField("类型", max_length=12, choices=ConsultationKind.choices)
    party = models.CharField("征求对象", max_length=200)
    sent_on = models.DateField("发出日期")
    delivered_on = models.DateField("对方收到征求意见书之日", null=True, blank=True)
    reply_due = models.DateField("意见期限", null=True, blank=True)
    answered_on = models.DateField("收到意见日期", null=True, blank=True)
    answer = models.TextField("意见", blank=True)

    class Meta:
        ordering = ["sent_on", "pk"]
        verbose_name = "征求意见"
        verbose_name_plural = "征求意见"

    def __str__(self) -> str:
        return f"{self.party}（{self.sent_on}）"


class LetterKind(models.TextChoices):
    SUPPLEMENT = "supplement", "补正告知书"
    EXTENSION = "extension", "延期答复告知书"
    CONSULTATION = "consultation", "征求意见书"
    FEE = "fee", "收费通知书"
    REASONS = "reasons", "说明理由告知书（条例第三十五条）"
    DEFERRAL = "deferral", "延迟答复告知书（条例第三十五条）"
    REPLY_GRANT = "reply_grant", "政府信息公开申请答复告知书（予以公开）"
    REPLY_PARTIAL = "reply_partial", "政府信息公开申请答复告知书（部分公开）"
    REPLY_REFUSE = "reply_refuse", "政府信息公开申请答复告知书（不予公开）"
    REPLY_UNAVAILABLE = "reply_unavailable", "政府信息公开申请答复告知书（无法提供）"
    REPLY_NOT_PROCESSED = "reply_not_processed", "政府信息公开申请答复告知书（不予处理）"
    REPLY_OTHER = "reply_other", "政府信息公开申请答复告知书（其他）"
    NOTICE_LAPSED = "notice_lapsed", "视为放弃申请告知书"
    NOTICE_FEE_LAPSED = "notice_fee_lapsed", "逾期未缴费不再处理告知书"


class LetterTemplate(BaseModel):
    """An office-edited Word template replacing the built-in one for a kind of letter."""

    kind = models.CharField("文书类型", max_length=24, choices=LetterKind.choices, unique=True)
    file = models.FileField("模板文件", upload_to="letter-templates/")
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "文书模板"
        verbose_name_plural = "文书模板"

    def __str__(self) -> str:
        return self.get_kind_display()


class Letter(BaseModel):
    """A letter generated for an application (kept as issued)."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="letters", verbose_name="申请"
    )
    kind = models.CharField("文书类型", max_length=24, choices=LetterKind.choices)
    file = models.FileField("文件", upload_to="letters/%Y/%m/")
    issued_on = models.DateField("文书日期")
    actor = staff_reference("生成人")

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = "文书"
        verbose_name_plural = "文书"

    def __str__(self) -> str:
        return f"{self.application} {self.get_kind_display()}"


class TrackingSequence(models.Model):
    """The last tracking number used in a year; numbers are never reused."""

    year = models.PositiveSmallIntegerField("年度", unique=True)
    last = models.PositiveIntegerField("已用到", default=0)

    class Meta:
        verbose_name = "申请编号序列"
        verbose_name_plural = "申请编号序列"

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class ClosedYear(models.Model):
    """A year whose annual report (政府信息公开工作年度报告) is final: its figures are published,
    so no handling step may be dated into it any more (ADR 0007). ``unit`` None closes the year
    for every unit, since the county's report counts them all. Written by the reports app when it
    finalizes a report, removed when the office reopens it."""

    year = models.PositiveSmallIntegerField("年度")
    unit = models.ForeignKey(
        Unit,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="单位（空为全县）",
    )
    closed_at = models.DateTimeField("定稿时间")

    class Meta:
        verbose_name = "年度报告已定稿的年度"
        verbose_name_plural = "年度报告已定稿的年度"
        constraints = [
            models.UniqueConstraint(
                fields=["year", "unit"],
                condition=models.Q(unit__isnull=False),
                name="closed_year_once_per_unit",
            ),
            models.UniqueConstraint(
                fields=["year"],
                condition=models.Q(unit__isnull=True),
                name="closed_year_once_for_county",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}年（{self.unit.name if self.unit else '全县'}）"
