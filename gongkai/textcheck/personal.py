"""Which numbers in a text are personal data: what a number is and where it stands.

gongkai.textcheck.identifiers says what a number is (an ID number, a card, a mobile, a landline
shape); this module looks at where it stands and decides the finding, its severity and its
reason. Real notices publish the contact phone of the official in charge and the account of the
office that collects a fee; a checker that blocks those teaches reviewers to override without
reading. The rules, with the evidence, are in docs/adr/0008:

1. **Contact clause.** A mobile or a landline is a contact number when a contact label — 联系人,
   联系方式, or a word ending 电话, 手机, 传真, 热线, 座机 or 总机 (联系电话, 咨询电话, 监督电话,
   举报电话, 投诉电话…), or Tel — stands before it in the same clause, and close: at most
   ``MAX_GAP`` characters, with at most one comma, lie between the number and that label or the
   previous contact number of the clause. A clause ends at 。；！？ and at a line break, not at a
   comma, so ``联系人：张某某，电话：…`` is one clause and in ``联系人：郭某某 电话：24344388
   1585908xxxx`` both numbers are contact numbers. A line holding nothing but numbers continues the
   contact clause of the line above (``物资捐赠电话：…`` then a line of two more mobiles). Such a
   mobile is a ``mobile`` finding of severity ``warn``.
2. **Lists of people.** A line that also holds an ID number (valid or mistyped) or a personal
   bank-card number is a person's record: a mobile on it blocks even after a contact label
   (``姓名：张三 身份证号：… 联系电话：…``). A mobile without a contact label blocks, in running
   text (``村民王某某（138…）反映``) as in the rows of a list (``张三 138…``): each row is judged
   alone, so a list of named people with numbers blocks on every row.
3. **Landlines** (``phone``) are reported only in a contact clause, always as ``warn``, and are not
   personal data: a bare 7–8-digit run elsewhere is as often a count, a date or an amount, and a
   published landline is an office's switchboard.
4. **Organisation accounts.** A Luhn-valid card number among account details that name an
   organisation is a ``bank_account`` ``warn`` — public, not masked: a holder label (户名,
   账户名称, 开户名, 收款人, 收款单位, 单位名称…) whose value is an organisation's name (four
   characters or more ending 局, 委, 办, 中心, 政府, 公司, 会, 院, 所…), or words only an
   organisation's account carries (对公, 专户, 开户单位, 单位账户, 专用账户, 非税收入, 汇缴,
   国库), or an organisation's name right before 账户/账号. A holder that is not an organisation
   (``户名：张三``), or an ID number on the same line, keeps the card a ``bank_card`` block. The
   account details are the number's line and, when it is a short ``label：value`` line or a bare
   number, the run of such lines around it (户名 / 开户行 / 账号 written one per line).
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import Final

from gongkai.textcheck.findings import Finding, finding
from gongkai.textcheck.identifiers import Number, find_numbers

#: Characters allowed between a number and its contact label or the previous contact number.
MAX_GAP: Final = 20
_LINE_WINDOW: Final = 1000
_LABEL_LENGTH: Final = 12  # the longest contact label the pattern below matches, with spaces

_CLAUSE_BREAKS: Final = "。；;！!？?\n"
_CJK: Final = "\u4e00-\u9fff"
_CONTACT: Final = re.compile(
    r"(?:(?:联系|咨询|监督|举报|投诉|服务|值班|办公|受理|报名|捐赠|业务|求助)\s*)?"
    r"(?:电\s*话|热\s*线|手\s*机|传\s*真|座\s*机|总\s*机)"
    r"|联\s*系\s*人|联系方式|(?<![A-Za-z])(?:Tel|TEL|tel)(?![A-Za-z])"
)
# A line of bare numbers: digits, the characters inside phone numbers, separators; and short
# bracketed notes (16638077961（海外）).
_NUMBERS_ONLY: Final = re.compile(r"[\s0-9０-９+＋\-－—–()（）、，,;；/|]*")
_NOTE: Final = re.compile(r"[(（][^()（）\n]{1,12}[)）]")
# A short "label：value" line of account details, or a line holding one bare number.
_LABEL_LINE: Final = re.compile(rf"\s*(?:[{_CJK}][{_CJK}\s]{{0,11}}[:：]|[0-9\s-]+$)")
_HOLDER: Final = re.compile(
    r"(?:户\s*名|账\s*户\s*名\s*称|帐\s*户\s*名\s*称|账户名|帐户名|开户名称|开户名|"
    r"收款人|收款户名|收款单位|收款方|开户单位|单位名称)\s*[:：]\s*"
    r"(?P<holder>[^\s:：，,。；;]+)"
)
# Where a holder's value ends when labels are run together on one line (…红十字会开户行:…).
_NEXT_LABEL: Final = re.compile(r"开户|账\s*号|帐\s*号|账\s*户|帐\s*户|地址|电话|联系|传真")
_ORG_WORDS: Final = re.compile(
    r"对公|专户|开户单位|单位账户|单位帐户|单位账号|单位帐号|基本账户|基本存款账户|"
    r"专用账户|专用帐户|非税收入|汇缴|国库"
)
_ORG_NAME: Final = (
    "(?:局|委|办|中心|政府|公司|会|院|所|站|社|处|厅|部|队|校|馆|团|室|园|场|厂|店|行|户|村|"
    "学|集团|合作社|银行|医院|幼儿园|办公室|办事处|街道)"
)
_ORG: Final = re.compile(rf"[{_CJK}（）()·]{{2,40}}{_ORG_NAME}")
_ORG_BEFORE_ACCOUNT: Final = re.compile(
    rf"(?P<org>[{_CJK}]{{2,30}}?{_ORG_NAME})的?(?:账户|帐户|账号|帐号)"
)
# Words that end the matter before an organisation's name: 汇入|县财政局|账户.
_VERB: Final = re.compile(r"[入至到给向往将为是在于把由从]")
_ROW_NAME: Final = re.compile(rf"[{_CJK}·](?:[ \u3000]?[{_CJK}·]){{1,4}}[ \t\u3000]+$")


@dataclass(frozen=True, slots=True)
class _Line:
    start: int
    end: int


def find_personal_data(text: str, *, today: dt.date | None = None) -> list[Finding]:
    """Return the personal-data numbers of ``text`` (and contact landlines), sorted by start.

    Each finding carries its ``reason``. Contact mobiles and mistyped IDs are ``warn``;
    organisation accounts are ``bank_account`` and contact landlines ``phone`` (both ``warn``,
    not personal data). ``today`` bounds ID birth dates (default: today in China).
    """
    numbers = find_numbers(text, today=today)
    if not numbers:
        return []
    found: dict[int, Finding] = {}
    with_ids = {_line(text, n.start).start for n in numbers if n.kind.startswith("id_number")}
    for number in numbers:
        if number.kind == "bank_card":
            found[number.start] = _card(text, number, with_ids)
        elif number.kind.startswith("id_number"):
            found[number.start] = finding(
                number.kind, number.start, number.end, _span(text, number), reason=number.basis
            )
    records = with_ids | {
        _line(text, f.start).start for f in found.values() if f.kind == "bank_card"
    }
    _contacts(text, numbers, records, found)
    return [found[start] for start in sorted(found)]


def _span(text: str, number: Number) -> str:
    return text[number.start : number.end]


def _line(text: str, position: int) -> _Line:
    """The line around ``position``. A line longer than ``_LINE_WINDOW`` is cut into blocks of
    that size, so a text without line breaks (a flattened table) costs no more than one with."""
    low = position - position % _LINE_WINDOW
    high = min(len(text), low + _LINE_WINDOW)
    end = text.find("\n", position, high)
    return _Line(max(text.rfind("\n", low, position) + 1, low), high if end == -1 else end)


# ----------------------------------------------------------------------------- contact numbers


def _contacts(
    text: str, numbers: list[Number], records: set[int], found: dict[int, Finding]
) -> None:
    """Judge every mobile and landline shape, in order, adding the reported ones to ``found``."""
    phones = [n for n in numbers if n.kind in ("mobile", "phone")]
    # Contact numbers found so far, in order: their end offsets, and the label of their clause.
    ends: list[int] = []
    labels: list[str] = []
    continuations: dict[int, str | None] = {}  # line start → the label it continues, if any
    for number in phones:
        line = _line(text, number.start)
        label = _label_before(text, number.start, ends, labels)
        continued = False
        if label is None:
            if line.start not in continuations:
                continuations[line.start] = _continued_label(text, line, ends, labels)
            label = continuations[line.start]
            continued = label is not None
        record = line.start in records
        if number.kind == "phone":
            if label is not None:
                ends.append(number.end)
                labels.append(label)
                found[number.start] = finding(
                    "phone",
                    number.start,
                    number.end,
                    _span(text, number),
                    reason=_phone_reason(number, label, continued=continued, record=record),
                )
            continue
        if label is not None and not record:
            ends.append(number.end)
            labels.append(label)
            where = (
                f"所在行只有号码，接在含“{label}”的一行之后"
                if continued
                else f"位于“{label}”之后，同一分句"
            )
            found[number.start] = finding(
                "mobile",
                number.start,
                number.end,
                _span(text, number),
                severity="warn",
                reason=f"{number.basis}；{where}：公务联系方式，仅提示",
            )
            continue
        found[number.start] = finding(
            "mobile",
            number.start,
            number.end,
            _span(text, number),
            reason=f"{number.basis}；{_block_reason(text, number, line, label, record=record)}",
        )


def _label_before(text: str, start: int, ends: list[int], labels: list[str]) -> str | None:
    """The contact label this number follows in its clause, if it is close enough."""
    # The label or the previous number ends at most MAX_GAP characters before the number.
    window = max(0, start - MAX_GAP - _LABEL_LENGTH)
    clause = max(max(text.rfind(c, window, start) for c in _CLAUSE_BREAKS) + 1, window)
    nearest: tuple[int, str, int] | None = None  # (end, label, commas allowed in the gap)
    for match in _CONTACT.finditer(text, clause, start):
        nearest = (match.end(), re.sub(r"\s", "", match[0]), 1)
    if ends and clause <= ends[-1] <= start and (nearest is None or ends[-1] > nearest[0]):
        # Contact numbers in a row are separated by spaces, 、 or /, not by commas: after a
        # comma comes new matter (…0797-5701234，村民王某某（138…）反映).
        nearest = (ends[-1], labels[-1], 0)
    if nearest is None:
        return None
    gap = text[nearest[0] : start]
    if len(gap) > MAX_GAP or gap.count("，") + gap.count(",") > nearest[2]:
        return None
    return nearest[1]


def _continued_label(text: str, line: _Line, ends: list[int], labels: list[str]) -> str | None:
    """The label of the line above when this number's line holds nothing but numbers."""
    if not _bare_numbers(text, line):
        return None
    above = line
    while above.start > 0:
        above = _line(text, above.start - 1)
        if text[above.start : above.end].isspace() or above.start == above.end:
            continue
        # The line above holds contact numbers (a chain of number lines, or 资金捐赠电话：…):
        # the label of its clause carries on.
        last = bisect_right(ends, above.end) - 1
        if last >= 0 and ends[last] > above.start:
            return labels[last]
        found = [re.sub(r"\s", "", m[0]) for m in _CONTACT.finditer(text, above.start, above.end)]
        return found[-1] if found else None
    return None


def _bare_numbers(text: str, line: _Line) -> bool:
    """Whether the line holds only digits, separators and short bracketed notes."""
    if _NUMBERS_ONLY.fullmatch(text, line.start, line.end):
        return True
    content = text[line.start : line.end]
    if "(" not in content and "（" not in content:
        return False
    return _NUMBERS_ONLY.fullmatch(_NOTE.sub("", content)) is not None


def _phone_reason(number: Number, label: str, *, continued: bool, record: bool) -> str:
    where = f"接在含“{label}”的一行之后" if continued else f"位于“{label}”之后"
    if record:
        return f"{number.basis}；{where}，但同一行有身份证号或银行卡号：可能是个人电话，请核对"
    return f"{number.basis}；{where}：公务联系方式，仅提示"


def _block_reason(
    text: str, number: Number, line: _Line, label: str | None, *, record: bool
) -> str:
    if record:
        after = f"虽在“{label}”之后，" if label else ""
        return f"{after}同一行有身份证号或银行卡号：个人信息名单中的号码"
    before = text[max(line.start, number.start - 12) : number.start]
    row = text[line.start : line.end]
    if "\t" in row or "|" in row or _ROW_NAME.search(before):
        return "名单行：姓名与号码同在一行，没有联系人、联系电话等字样"
    return "所在分句没有联系人、联系电话等字样：视为个人手机号"


# ---------------------------------------------------------------------------- bank accounts


def _card(text: str, number: Number, with_ids: set[int]) -> Finding:
    """A card number: an organisation's account (``bank_account``) or a personal card."""
    line = _line(text, number.start)
    value = _span(text, number)
    if line.start in with_ids:
        why = "同一行有身份证号：个人信息名单中的银行卡号"
        return finding(
            "bank_card", number.start, number.end, value, reason=f"{number.basis}；{why}"
        )
    details = _account_details(text, line)
    holder = _holder(details)
    if holder is not None and not _is_org(holder):
        why = "户名不是单位名称：按个人银行卡处理"
        return finding(
            "bank_card", number.start, number.end, value, reason=f"{number.basis}；{why}"
        )
    if holder is not None:
        why = f"户名“{holder}”是单位：单位账户，不是个人银行卡，仅提示"
        return finding(
            "bank_account", number.start, number.end, value, reason=f"{number.basis}；{why}"
        )
    word = _ORG_WORDS.search(details)
    if word is not None:
        why = f"账户信息中有“{word[0]}”：单位账户，不是个人银行卡，仅提示"
        return finding(
            "bank_account", number.start, number.end, value, reason=f"{number.basis}；{why}"
        )
    org = _ORG_BEFORE_ACCOUNT.search(details)
    owner = _VERB.split(org["org"])[-1] if org is not None else ""
    if _is_org(owner):
        why = f"账户属于“{owner}”：单位账户，不是个人银行卡，仅提示"
        return finding(
            "bank_account", number.start, number.end, value, reason=f"{number.basis}；{why}"
        )
    why = "附近没有单位户名或“对公账户”“财政专户”等字样：按个人银行卡处理"
    return finding("bank_card", number.start, number.end, value, reason=f"{number.basis}；{why}")


def _account_details(text: str, line: _Line) -> str:
    """The number's line, or the run of short label lines and bare-number lines around it."""
    content = text[line.start : line.end]
    if not _LABEL_LINE.match(content) or len(content.strip()) > 60:
        return content
    lines = [content]
    up = line
    for _ in range(8):
        if up.start == 0:
            break
        up = _line(text, up.start - 1)
        above = text[up.start : up.end]
        if not above.strip() or not _LABEL_LINE.match(above) or len(above.strip()) > 60:
            break
        lines.insert(0, above)
    down = line
    for _ in range(4):
        if down.end >= len(text):
            break
        down = _line(text, down.end + 1)
        below = text[down.start : down.end]
        if not below.strip() or not _LABEL_LINE.match(below) or len(below.strip()) > 60:
            break
        lines.append(below)
    return "\n".join(lines)


def _holder(details: str) -> str | None:
    match = _HOLDER.search(details)
    if match is None:
        return None
    holder = match["holder"]
    cut = _NEXT_LABEL.search(holder, 1)
    return holder[: cut.start()] if cut else holder


def _is_org(name: str) -> bool:
    """Whether ``name`` reads as an organisation: 4+ characters ending like one (县财政局)."""
    return len(name) >= 4 and _ORG.fullmatch(name) is not None
