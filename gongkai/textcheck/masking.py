"""Mask personal data for publication, e.g. names and ID numbers in a subsidy list (补贴公示).

Every helper keeps the length and the separators of its input, so masking a span inside a text
moves no other offset. A value too short for its rule is masked completely rather than shown.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from gongkai.textcheck.findings import PERSONAL_DATA, Finding

MASK = "*"
# Separators inside a name that stay visible: 买买提·艾力 → 买**·*力.
_NAME_SEPARATORS = frozenset("·•‧・．. \u3000")


def _mask(value: str, *, keep_head: int, keep_tail: int, significant: Callable[[str], bool]) -> str:
    positions = [i for i, c in enumerate(value) if significant(c)]
    if len(positions) > keep_head + keep_tail:
        hidden = set(positions[keep_head : len(positions) - keep_tail])
    else:
        hidden = set(positions)
    return "".join(MASK if i in hidden else c for i, c in enumerate(value))


def _digit(char: str) -> bool:
    return char.isdigit()


def _id_char(char: str) -> bool:
    return char.isdigit() or char in "XxＸｘ"


def mask_id_number(value: str) -> str:
    """Keep the first 6 (area) and last 4 characters of an ID number: ``360735********1233``."""
    return _mask(value, keep_head=6, keep_tail=4, significant=_id_char)


def mask_bank_card(value: str) -> str:
    """Keep the first 6 (issuer) and last 4 digits of a card number: ``622202******7890``."""
    return _mask(value, keep_head=6, keep_tail=4, significant=_digit)


def mask_mobile(value: str) -> str:
    """Mask the middle four digits of a mobile number: ``138****5678``, ``+86 138 **** 5678``.

    The last 11 digits are the number; a ``+86``/``86`` prefix stays as written.
    """
    digits = [i for i, c in enumerate(value) if c.isdigit()]
    if len(digits) < 11:
        return _mask(value, keep_head=0, keep_tail=0, significant=_digit)
    hidden = set(digits[-11:][3:7])
    return "".join(MASK if i in hidden else c for i, c in enumerate(value))


def mask_name(name: str) -> str:
    """Mask a personal name the way publicity lists usually do.

    Two characters keep the first (张三 → 张*); three or more keep the first and the last
    (张小明 → 张*明, 欧阳小明 → 欧**明); one character is masked completely. A separator
    such as the middle dot in 买买提·艾力 stays visible.
    """
    letters = [i for i, c in enumerate(name) if c not in _NAME_SEPARATORS]
    if len(letters) <= 1:
        shown: set[int] = set()
    elif len(letters) == 2:
        shown = {letters[0]}
    else:
        shown = {letters[0], letters[-1]}
    return "".join(c if i in shown or c in _NAME_SEPARATORS else MASK for i, c in enumerate(name))


_MASKERS: dict[str, Callable[[str], str]] = {
    "id_number": mask_id_number,
    "id_number_suspect": mask_id_number,
    "bank_card": mask_bank_card,
    "mobile": mask_mobile,
}


def mask_text(text: str, findings: Iterable[Finding]) -> str:
    """Return ``text`` with every personal-data finding replaced by its masked form.

    Every finding of a ``PERSONAL_DATA`` kind is masked whatever its severity (a mistyped ID
    number like an ID number: ``360735********1235``); the caller chooses which findings to pass.
    Words, landlines and organisation accounts are left alone (an editor decides about them). ``findings`` must come from checking
    this very text: a finding whose span does not hold its text raises ``ValueError``.
    The result has the same length as ``text``.
    """
    parts: list[str] = []
    position = 0
    for item in sorted(findings, key=lambda f: (f.start, -f.end)):
        if item.kind not in PERSONAL_DATA or item.start < position:
            continue
        if text[item.start : item.end] != item.text:
            raise ValueError(f"finding at {item.start}..{item.end} does not match the text")
        parts.append(text[position : item.start])
        parts.append(_MASKERS[item.kind](item.text))
        position = item.end
    parts.append(text[position:])
    return "".join(parts)
