"""The outcomes of an application, in exactly the taxonomy of the annual report
(国办公开办函〔2021〕30号, REFERENCE.md section 三), each with the articles of the 条例 its reply
rests on.

Recording outcomes in this taxonomy makes the annual report a query rather than a hand count.
Several outcomes may share one row of the report when the law answers them differently: 予以公开
under 第三十六条第（一）项 (already published: say where) or 第（二）项 (provide it); 本机关不掌握
under 第（四）项 (it does not exist) or 第（五）项 (another agency is responsible: name it); 其他 for
an applicant's withdrawal and every other case. Row labels are verbatim; codes are stable
identifiers for the database and JSON.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Outcome:
    code: str
    group: str  # the group row of the annual report, e.g. "不予公开"; "" for 予以公开/部分公开
    label: str  # the report row the outcome is counted in, without its numbering, verbatim
    basis: str  # the articles of the 条例 the reply rests on, with 款 and 项; "" where none
    letter: str  # the letter kind that answers it; "" where no letter is due
    name: str = ""  # what staff choose, where several outcomes share the row

    @property
    def row(self) -> str:
        """The row's name in JSON and code: "部分公开（区分处理的…）" is named "部分公开"."""
        return self.label.split("（")[0] if self.code == "partial" else self.label

    @property
    def choice(self) -> str:
        """How the outcome is offered to staff: its own name, else the row label."""
        return self.name or self.label

    @property
    def refuses(self) -> bool:
        """Whether the reply refuses to disclose (in whole or in part): since 2024-01-01 the
        applicant must apply for 行政复议 before suing (《行政复议法》第二十三条第一款第（四）项)."""
        return self.group == "不予公开" or self.code == "partial"


GROUPS = ["予以公开", "部分公开", "不予公开", "无法提供", "不予处理", "其他处理"]

REFUSE = "第三十六条第（三）项"
OUTCOMES: list[Outcome] = [
    Outcome("grant", "", "予以公开", "第三十六条第（二）项", "reply_grant",
            "予以公开（提供该政府信息）"),
    Outcome("published", "", "予以公开", "第三十六条第（一）项", "reply_grant",
            "予以公开（已主动公开，告知获取的方式和途径）"),
    Outcome("partial", "", "部分公开（区分处理的，只计这一情形，不计其他情形）",
            "第三十七条、第三十六条第（二）项和第（三）项", "reply_partial"),
    Outcome("secret", "不予公开", "属于国家秘密", f"第十四条、{REFUSE}", "reply_refuse"),
    Outcome("law_forbids", "不予公开", "其他法律行政法规禁止公开", f"第十四条、{REFUSE}", "reply_refuse"),
    Outcome("three_safety", "不予公开", "危及“三安全一稳定”", f"第十四条、{REFUSE}", "reply_refuse"),
    Outcome("third_party", "不予公开", "保护第三方合法权益", f"第十五条、第三十二条、{REFUSE}",
            "reply_refuse"),
    Outcome("internal", "不予公开", "属于三类内部事务信息", f"第十六条第一款、{REFUSE}", "reply_refuse"),
    Outcome("process", "不予公开", "属于四类过程性信息", f"第十六条第二款、{REFUSE}", "reply_refuse"),
    Outcome("enforcement", "不予公开", "属于行政执法案卷", f"第十六条第二款、{REFUSE}", "reply_refuse"),
    Outcome("query_matter", "不予公开", "属于行政查询事项", "第三十六条第（七）项", "reply_refuse"),
    Outcome("not_held", "无法提供", "本机关不掌握相关政府信息", "第三十六条第（四）项",
            "reply_unavailable", "本机关不掌握相关政府信息（经检索没有，该政府信息不存在）"),
    Outcome("not_responsible", "无法提供", "本机关不掌握相关政府信息", "第三十六条第（五）项",
            "reply_unavailable", "本机关不掌握相关政府信息（不属于本机关负责公开，告知负责机关）"),
    Outcome("needs_making", "无法提供", "没有现成信息需要另行制作", "第三十八条", "reply_unavailable"),
    Outcome("still_unclear", "无法提供", "补正后申请内容仍不明确", "第三十条", "reply_unavailable"),
    Outcome("petition", "不予处理", "信访举报投诉类申请", "第三十九条第一款", "reply_not_processed"),
    Outcome("repeated", "不予处理", "重复申请", "第三十六条第（六）项", "reply_not_processed"),
    Outcome("publication", "不予处理", "要求提供公开出版物", "第三十九条第二款", "reply_not_processed"),
    Outcome("excessive", "不予处理", "无正当理由大量反复申请", "第三十五条", "reply_not_processed"),
    # Not a request to obtain government information: no article of the 条例 governs it, and
    # 第三十六条第（六）项 (重复申请) is not it (REFERENCE.md, bases of the 不予处理 rows).
    Outcome("confirm", "不予处理", "要求行政机关确认或重新出具已获取信息", "", "reply_not_processed"),
    Outcome("lapsed", "其他处理",
            "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "第三十条",
            "notice_lapsed"),
    Outcome("fee_unpaid", "其他处理",
            "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
            "第四十二条第一款", "notice_fee_lapsed"),
    Outcome("other", "其他处理", "其他", "", "reply_other"),
    Outcome("withdrawn", "其他处理", "其他", "", "", "申请人撤回申请"),
]  # fmt: skip

BY_CODE: dict[str, Outcome] = {o.code: o for o in OUTCOMES}
CHOICES: list[tuple[str, str]] = [
    (o.code, f"{o.group}：{o.choice}" if o.group else o.choice) for o in OUTCOMES
]
# Outcomes that come from their own step, not from a reply: the two lapses and a withdrawal.
CLOSING_CODES = frozenset({"lapsed", "fee_unpaid", "withdrawn"})
# Outcomes a handler chooses when replying.
REPLY_CODES = [o.code for o in OUTCOMES if o.code not in CLOSING_CODES]
# The report's rows of outcomes, in order, each once.
ROWS: list[str] = list(dict.fromkeys(o.row for o in OUTCOMES))


def by_label(label: str) -> Outcome | None:
    """Find an outcome by the label an office register uses (with or without the group or the
    numbering), e.g. "属于国家秘密", "不予公开：属于国家秘密", "部分公开", "申请人撤回申请".

    Where outcomes share a row the first (the commoner reading) is found by the row label;
    the others by their own name.
    """
    text = "".join(label.split()).replace("(", "（").replace(")", "）")
    for prefix in ("1.", "2.", "3.", "4.", "5.", "6.", "7.", "8."):
        text = text.removeprefix(prefix)
    for outcome in OUTCOMES:
        names = {
            outcome.label,
            outcome.label.split("（")[0],
            f"{outcome.group}：{outcome.label}",
            outcome.choice,
            f"{outcome.group}：{outcome.choice}",
        }
        if text in names or (outcome.group and text == f"{outcome.group}-{outcome.label}"):
            return outcome
    return {"撤回": BY_CODE["withdrawn"], "撤回申请": BY_CODE["withdrawn"]}.get(text)
