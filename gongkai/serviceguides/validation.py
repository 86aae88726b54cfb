"""What a service guide needs before it is submitted or published, one Chinese sentence per problem.

A guide must carry every standard element (seeds 002 and 004: 事项名称、设定依据、申请条件、办理材料、
办理流程、办理时限、办理地点和时间、收费标准、咨询和监督电话), link the catalog item of its own unit
(or of the county government) it fulfils, and pass the pre-publication text checks that
publications pass (gongkai.publications.checks: ID and bank-card numbers, sensitive words, the
office's wrong words). 常见问题 are recommended: their absence only warns.

The consult and supervision phones are checked for shape only, never as personal data: they are
the office's published contact numbers (a landline 0797-5702018, a hotline 12345, a service mobile),
which the text checks would otherwise report (docs/adr/0008).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from gongkai import textcheck
from gongkai.orgs.models import UnitKind
from gongkai.publications import checks
from gongkai.serviceguides.models import Material, Question, ServiceItem

# Text elements that must not be blank: (field, label).
REQUIRED_TEXT: list[tuple[str, str]] = [
    ("name", "事项名称"),
    ("basis", "设定依据"),
    ("conditions", "申请条件"),
    ("process", "办理流程"),
    ("place", "办理地点"),
    ("hours", "办理时间"),
    ("fee", "收费标准"),
    ("consult_phone", "咨询电话"),
    ("supervise_phone", "监督投诉电话"),
]
# Text the pre-publication checks read: (field, label).
CHECKED_TEXT: list[tuple[str, str]] = [
    ("name", "事项名称"),
    ("basis", "设定依据"),
    ("conditions", "申请条件"),
    ("process", "办理流程"),
    ("time_limit_note", "时限说明"),
    ("place", "办理地点"),
    ("hours", "办理时间"),
    ("fee", "收费标准"),
]
PHONE_FIELDS: list[tuple[str, str]] = [
    ("consult_phone", "咨询电话"),
    ("supervise_phone", "监督投诉电话"),
]

# An official contact number: a landline with its area code (0797-5702018, 0797 5702018,
# 07975702018, with an extension 转8001), a landline without one (5702018), a service hotline
# (12345, 12315, 12366, 96777), a 400/800 number, or a mobile (an official's duty phone).
PHONE = re.compile(
    r"(?<!\d)(?:"
    r"0\d{2,3}[-－—\s]?\d{7,8}(?:\s*(?:转|-|－)\s*\d{1,5})?"
    r"|[48]00[-－\s]?\d{3}[-－\s]?\d{4}"
    r"|1[3-9]\d{9}"
    r"|1\d{4}"
    r"|9\d{4}"
    r"|[2-8]\d{6,7}"
    r")(?!\d)"
)
# What may stand around numbers: labels in brackets (县民政局), a label before a colon, separators.
_PHONE_NOTE = re.compile(r"[（(][^（）()]{0,30}[）)]")
_PHONE_LABEL = re.compile(r"[\u4e00-\u9fff]{1,20}[:：]")
_PHONE_SEPARATORS = re.compile(r"[\s、，,;；/|或及和]+")


@dataclass
class GuideCheck:
    """The outcome of checking a guide: ``problems`` stop submission and publication,
    ``warnings`` are shown to the editor and stop nothing."""

    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def phone_problem(label: str, value: str) -> str:
    """Why ``value`` is not a usable contact number for ``label``, or "" when it is.

    Several numbers may be given, separated by 、，；/ or spaces, each with a short label or a
    note in brackets (``0797-5702018（社会救助股）、12345``).
    """
    text = value.strip()
    if not text:
        return f"请填写{label}。"
    if not PHONE.search(text):
        return f"{label}“{text}”不是有效的电话号码，请填写带区号的固定电话（如0797-5702018）、服务热线（如12345）或手机号。"
    rest = PHONE.sub(" ", text)
    rest = _PHONE_NOTE.sub(" ", rest)
    rest = _PHONE_LABEL.sub(" ", rest)
    rest = _PHONE_SEPARATORS.sub("", rest)
    if re.search(r"\d", rest):
        return (
            f"{label}“{text}”中有无法识别的号码，请检查位数（固定电话如0797-5702018，手机号11位）。"
        )
    return ""


def catalog_item_problem(item: ServiceItem) -> str:
    """Why the linked catalog item cannot be the one this guide fulfils, or ""."""
    if item.catalog_item_id is None:
        return "请选择本事项对应的公开事项（本单位政务公开事项标准目录中的事项）。"
    catalog_unit = item.catalog_item.catalog.unit  # type: ignore[union-attr]
    if catalog_unit.pk == item.unit_id or catalog_unit.kind == UnitKind.COUNTY:
        return ""
    return (
        f"对应公开事项“{item.catalog_item}”属于{catalog_unit.name}的目录，"
        "只能选择本单位目录（或县人民政府目录）中的事项。"
    )


def time_limit_problems(item: ServiceItem) -> list[str]:
    """办理时限: days (legal or promised) or a note such as 即办, and promised within legal."""
    problems = []
    if item.legal_days is None and item.promised_days is None and not item.time_limit_note.strip():
        problems.append(
            "请填写办理时限：法定或承诺办结时限（工作日），即办件或无法定时限的请在时限说明中写明（如“即办”）。"
        )
    if (
        item.legal_days is not None
        and item.promised_days is not None
        and item.promised_days > item.legal_days
    ):
        problems.append(
            f"承诺办结时限（{item.promised_days}个工作日）不能超过法定办结时限（{item.legal_days}个工作日）。"
        )
    return problems


def _texts(
    item: ServiceItem, materials: Sequence[Material], questions: Sequence[Question]
) -> list[tuple[str, str]]:
    texts = [(label, str(getattr(item, name))) for name, label in CHECKED_TEXT]
    for number, material in enumerate(materials, start=1):
        texts.append((f"办理材料第{number}项", f"{material.name}\n{material.note}"))
    for number, question in enumerate(questions, start=1):
        texts.append((f"常见问题第{number}条", f"{question.question}\n{question.answer}"))
    return texts


def text_problems(
    texts: Sequence[tuple[str, str]], *, using: textcheck.Checker | None = None
) -> tuple[list[str], list[str]]:
    """The pre-publication checks of publications over each (label, text): personal data,
    sensitive words and the office's wrong words are problems; the rest (a contact number in a
    contact clause, a mistyped ID) warnings. Personal data is described masked."""
    check = using or checks.checker()
    problems: list[str] = []
    warnings: list[str] = []
    for where, text in texts:
        if not text.strip():
            continue
        findings = check.check(text)
        personal = [f for f in findings if f.kind in textcheck.PERSONAL_DATA]
        shown = textcheck.mask_text(text, personal) if personal else text
        for finding in findings:
            if finding.kind == "phone":
                continue  # a landline in a guide is an office's number
            described = checks.describe(
                {
                    "where": where,
                    "kind": finding.kind,
                    "start": finding.start,
                    "text": shown[finding.start : finding.end],
                    "suggestion": finding.suggestion,
                }
            )
            if finding.blocking or finding.kind == "wrong_word":
                problems.append(described)
            else:
                warnings.append(described)
    return problems, warnings


def check_guide(
    item: ServiceItem,
    *,
    materials: Sequence[Material] | None = None,
    questions: Sequence[Question] | None = None,
    using: textcheck.Checker | None = None,
) -> GuideCheck:
    """Check a guide's standard elements, links, time limits, phones and text.

    ``materials``/``questions`` default to the saved rows (pass them when they are prefetched,
    or not saved yet); ``using`` passes a checker built once for many guides.
    """
    if materials is None:
        materials = list(item.materials.all()) if item.pk else []
    if questions is None:
        questions = list(item.questions.all()) if item.pk else []
    result = GuideCheck()
    for name, label in REQUIRED_TEXT:
        if name in dict(PHONE_FIELDS):
            continue
        if not str(getattr(item, name)).strip():
            result.problems.append(f"请填写{label}。")
    if not materials:
        result.problems.append("请至少填写一项办理材料（无需材料的请写明“无”并在备注中说明）。")
    for number, material in enumerate(materials, start=1):
        if not material.name.strip():
            result.problems.append(f"办理材料第{number}项缺少材料名称。")
    result.problems.extend(time_limit_problems(item))
    for name, label in PHONE_FIELDS:
        problem = phone_problem(label, str(getattr(item, name)))
        if problem:
            result.problems.append(problem)
    problem = catalog_item_problem(item)
    if problem:
        result.problems.append(problem)
    found, warned = text_problems(_texts(item, materials, questions), using=using)
    result.problems.extend(found)
    result.warnings.extend(warned)
    if not questions:
        result.warnings.append("建议填写常见问题，便于群众提前了解办理中容易遇到的问题。")
    return result
