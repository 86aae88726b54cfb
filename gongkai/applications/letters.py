"""Letters about an application, produced as Word documents (DOMAIN.md §4; seed 002).

补正告知书, 延期答复告知书, 征求意见书, 收费通知书, the two letters of 条例第三十五条 (说明理由告知书,
延迟答复告知书), one 答复告知书 per outcome and the two notices that end an application (视为放弃,
逾期未缴费) are rendered from Word templates with docxtpl. Each kind has a built-in template
(gongkai/applications/letter_templates/, written by build.py there); the county office may replace
it with its own edited copy (LetterTemplate), which then serves every unit, so the county's letters
read alike. A withdrawn application gets no letter (its outcome has none).

Every letter cites its legal basis (Outcome.basis for replies, with 款 and 项) and every decision
names the remedies (see ``remedies``: since 2024-01-01 a refusal to disclose goes to 行政复议
first). Dates are written the Chinese way (2024年10月8日), and a period that runs from a receipt
is printed as the rule and, once the receipt is known, as the date the services computed. A
template is rendered in Jinja's sandbox with every field required (StrictUndefined): an office
template is data uploaded through the web, and a misspelt field must be refused at upload rather
than leave a blank in a letter. An office template also runs within limits of time, memory and
output (gongkai.applications.letter_sandbox: a forked child with its own memory limit and
timeout), at upload and at every letter, and one over them is refused with 模板运行超出限制.
Generated letters are kept as issued (Letter rows are never replaced).

``actor=None`` is the server's command line (docs/adr/0003-command-line-actor.md).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import logging
import re
import zipfile
from dataclasses import dataclass, replace
from decimal import Decimal
from importlib import resources
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import transaction
from docxtpl import DocxTemplate  # type: ignore[import-untyped]
from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.exceptions import SecurityError

from gongkai.applications import outcomes, services
from gongkai.applications.letter_sandbox import (
    LimitedEnvironment,
    LimitExceeded,
    RenderFailed,
    render_isolated,
)
from gongkai.applications.models import (
    ApplicantType,
    Application,
    ApplicationEvent,
    Channel,
    ConsultationKind,
    DeliveryWay,
    EventKind,
    InfoForm,
    Letter,
    LetterKind,
    LetterTemplate,
)
from gongkai.core import clock
from gongkai.core.audit import audit
from gongkai.core.errors import InvalidTransition, ValidationFailed
from gongkai.orgs import permissions
from gongkai.orgs.models import UnitKind, User

Actor = User | None
logger = logging.getLogger(__name__)

TEMPLATE_PACKAGE = "gongkai.applications.letter_templates"
# A .docx is a zip; refuse one that would unpack to more than this (a template is a few pages).
MAX_UNPACKED_BYTES = 50 * 1024 * 1024

LAW = "《中华人民共和国政府信息公开条例》"
FEE_RULES = "《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）"
FEE_BASIS = f"{LAW}第四十二条第一款和{FEE_RULES}"
# 《中华人民共和国行政复议法》(2023年修订) came into force on this day; see ``remedies``.
REVIEW_FIRST_SINCE = dt.date(2024, 1, 1)

# The article each step rests on, with its 款 where the article has several.
STEP_ARTICLES: dict[str, str] = {
    LetterKind.SUPPLEMENT: "第三十条",
    LetterKind.EXTENSION: "第三十三条第二款",
    LetterKind.REASONS: "第三十五条",
    LetterKind.DEFERRAL: "第三十五条",
}
# A third party answers within 15 working days of receiving the request (第三十二条), so do the
# agencies that made the information jointly, silence being consent (第三十四条). Any other
# agency is asked without either rule: its time only pauses the reply period (第三十三条第三款),
# which is what its letter cites.
CONSULTATION_ARTICLES: dict[str, str] = {
    ConsultationKind.THIRD_PARTY: "第三十二条",
    ConsultationKind.AGENCY: "第三十四条",
    ConsultationKind.OTHER_AGENCY: "第三十三条第三款",
}
# Letters whose kind is decided by the outcome (Outcome.letter): replies and the two notices.
# A withdrawal has none.
OUTCOME_KINDS = frozenset(o.letter for o in outcomes.OUTCOMES if o.letter)
# What the remedies paragraph calls the letter it closes; a consulted party gets none.
DECISION_WORDS: dict[str, str] = {
    **{kind: "答复" for kind in OUTCOME_KINDS},
    LetterKind.NOTICE_LAPSED: "告知",
    LetterKind.NOTICE_FEE_LAPSED: "告知",
    LetterKind.SUPPLEMENT: "告知",
    LetterKind.EXTENSION: "告知",
    LetterKind.REASONS: "告知",
    LetterKind.DEFERRAL: "告知",
    LetterKind.FEE: "通知",
    LetterKind.CONSULTATION: "",
}
REMEDY_EITHER = (
    "如对本{word}不服，可以自收到本{word}之日起60日内向{review}申请行政复议，"
    "或者在6个月内向{court}提起行政诉讼。"
)
REMEDY_REVIEW_FIRST = (
    "如对本答复不服，可以自收到本答复之日起60日内向{review}申请行政复议；"
    "对行政复议决定不服的，可以依法向人民法院提起行政诉讼。"
)
REMEDY_PARTIAL = (
    "如对本答复中不予公开的部分不服，可以自收到本答复之日起60日内向{review}申请行政复议；"
    "对行政复议决定不服的，可以依法向人民法院提起行政诉讼。对本答复的其他内容不服的，"
    "可以自收到本答复之日起60日内向{review}申请行政复议，或者在6个月内向{court}提起行政诉讼。"
)

# Every field a template may use, with its meaning: shown to the office editing a template.
LETTER_FIELDS: dict[str, str] = {
    "letter_title": "文书名称",
    "year": "文书日期的年份",
    "tracking_no": "申请编号",
    "applicant_name": "申请人姓名或名称",
    "applicant_type": "申请人类型",
    "applicant_you": "对申请人的称呼（自然人为“你”，法人或其他组织为“你单位”）",
    "description": "所需政府信息的名称、文号或特征性描述",
    "channel": "提交方式",
    "transcribed_by": "代为填写申请的工作人员（口头提出的申请，条例第二十九条第一款；其他为空）",
    "submitted_on": "提交日期",
    "received_on": "收到申请之日",
    "info_form": "信息的载体形式",
    "delivery_way": "获取信息的方式",
    "unit_name": "承办单位（出具文书的机关）",
    "letter_date": "文书日期",
    "contact_person": "联系人（承办人）",
    "contact_phone": "联系电话",
    "due_on": "答复期限（延期的为延长后的期限，确定延迟答复期限的为该期限）",
    "due_on_before_extension": "延期前的答复期限",
    "due_on_after_extension": "延期后的答复期限（条例第三十三条第二款）",
    "extension_reason": "延期理由",
    "supplement_requested_on": "补正告知日期",
    "supplement_items": "需要补正的事项",
    "supplement_deadline": "补正期限",
    "supplemented_on": "收到补正之日",
    "reasons_requested_on": "要求申请人说明理由的日期（条例第三十五条）",
    "reasons_note": "申请数量、频次明显超过合理范围的情况（要求说明理由时写明）",
    "deferred_until": "延迟答复的合理期限（条例第三十五条）",
    "deferral_reason": "无法在规定期限内答复、需要延迟答复的理由",
    "consultation_party": "征求意见对象",
    "consultation_kind": "征求意见类型",
    "consultation_code": "征求意见类型代码（条件判断用：third_party 第三方，agency 共同制作机关，"
    "other_agency 其他机关）",
    "consultation_is_agency": "是否征求共同制作机关意见（条例第三十四条，条件判断用）",
    "consultation_sent_on": "征求意见日期",
    "consultation_delivered_on": "对方收到征求意见书之日（未记录的为空）",
    "consultation_reply_due": "提出意见的期限（自对方收到之日起15个工作日；未收到或征求其他机关意见的为空）",
    "fee_amount": "信息处理费金额（元）",
    "fee_basis": "计收情况",
    "fee_notice_on": "收费通知日期",
    "fee_received_on": "申请人收到收费通知之日（未记录的为空）",
    "fee_due_on": "缴费期限（自收到通知次日起20个工作日；未记录收到日期的为空）",
    "outcome_code": "办理结果代码（条件判断用）",
    "outcome_group": "办理结果类别（年度报告的大类）",
    "outcome_label": "办理结果（年度报告的口径）",
    "article36_item": "适用的条例第三十六条的项（答复不依据第三十六条的为空）",
    "outcome_note": "答复理由或说明（已主动公开、公开出版物为获取的方式和途径）",
    "responsible_agency": "负责公开该政府信息的行政机关（条例第三十六条第（五）项；无法确定的为空）",
    "responsible_contact": "该行政机关的联系方式",
    "replied_on": "答复日期",
    "legal_basis": "法律依据（不依据条例具体条款的为空）",
    "review_authority": "行政复议机关",
    "court": "提起行政诉讼的人民法院",
    "remedies": "救济途径告知（依文书日期和办理结果确定）",
}


@dataclass(frozen=True)
class _Facts:
    """What a letter draws on, gathered from the application, its events and consultations (or
    made up, for checking a template at upload)."""

    tracking_no: str
    applicant_name: str
    applicant_type: str
    description: str
    channel: str
    info_form: str
    delivery_way: str
    submitted_on: dt.date
    received_on: dt.date | None
    unit_name: str
    unit_phone: str
    unit_is_county: bool
    transcribed_by: str = ""
    handler: str = ""
    due_on: dt.date | None = None
    due_on_before_extension: dt.date | None = None
    due_on_after_extension: dt.date | None = None
    extension_reason: str = ""
    supplement_requested_on: dt.date | None = None
    supplement_items: str = ""
    supplement_deadline: dt.date | None = None
    supplemented_on: dt.date | None = None
    reasons_requested_on: dt.date | None = None
    reasons_note: str = ""
    deferred_until: dt.date | None = None
    deferral_reason: str = ""
    consultation_party: str = ""
    consultation_kind: str = ""
    consultation_sent_on: dt.date | None = None
    consultation_delivered_on: dt.date | None = None
    consultation_reply_due: dt.date | None = None
    fee_amount: Decimal | None = None
    fee_basis: str = ""
    fee_notice_on: dt.date | None = None
    fee_received_on: dt.date | None = None
    fee_due_on: dt.date | None = None
    outcome: str = ""
    outcome_note: str = ""
    responsible_agency: str = ""
    responsible_contact: str = ""
    replied_on: dt.date | None = None


# ------------------------------------------------------------------------------- formatting


def chinese_date(day: dt.date | None) -> str:
    """Write a date as letters do (2024年10月8日); no date gives an empty string."""
    return f"{day.year}年{day.month}月{day.day}日" if day is not None else ""


def _yuan(amount: Decimal | None) -> str:
    if amount is None:
        return ""
    return f"{amount:.0f}" if amount == amount.to_integral_value() else f"{amount:.2f}"


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _text(value: str) -> str:
    """Drop control characters (other than line breaks and tabs, which docxtpl turns into Word
    breaks and tabs): they are not allowed in the document's XML."""
    return _CONTROL.sub("", value.replace("\r\n", "\n")).strip()


def _clause(value: str) -> str:
    """A staff-written reason as a clause the template ends itself: no trailing full stop."""
    return _text(value).rstrip("。．.；;，,！!").strip()


def _because(value: str) -> str:
    """A staff-written reason as the clause after the template's own "因…，": without a leading
    因为/由于/因 of its own."""
    reason = _clause(value)
    for lead in ("因为", "由于", "因"):
        if reason.startswith(lead):
            return reason[len(lead) :].lstrip("，, ")
    return reason


_ARTICLE_36 = re.compile(
    r"第三十六条(?:第（[一二三四五六七]）项)(?:[和、]第（[一二三四五六七]）项)*"
)


def _article36_item(outcome: outcomes.Outcome | None) -> str:
    """The item(s) of 第三十六条 the reply follows, as cited in Outcome.basis ("" if none)."""
    found = _ARTICLE_36.search(outcome.basis) if outcome is not None else None
    return found.group(0) if found else ""


def legal_basis(kind: str, *, outcome: str = "", consultation_kind: str = "") -> str:
    """The citation a letter of ``kind`` rests on, with the law's name; "" where no article of
    the 条例 governs (a request to confirm or re-issue information already obtained, 其他).

    Replies cite Outcome.basis; a fee notice and the notice that the fee was not paid add
    国办函〔2020〕109号 to 第四十二条第一款; a consultation cites 第三十二条 (third party),
    第三十四条 (jointly made) or 第三十三条第三款 (any other agency).
    """
    if kind in OUTCOME_KINDS:
        info = outcomes.BY_CODE.get(outcome)
        if info is None or not info.basis:
            return ""
        if outcome == "fee_unpaid":
            return f"{LAW}{info.basis}和{FEE_RULES}"
        return LAW + info.basis
    if kind == LetterKind.FEE:
        return FEE_BASIS
    if kind == LetterKind.CONSULTATION:
        article = CONSULTATION_ARTICLES.get(consultation_kind, "")
        return LAW + article if article else ""
    return LAW + STEP_ARTICLES[kind]


def remedies(
    kind: str, *, outcome: str = "", on: dt.date, county_government: bool
) -> tuple[str, str, str]:
    """The reviewing government, the court and the remedies paragraph of a letter of ``kind``
    dated ``on`` answering ``outcome``.

    Either remedy: 行政复议 within 60 days of receiving the decision (《中华人民共和国行政复议法》
    第二十条), or 行政诉讼 within 6 months (《中华人民共和国行政诉讼法》第四十六条). Since
    2024-01-01 《中华人民共和国行政复议法》(2023年修订) 第二十三条第一款第（四）项 requires an
    applicant whose request for disclosure was refused (申请政府信息公开，行政机关不予公开) to apply
    for 行政复议 first and sue only against the review decision (复议前置): a reply that refuses
    (Outcome.refuses: the 不予公开 group, and the refused part of 部分公开) and is dated on or after
    that day names 行政复议 only; a 部分公开 reply says so of its refused part and keeps both
    remedies for the rest. Every other letter, and every letter dated before that day, keeps
    both, so re-printing an old letter on its own date gives the same text.

    A department's or township's act is reviewed by the county government
    (settings.GONGKAI_REVIEW_AUTHORITY) and tried by the county court (settings.GONGKAI_COURT);
    the county government's own act goes to the government above it and to the court that has
    jurisdiction (an intermediate court). A consulted party is not told of remedies ("").
    """
    if county_government:
        review, court = "上一级人民政府", "有管辖权的人民法院"
    else:
        review, court = settings.GONGKAI_REVIEW_AUTHORITY, settings.GONGKAI_COURT
    word = DECISION_WORDS.get(kind, "")
    if not word:
        return review, court, ""
    info = outcomes.BY_CODE.get(outcome)
    review_first = (
        info is not None and info.refuses and info.letter == kind and on >= REVIEW_FIRST_SINCE
    )
    if not review_first:
        text = REMEDY_EITHER
    elif info is not None and info.code == "partial":
        text = REMEDY_PARTIAL
    else:
        text = REMEDY_REVIEW_FIRST
    return review, court, text.format(word=word, review=review, court=court)


def _context(facts: _Facts, *, kind: str, on: dt.date) -> dict[str, Any]:
    outcome = outcomes.BY_CODE.get(facts.outcome)
    review, court, remedy = remedies(
        kind, outcome=facts.outcome, on=on, county_government=facts.unit_is_county
    )
    organisation = facts.applicant_type != ApplicantType.NATURAL
    return {
        "letter_title": LetterKind(kind).label,
        "year": str(on.year),
        "tracking_no": facts.tracking_no,
        "applicant_name": _text(facts.applicant_name),
        "applicant_type": dict(ApplicantType.choices).get(facts.applicant_type, ""),
        "applicant_you": "你单位" if organisation else "你",
        "description": _text(facts.description),
        "channel": dict(Channel.choices).get(facts.channel, ""),
        "transcribed_by": _text(facts.transcribed_by),
        "submitted_on": chinese_date(facts.submitted_on),
        "received_on": chinese_date(facts.received_on),
        "info_form": dict(InfoForm.choices).get(facts.info_form, ""),
        "delivery_way": dict(DeliveryWay.choices).get(facts.delivery_way, ""),
        "unit_name": facts.unit_name,
        "letter_date": chinese_date(on),
        "contact_person": facts.handler,
        "contact_phone": facts.unit_phone,
        "due_on": chinese_date(facts.due_on),
        "due_on_before_extension": chinese_date(facts.due_on_before_extension),
        "due_on_after_extension": chinese_date(facts.due_on_after_extension),
        "extension_reason": _because(facts.extension_reason),
        "supplement_requested_on": chinese_date(facts.supplement_requested_on),
        "supplement_items": _text(facts.supplement_items),
        "supplement_deadline": chinese_date(facts.supplement_deadline),
        "supplemented_on": chinese_date(facts.supplemented_on),
        "reasons_requested_on": chinese_date(facts.reasons_requested_on),
        "reasons_note": _clause(facts.reasons_note),
        "deferred_until": chinese_date(facts.deferred_until),
        "deferral_reason": _because(facts.deferral_reason),
        "consultation_party": _text(facts.consultation_party),
        "consultation_kind": dict(ConsultationKind.choices).get(facts.consultation_kind, ""),
        "consultation_code": facts.consultation_kind,
        "consultation_is_agency": facts.consultation_kind == ConsultationKind.AGENCY,
        "consultation_sent_on": chinese_date(facts.consultation_sent_on),
        "consultation_delivered_on": chinese_date(facts.consultation_delivered_on),
        "consultation_reply_due": chinese_date(facts.consultation_reply_due),
        "fee_amount": _yuan(facts.fee_amount),
        "fee_basis": _clause(facts.fee_basis),
        "fee_notice_on": chinese_date(facts.fee_notice_on),
        "fee_received_on": chinese_date(facts.fee_received_on),
        "fee_due_on": chinese_date(facts.fee_due_on),
        "outcome_code": facts.outcome,
        "outcome_group": (outcome.group or outcome.row) if outcome else "",
        "outcome_label": outcome.row if outcome else "",
        "article36_item": _article36_item(outcome),
        "outcome_note": _clause(facts.outcome_note),
        "responsible_agency": _text(facts.responsible_agency),
        "responsible_contact": _clause(facts.responsible_contact),
        "replied_on": chinese_date(facts.replied_on),
        "legal_basis": legal_basis(
            kind, outcome=facts.outcome, consultation_kind=facts.consultation_kind
        ),
        "review_authority": review,
        "court": court,
        "remedies": remedy,
    }


# ------------------------------------------------------------------------------- facts


def _last_event(application: Application, kind: str) -> ApplicationEvent | None:
    return application.events.filter(kind=kind).order_by("-at", "-pk").first()


def _last_events(application: Application) -> dict[str, ApplicationEvent]:
    """The last event of each kind, in one query (an application has a few dozen at most)."""
    return {event.kind: event for event in application.events.order_by("at", "pk")}


def _extension_reason(event: ApplicationEvent | None) -> str:
    """The reason recorded with the extension: in the event's data, or, for an event recorded
    before the data held it, in its note ("经…同意延期答复：<reason>；新的答复期限…")."""
    if event is None:
        return ""
    if event.data.get("reason"):
        return str(event.data["reason"])
    found = re.search(r"同意延期答复：(.*)；新的答复期限", event.note, re.DOTALL)
    return found.group(1) if found else ""


def _fee_basis(event: ApplicationEvent | None) -> str:
    """How the fee was computed: in the event's data, or in an older event's note."""
    if event is None:
        return ""
    if event.data.get("basis"):
        return str(event.data["basis"])
    found = re.search(r"缴费期限[^：]*：(.*)$", event.note, re.DOTALL)
    return found.group(1) if found else ""


def _data(event: ApplicationEvent | None, key: str) -> str:
    return str(event.data.get(key, "")) if event is not None else ""


def _facts(application: Application) -> _Facts:
    events = _last_events(application)
    supplement = events.get(EventKind.SUPPLEMENT_REQUESTED)
    supplement_data = supplement.data if supplement is not None else {}
    deadline = application.supplement_deadline
    # An imported application may lack the event; the field then holds the same date.
    with contextlib.suppress(KeyError, ValueError):
        deadline = dt.date.fromisoformat(str(supplement_data["deadline"]))
    consultation = application.consultations.order_by("-sent_on", "-pk").first()
    return _Facts(
        tracking_no=application.tracking_no,
        applicant_name=application.applicant_name,
        applicant_type=application.applicant_type,
        description=application.description,
        channel=application.channel,
        info_form=application.info_form,
        delivery_way=application.delivery_way,
        submitted_on=application.submitted_on,
        received_on=application.received_on,
        unit_name=application.unit.name,
        unit_phone=application.unit.phone,
        unit_is_county=application.unit.kind == UnitKind.COUNTY,
        transcribed_by=application.transcribed_by,
        handler=str(application.handler) if application.handler is not None else "",
        due_on=application.due_on,
        due_on_before_extension=services.due_before_extension(application),
        # Not due_on: a 第三十五条 period fixed later replaces it, and the extension letter
        # speaks of the 第三十三条 period only.
        due_on_after_extension=services.statutory_due(application)
        if application.extended
        else None,
        extension_reason=_extension_reason(events.get(EventKind.EXTENDED)),
        supplement_requested_on=application.supplement_requested_on,
        supplement_items=str(supplement_data.get("items", "")),
        supplement_deadline=deadline,
        supplemented_on=application.supplemented_on,
        reasons_requested_on=application.reasons_requested_on,
        reasons_note=_data(events.get(EventKind.REASONS_REQUESTED), "note"),
        deferred_until=application.deferred_until,
        deferral_reason=_data(events.get(EventKind.DEFERRED), "reason"),
        consultation_party=consultation.party if consultation else "",
        consultation_kind=consultation.kind if consultation else "",
        consultation_sent_on=consultation.sent_on if consultation else None,
        consultation_delivered_on=consultation.delivered_on if consultation else None,
        consultation_reply_due=consultation.reply_due if consultation else None,
        fee_amount=application.fee_amount if application.fee_notice_on else None,
        fee_basis=_fee_basis(events.get(EventKind.FEE_NOTICE)),
        fee_notice_on=application.fee_notice_on,
        fee_received_on=application.fee_received_on,
        fee_due_on=application.fee_due_on,
        outcome=application.outcome,
        outcome_note=application.outcome_note,
        responsible_agency=application.responsible_agency,
        responsible_contact=application.responsible_contact,
        replied_on=application.replied_on,
    )


def letter_context(application: Application, *, kind: str, on: dt.date) -> dict[str, Any]:
    """Return every field a letter of ``kind`` dated ``on`` may use (see LETTER_FIELDS).

    Every field is always present (empty when the application has no such fact), so a template's
    conditions never meet an undefined name. The applicant's full name is in it: letters go to
    the applicant. Reads the application's events and consultations; changes nothing.
    """
    _check_kind(kind)
    return _context(_facts(application), kind=kind, on=on)


def _sample_base(year: int) -> tuple[_Facts, dt.date]:
    """Made-up facts of an application received in October of ``year``, every fact known, and
    the date of a letter about it."""

    def day(month: int, number: int) -> dt.date:
        return dt.date(year, month, number)

    facts = _Facts(
        tracking_no=f"{year}-00001",
        applicant_name="王小明",
        applicant_type=ApplicantType.NATURAL,
        description=f"{year}年本县城乡最低生活保障资金的分配文件",
        channel=Channel.ORAL,
        info_form=InfoForm.ELECTRONIC,
        delivery_way=DeliveryWay.EMAIL,
        submitted_on=day(10, 8),
        received_on=day(10, 8),
        unit_name="县民政局",
        unit_phone="0797-5701234",
        unit_is_county=False,
        transcribed_by="李明",
        handler="李明",
        due_on=day(12, 5),
        due_on_before_extension=day(11, 5),
        due_on_after_extension=day(12, 5),
        extension_reason="所需信息涉及多个年度的档案，需要调取核对",
        supplement_requested_on=day(10, 10),
        supplement_items="请写明所需文件的年度和文号",
        supplement_deadline=day(10, 24),
        supplemented_on=day(10, 14),
        reasons_requested_on=day(10, 16),
        reasons_note="本月已提出政府信息公开申请35件",
        deferred_until=day(12, 31),
        deferral_reason="所需信息数量较多，需要逐件检索",
        consultation_party="某某商贸有限公司",
        consultation_kind=ConsultationKind.THIRD_PARTY,
        consultation_sent_on=day(10, 15),
        consultation_delivered_on=day(10, 16),
        consultation_reply_due=day(11, 6),
        fee_amount=Decimal("300"),
        fee_basis="本月第13件申请，按件计收",
        fee_notice_on=day(10, 15),
        fee_received_on=day(10, 16),
        fee_due_on=day(11, 13),
        outcome_note="示例理由",
        responsible_agency="县住建局",
        responsible_contact="0797-5705678",
        replied_on=day(11, 4),
    )
    return facts, day(11, 4)


# What an application may lack; emptied together in one sample, so each template's other branch
# of every condition is tried too.
_UNKNOWN: dict[str, Any] = {
    "unit_phone": "",
    "transcribed_by": "",
    "handler": "",
    "due_on": None,
    "due_on_before_extension": None,
    "due_on_after_extension": None,
    "extension_reason": "",
    "supplemented_on": None,
    "reasons_requested_on": None,
    "reasons_note": "",
    "deferral_reason": "",
    "consultation_delivered_on": None,
    "consultation_reply_due": None,
    "fee_basis": "",
    "fee_received_on": None,
    "fee_due_on": None,
    "outcome_note": "",
    "responsible_agency": "",
    "responsible_contact": "",
}


def _sample_facts(kind: str) -> list[tuple[_Facts, dt.date]]:
    """Made-up facts, each with a letter date, covering every branch a built-in template of
    ``kind`` has (tests/applications/letters/test_templates.py proves it), for letters dated
    before and after 2024-01-01: to try an uploaded template on before accepting it."""
    samples = []
    for year in (2024, 2023):
        base, on = _sample_base(year)
        if kind == LetterKind.CONSULTATION:
            variants = [replace(base, consultation_kind=v) for v in ConsultationKind.values]
        else:
            codes = [o.code for o in outcomes.OUTCOMES if o.letter == kind] or [""]
            variants = [replace(base, outcome=code) for code in codes]
        for facts in variants:
            samples.append((facts, on))
            if year == 2024:
                samples.append((replace(facts, **_UNKNOWN), on))
    return samples


def sample_letter_context(kind: str) -> dict[str, Any]:
    """A made-up context for ``kind``, to preview a template without an application."""
    _check_kind(kind)
    facts, on = _sample_facts(kind)[0]
    return _context(facts, kind=kind, on=on)


# ------------------------------------------------------------------------------- rendering


def _render_here(template: bytes, context: dict[str, Any]) -> bytes:
    environment = LimitedEnvironment(autoescape=True, undefined=StrictUndefined)
    document = DocxTemplate(io.BytesIO(template))
    try:
        document.render(context, jinja_env=environment)
    except RecursionError as exc:
        # A macro calling itself: Python's own depth limit stops it, a limit like the others.
        raise LimitExceeded("嵌套或递归过深", "recursion depth exceeded") from exc
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _render(template: bytes, context: dict[str, Any], *, isolated: bool) -> bytes:
    """Fill a template in Jinja's sandbox with HTML/XML escaping (so "<" or "&" in a description
    cannot break the document) and every field required, within the limits of
    gongkai.applications.letter_sandbox. An office template (``isolated``) renders in a child
    process with its own memory limit and timeout; a built-in one, which we wrote, renders here.
    Raises LimitExceeded when a limit is hit, else Jinja's (or the child's RenderFailed) error."""
    if not isolated:
        return _render_here(template, context)
    return render_isolated(lambda: _render_here(template, context), describe=_problem)


def _try_samples(template: bytes, contexts: list[dict[str, Any]]) -> None:
    """Render ``template`` with each context in turn, all in one child process (one fork for
    the two dozen samples of an upload), stopping at the first that fails."""

    def render_all() -> bytes:
        for context in contexts:
            _render_here(template, context)
        return b""

    render_isolated(render_all, describe=_problem)


def _problem(exc: Exception) -> str:
    """Say in Chinese what is wrong with a template, quoting Jinja's own message."""
    if isinstance(exc, LimitExceeded):
        return f"模板运行超出限制：{exc.reason}"
    if isinstance(exc, RenderFailed):
        return exc.problem
    if isinstance(exc, UndefinedError):
        found = re.search(r"'([^']+)' is undefined", str(exc))
        if found:
            return f"模板使用了不存在的字段“{found.group(1)}”"
        return f"模板使用了不存在的字段或属性（{exc}）"
    if isinstance(exc, SecurityError):
        return "模板中含有不允许的操作"
    if isinstance(exc, TemplateSyntaxError):
        near = " ".join(line.strip() for line in getattr(exc, "docx_context", ()) if line.strip())
        where = f"，出错位置附近的文字：“{near[:60]}”" if near else ""
        return f"模板的占位符或条件写法有误（{exc.message}）{where}"
    if isinstance(exc, TemplateError):
        return f"模板有误（{exc}）"
    if isinstance(exc, ArithmeticError | TypeError):
        return f"模板中的表达式无法计算（{type(exc).__name__}: {exc}）"
    return "文件无法作为Word模板读取"


def _check_kind(kind: str) -> None:
    if kind not in LetterKind.values:
        raise ValidationFailed("请选择文书类型。", log=f"unknown letter kind {kind!r}")


def builtin_template_bytes(kind: str) -> bytes:
    """The built-in template of ``kind`` (gongkai/applications/letter_templates/<kind>.docx)."""
    _check_kind(kind)
    return resources.files(TEMPLATE_PACKAGE).joinpath(f"{kind}.docx").read_bytes()


def _stored_bytes(template: LetterTemplate) -> bytes:
    try:
        with template.file.open("rb") as handle:
            data: bytes = handle.read()
    except OSError as exc:
        raise ValidationFailed(
            f"县政务公开办上传的《{template.get_kind_display()}》模板文件已丢失，"
            "请公开办重新上传，或恢复为内置模板。",
            log=f"letter template {template.kind} file missing: {exc}",
        ) from exc
    return data


def current_template_bytes(kind: str) -> bytes:
    """The template letters of ``kind`` are made from now: the office's, else the built-in one."""
    _check_kind(kind)
    custom = LetterTemplate.objects.filter(kind=kind).first()
    return _stored_bytes(custom) if custom is not None else builtin_template_bytes(kind)


# ------------------------------------------------------------------------------- generating


def _check_ready(application: Application, kind: str) -> None:
    """Refuse a letter about a step the application has not been through, a reply that does
    not match the outcome, and any reply or notice for an outcome that has none (a withdrawal)."""
    if kind in OUTCOME_KINDS:
        outcome = application.outcome_info
        if outcome is None:
            raise InvalidTransition(
                "该申请还没有办理结果，不能生成答复或告知文书。请先记录办理结果。",
                log=f"letter {kind} without outcome",
            )
        if not outcome.letter:
            raise InvalidTransition(
                f"该申请的办理结果是“{outcome.choice}”，无需出具答复或告知文书，不能生成。",
                log=f"letter {kind} for outcome {outcome.code}, which has none",
            )
        if outcome.letter != kind:
            raise InvalidTransition(
                f"该申请的办理结果是“{outcome.row}”，应生成《{LetterKind(outcome.letter).label}》。",
                log=f"letter {kind} for outcome {outcome.code}",
            )
        return
    missing: dict[str, tuple[bool, str]] = {
        LetterKind.SUPPLEMENT: (
            application.supplement_requested_on is None,
            "该申请没有告知补正，不能生成补正告知书。",
        ),
        LetterKind.EXTENSION: (
            not application.extended,
            "该申请没有延期答复，不能生成延期答复告知书。",
        ),
        LetterKind.CONSULTATION: (
            not application.consultations.exists(),
            "该申请没有征求意见，不能生成征求意见书。请先登记征求意见。",
        ),
        LetterKind.FEE: (
            application.fee_notice_on is None,
            "该申请没有发出收费通知，不能生成收费通知书。",
        ),
        LetterKind.REASONS: (
            application.reasons_requested_on is None,
            "该申请没有要求申请人说明理由，不能生成说明理由告知书。",
        ),
        LetterKind.DEFERRAL: (
            application.deferred_until is None,
            "该申请没有确定延迟答复的期限，不能生成延迟答复告知书。",
        ),
    }
    absent, message = missing[kind]
    if absent:
        raise InvalidTransition(message, log=f"letter {kind}: step not taken")


def _step_day(application: Application, kind: str) -> dt.date | None:
    """The day of the step the letter notifies: a letter bears the date of the act (for a
    deferral, the day the longer period was fixed, not its end)."""
    if kind in OUTCOME_KINDS:
        return application.replied_on
    if kind == LetterKind.SUPPLEMENT:
        return application.supplement_requested_on
    if kind == LetterKind.FEE:
        return application.fee_notice_on
    if kind == LetterKind.REASONS:
        return application.reasons_requested_on
    if kind == LetterKind.CONSULTATION:
        consultation = application.consultations.order_by("-sent_on", "-pk").first()
        return consultation.sent_on if consultation else None
    step = EventKind.DEFERRED if kind == LetterKind.DEFERRAL else EventKind.EXTENDED
    event = _last_event(application, step)
    return event.on if event else None


def letter_generate(
    *, actor: Actor, application: Application, kind: str, on: dt.date | None = None
) -> Letter:
    """Produce a letter of ``kind`` about ``application`` as a .docx and keep it as issued.

    The letter is dated ``on``, by default the day of the step it notifies (the reply, the
    supplement notice, the extension…); its remedies follow that date (``remedies``), so an old
    letter printed again reads as it did. Preconditions: the actor handles the application's unit
    (or is the office); the application went through that step, and a reply or closing notice
    matches its outcome (Outcome.letter). Uses the office's template for ``kind`` if there is one,
    else the built-in; an office template that fails to render is refused, naming the template,
    and nothing is saved. Side effects: a Letter row with the file ``<tracking_no>-<kind>.docx``
    and an audit entry.
    """
    _check_kind(kind)
    application = Application.objects.select_related("unit", "handler").get(pk=application.pk)
    if actor is not None:
        permissions.require(
            permissions.can_handle_applications_of(actor, application.unit),
            "只有承办单位的承办人或县政务公开办可以生成该申请的文书。",
        )
    _check_ready(application, kind)
    day = on or _step_day(application, kind) or clock.today()
    if day > clock.today():
        raise ValidationFailed("文书日期不能晚于今天。", log=f"letter dated in the future: {day}")
    if application.received_on is not None and day < application.received_on:
        raise ValidationFailed(
            f"文书日期不能早于收到申请之日（{chinese_date(application.received_on)}）。",
            log=f"letter dated before receipt: {day}",
        )
    context = letter_context(application, kind=kind, on=day)
    if not context["contact_person"] and actor is not None:
        context["contact_person"] = str(actor)
    custom = LetterTemplate.objects.filter(kind=kind).first()
    if custom is None:
        data = _render(builtin_template_bytes(kind), context, isolated=False)
    else:
        try:
            data = _render(_stored_bytes(custom), context, isolated=True)
        except ValidationFailed:
            raise
        except Exception as exc:
            name = f"县政务公开办上传的《{custom.get_kind_display()}》模板"
            if isinstance(exc, LimitExceeded):
                logger.warning("letter template %s over its limits: %s", kind, exc.log)
            raise ValidationFailed(
                f"{name}运行超出限制：{exc.reason}。请公开办修改模板后重新上传，或恢复为内置模板。"
                if isinstance(exc, LimitExceeded)
                else f"{name}无法生成文书：{_problem(exc)}。"
                "请公开办修改模板后重新上传，或恢复为内置模板。",
                log=f"letter template {kind} failed: {exc!r}",
            ) from exc
    # Rendered above, outside any transaction (an office template may take seconds, and SQLite's
    # IMMEDIATE transactions would hold every other writer meanwhile); written briefly here.
    with transaction.atomic():
        letter = Letter(application=application, kind=kind, issued_on=day, actor=actor)
        letter.file.save(f"{application.tracking_no}-{kind}.docx", ContentFile(data), save=False)
        letter.save()
        audit(
            actor=actor,
            action="application.letter",
            target=application,
            unit_code=application.unit.code,
            summary=f"{application.tracking_no} 生成{LetterKind(kind).label}",
            data={
                "letter": letter.pk,
                "kind": kind,
                "template": "office" if custom else "builtin",
            },
        )
    return letter


# ------------------------------------------------------------------------------- templates


def _may_manage(actor: Actor) -> None:
    if actor is not None:
        permissions.require(
            permissions.can_manage_letter_templates(actor),
            "文书模板由县政务公开办统一管理。",
            log="letter templates: not office",
        )


def _check_docx(data: bytes) -> None:
    """Refuse anything that is not a Word .docx (an old .doc, a PDF, a renamed file)."""
    if len(data) > settings.GONGKAI_MAX_UPLOAD_BYTES:
        raise ValidationFailed("模板文件过大，请删除其中的图片等内容后重新上传。", log="too big")
    not_docx = ValidationFailed(
        "上传的文件不是Word文档（.docx）。请在Word中“另存为”“Word文档（*.docx）”后重新上传。",
        log="letter template is not a docx",
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            entries = package.infolist()
    except zipfile.BadZipFile as exc:
        raise not_docx from exc
    if "word/document.xml" not in {entry.filename for entry in entries}:
        raise not_docx
    if sum(entry.file_size for entry in entries) > MAX_UNPACKED_BYTES:
        raise ValidationFailed(
            "模板文件过大，请删除其中的图片等内容后重新上传。", log="unpacks big"
        )


def _delete_later(storage: Storage, name: str) -> None:
    """Remove a replaced template's file once the change is committed (never before: a rollback
    would leave the row pointing at nothing)."""
    transaction.on_commit(lambda: storage.delete(name))


def letter_template_upload(
    *, actor: Actor, kind: str, data: bytes, note: str = ""
) -> LetterTemplate:
    """Make an office-edited .docx the template of ``kind`` for every unit, replacing the
    previous one.

    Office only. The file must be a real .docx and must render with made-up data for every
    outcome (or kind of consultation) the kind covers, with facts known and unknown, dated
    before and after 2024-01-01, so a broken template (an unclosed ``{{``, a misspelt field) is
    refused now, with Jinja's complaint in the message, instead of when a handler needs a letter.
    Side effects: the LetterTemplate row and its file, the old file removed after commit, audit.
    """
    _may_manage(actor)
    _check_kind(kind)
    _check_docx(data)
    try:
        _try_samples(data, [_context(facts, kind=kind, on=on) for facts, on in _sample_facts(kind)])
    except Exception as exc:
        if isinstance(exc, LimitExceeded):
            logger.warning("letter template %s refused at upload: %s", kind, exc.log)
        problem = _problem(exc)
        raise ValidationFailed(
            f"{problem}。请修改后重新上传；在此之前继续使用现有模板。"
            if isinstance(exc, LimitExceeded)
            else f"模板无法使用：{problem}。请修改后重新上传；在此之前继续使用现有模板。",
            log=f"letter template {kind} refused: {exc!r}",
        ) from exc
    # Tried above, outside any transaction; the write is brief.
    with transaction.atomic():
        template = LetterTemplate.objects.select_for_update().filter(kind=kind).first()
        old = template.file.name if template is not None else ""
        if template is None:
            template = LetterTemplate(kind=kind)
        template.note = note.strip()[:200]
        template.file.save(f"{kind}.docx", ContentFile(data), save=False)
        template.save()
        if old and old != template.file.name:
            _delete_later(template.file.storage, old)
        audit(
            actor=actor,
            action="letter_template.upload",
            target=template,
            summary=f"上传《{LetterKind(kind).label}》模板"
            + (f"：{template.note}" if note else ""),
            data={"kind": kind, "bytes": len(data)},
        )
    return template


@transaction.atomic
def letter_template_reset(*, actor: Actor, kind: str) -> None:
    """Go back to the built-in template of ``kind`` (office only); nothing to do if the office
    never replaced it. Letters already issued keep their own files."""
    _may_manage(actor)
    _check_kind(kind)
    template = LetterTemplate.objects.select_for_update().filter(kind=kind).first()
    if template is None:
        return
    audit(
        actor=actor,
        action="letter_template.reset",
        target=template,
        summary=f"《{LetterKind(kind).label}》恢复为内置模板",
        data={"kind": kind},
    )
    storage, name = template.file.storage, template.file.name
    template.delete()
    if name:
        _delete_later(storage, name)


# ------------------------------------------------------------------------------- the applicant's copy


def delivered_letter(application: Application) -> Letter | None:
    """The letter the applicant may download from the tracking page: once the reply has been
    delivered (送达), the latest one issued of the kind its outcome calls for (Outcome.letter).
    None before delivery, for an outcome without a letter, or when none was generated (the unit
    answered on paper only)."""
    outcome = application.outcome_info
    if application.delivered_on is None or outcome is None or not outcome.letter:
        return None
    return application.letters.filter(kind=outcome.letter).order_by("-created_at", "-pk").first()


def letter_for_applicant(*, application_id: int, letter_id: int) -> Letter | None:
    """The delivered letter ``letter_id`` of an application, for a download link the tracking
    page signed after checking the number and query code; None when it is not (or no longer)
    the letter delivered_letter gives."""
    application = Application.objects.select_related("unit").filter(pk=application_id).first()
    if application is None:
        return None
    letter = delivered_letter(application)
    if letter is None or letter.pk != letter_id:
        return None
    letter.application = application
    return letter


def letter_handed_to_applicant(*, letter: Letter) -> None:
    """Record that the applicant downloaded their letter (it carries their name and address),
    as every look at an applicant's personal data is recorded: an audit entry without an actor,
    the applicant having no account."""
    application = letter.application
    audit(
        actor=None,
        action="application.letter_download",
        target=application,
        unit_code=application.unit.code,
        summary=f"{application.tracking_no} 申请人在查询页面下载{letter.get_kind_display()}",
        data={"letter": letter.pk, "kind": letter.kind, "by": "applicant"},
    )
