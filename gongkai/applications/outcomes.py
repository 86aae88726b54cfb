"""The outcomes of an application, in exactly the taxonomy of the annual report
(国办公开办函〔2021〕30号, REFERENCE.md section 三), each tied to its reply type of 条例第三十六条.

Recording outcomes in this taxonomy makes the annual report a query rather than a hand count.
Labels are verbatim; codes are stable identifiers for the database and JSON.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Outcome:
    code: str
    group: str  # the group row of the annual report, e.g. "不予公开"; "" for 予以公开/部分公开
    label: str  # the row label without its numbering, verbatim
    article36: str  # the item of 条例第三十六条 the reply follows; "" where another article rules
    letter: str  # the reply-letter template kind


GROUPS = ["予以公开", "部分公开", "不予公开", "无法提供", "不予处理", "其他处理"]

OUTCOMES: list[Outcome] = [
    Outcome("grant", "", "予以公开", "（二）", "reply_grant"),
    Outcome("partial", "", "部分公开（区分处理的，只计这一情形，不计其他情形）", "（二）（三）", "reply_partial"),
    Outcome("secret", "不予公开", "属于国家秘密", "（三）", "reply_refuse"),
    Outcome("law_forbids", "不予公开", "其他法律行政法规禁止公开", "（三）", "reply_refuse"),
    Outcome("three_safety", "不予公开", "危及“三安全一稳定”", "（三）", "reply_refuse"),
    Outcome("third_party", "不予公开", "保护第三方合法权益", "（三）", "reply_refuse"),
    Outcome("internal", "不予公开", "属于三类内部事务信息", "（三）", "reply_refuse"),
    Outcome("process", "不予公开", "属于四类过程性信息", "（三）", "reply_refuse"),
    Outcome("enforcement", "不予公开", "属于行政执法案卷", "（三）", "reply_refuse"),
    Outcome("query_matter", "不予公开", "属于行政查询事项", "（七）", "reply_refuse"),
    Outcome("not_held", "无法提供", "本机关不掌握相关政府信息", "（四）（五）", "reply_unavailable"),
    Outcome("needs_making", "无法提供", "没有现成信息需要另行制作", "（四）", "reply_unavailable"),
    Outcome("still_unclear", "无法提供", "补正后申请内容仍不明确", "（四）", "reply_unavailable"),
    Outcome("petition", "不予处理", "信访举报投诉类申请", "", "reply_not_processed"),  # 第三十九条第一款
    Outcome("repeated", "不予处理", "重复申请", "（六）", "reply_not_processed"),
    Outcome("publication", "不予处理", "要求提供公开出版物", "", "reply_not_processed"),  # 第三十九条第二款
    Outcome("excessive", "不予处理", "无正当理由大量反复申请", "", "reply_not_processed"),  # 第三十五条
    Outcome("confirm", "不予处理", "要求行政机关确认或重新出具已获取信息", "（六）", "reply_not_processed"),
    Outcome(
        "lapsed",
        "其他处理",
        "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "第三十条",
        "notice_lapsed",
    ),
    Outcome(
        "fee_unpaid",
        "其他处理",
        "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "第四十二条",
        "notice_fee_lapsed",
    ),
    Outcome("other", "其他处理", "其他", "", "reply_other"),
]  # fmt: skip

BY_CODE: dict[str, Outcome] = {o.code: o for o in OUTCOMES}
CHOICES: list[tuple[str, str]] = [
    (o.code, f"{o.group}：{o.label}" if o.group else o.label) for o in OUTCOMES
]
# Outcomes a handler chooses when replying; lapsed and fee_unpaid come from their own steps.
REPLY_CODES = [o.code for o in OUTCOMES if o.code not in {"lapsed", "fee_unpaid"}]


def by_label(label: str) -> Outcome | None:
    """Find an outcome by the label an office register uses (with or without the group or the
    numbering), e.g. "属于国家秘密", "不予公开：属于国家秘密", "部分公开"."""
    text = "".join(label.split())
    for prefix in ("1.", "2.", "3.", "4.", "5.", "6.", "7.", "8."):
        text = text.removeprefix(prefix)
    for outcome in OUTCOMES:
        names = {outcome.label, outcome.label.split("（")[0], f"{outcome.group}：{outcome.label}"}
        if text in names or (outcome.group and text == f"{outcome.group}-{outcome.label}"):
            return outcome
    return None
