"""Recognise personal-data numbers by their shape: resident ID numbers, bank cards, mobiles.

This module says what a number *is*; gongkai.textcheck.personal then looks at where it stands
(a contact clause, an organisation's account details, a list of people) and decides the finding.

Seed 003: a department was named by the city for publishing unmasked ID-card and social-security
card numbers. A number counts only when it stands alone: a digit run that touches another digit,
an ASCII or full-width letter, or a mask character (``*``, ``＊``, ``×``) is part of something
longer (``91360735MA35…`` codes, 20-digit serials) or an already-masked number
(``360735********1233``, ``138****5678``) and is not reported. Full-width digits
(``１３８…``) are read as digits.

Precedence for one standalone digit run (each number is reported at most once):

1. 18 characters (17 digits + a digit or ``X``/``x``) with a valid GB 11643 check character and a
   real birth date → ``id_number``. This wins even when the run is also a valid unified social
   credit code or passes Luhn: about 1 in 31 real ID numbers also has a valid GB 32100 check
   character, while a real credit code passes the ID checks far more rarely (its characters 7–14
   would have to spell a real birth date); so preferring the credit code would leak ID numbers.
2. 15 digits with a real ``19YYMMDD`` birth date → ``id_number`` (the pre-1999 number, which has
   no check digit, so this is the weakest rule).
3. 18 characters forming a valid unified social credit code (GB 32100) → nothing: an
   organisation's code is public information. An 18-digit bank card whose last digit happens to
   be a valid credit-code check character (about 1 in 31) is therefore not reported; 18-digit
   cards are rare (most are 16 or 19 digits).
4. 16–19 digits passing the Luhn check (ISO/IEC 7812) → ``bank_card``; a run of one repeated
   digit (``0000000000000000``) is a placeholder, not a card.
5. 18 characters shaped like an ID number — a province code of GB/T 2260 in the first two digits
   and a real birth date from 1900 to today in characters 7–14 — whose check character is wrong
   → ``id_number_suspect``: a mistyped ID number, still personal data. It comes after the credit
   code and the bank card, so a valid code or a Luhn-valid 18-digit card is never called a
   mistyped ID; a random 18-digit run holds a real birth date in the right place less than once
   in 2,000, so a non-ID run rarely gets here.
6. 11 digits ``1[3-9]…`` → ``mobile``.
7. A landline shape → ``phone``: an area code ``0xx``/``0xxx`` (optionally in brackets or followed
   by ``-``, ``—`` or a space) and 7–8 digits starting 2–9; a bare 7–8-digit local number; or a
   ``400``/``800`` service number. Such runs are also counts, dates and amounts, so a ``phone``
   is only ever reported where the context says it is a contact number (personal.py).

Grouped forms are recognised too, with one separator (a space or a hyphen) used throughout:
mobiles 3-4-4 (``138 1234 5678``) with an optional ``+86``/``86`` prefix, cards 4-4-4-4 with an
optional last group of 1–3 digits and a first digit 3–9 (so lists of years are not cards), and
ID numbers 6-8-4 (``360735 19850615 1233``). A group sequence that continues with another short
group is part of something longer and is not reported.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Final, Literal

# China has a single time zone without daylight saving, so a fixed offset needs no tz database.
_CHINA: Final = dt.timezone(dt.timedelta(hours=8), "CST")

# GB 11643-1999: weight of position i (1-based, left to right) is 2^(18-i) mod 11.
_ID_WEIGHTS: Final = tuple(pow(2, 17 - i, 11) for i in range(17))
_ID_CHECK: Final = "10X98765432"  # indexed by (weighted sum mod 11)
_ID18: Final = re.compile(r"[0-9]{17}[0-9Xx]")
_ID15: Final = re.compile(r"[0-9]{15}")
# GB/T 2260 province-level codes (stable since Chongqing's 50 in 1997), plus 71/81/82/83 used by
# Taiwan, Hong Kong and Macao residents' numbers. Only the first two digits are checked: county
# codes change, and a card keeps the code it was issued with (docs/adr/0006).
_PROVINCES: Final = frozenset(
    [
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
        "83",
    ]
)

# GB 32100-2015: 31 characters (no I, O, Z, S, V); weight of position i is 3^(i-1) mod 31.
_USCC_ALPHABET: Final = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUES: Final = {c: i for i, c in enumerate(_USCC_ALPHABET)}
_USCC_WEIGHTS: Final = tuple(pow(3, i, 31) for i in range(17))

# Characters that make a neighbouring digit run part of something longer or masked.
_NOT_ALONE: Final = "0-9A-Za-z\uff10-\uff19\uff21-\uff3a\uff41-\uff5a*\uff0a\u00d7"
_NUMBERS: Final = re.compile(
    rf"""
    (?=[0-9+(\uff08])       # a cheap first test: re cannot skip ahead past a lookbehind
    (?<![{_NOT_ALONE}])
    (?:
        (?P<mobile>
            (?:\+?86[ -]?)?
            1[3-9][0-9]
            (?:[0-9]{{8}}|(?P<msep>[ -])[0-9]{{4}}(?P=msep)[0-9]{{4}})
        )
      | (?P<id_grouped>[0-9]{{6}}(?P<isep>[ -])[0-9]{{8}}(?P=isep)[0-9]{{3}}[0-9Xx])
      | (?P<card_grouped>
            [3-9][0-9]{{3}}(?P<csep>[ -])[0-9]{{4}}(?P=csep)[0-9]{{4}}(?P=csep)[0-9]{{4}}
            (?:(?P=csep)[0-9]{{1,3}})?
        )
      | (?P<run>[0-9]{{17}}[Xx]|[0-9]{{15,19}})
      | (?P<area_phone>
            (?:[(\uff08]0[1-9][0-9]{{1,2}}[)\uff09][ ]?|0[1-9][0-9]{{1,2}}(?:[-\u2014\u2013]{{1,2}}|[ ])?)
            [2-9][0-9]{{6,7}}
        )
      | (?P<service_phone>[48]00[ -]?[0-9]{{3}}[ -]?[0-9]{{4}})
      | (?P<local_phone>[2-9][0-9]{{6,7}})
    )
    (?![{_NOT_ALONE}])
    """,
    re.VERBOSE,
)
# Full-width digits, plus and hyphen read as ASCII; a 1:1 map keeps character offsets intact.
_FULLWIDTH: Final = re.compile("[\uff10-\uff19\uff0b\uff0d]")
_TO_ASCII: Final = {0xFF10 + i: 0x30 + i for i in range(10)} | {0xFF0B: 0x2B, 0xFF0D: 0x2D}

NumberKind = Literal["id_number", "id_number_suspect", "bank_card", "mobile", "phone"]


@dataclass(frozen=True, slots=True)
class Number:
    """A standalone number of a personal-data shape; ``basis`` says in Chinese what makes it so.

    ``start``/``end`` are character offsets into the checked text.
    """

    kind: NumberKind
    start: int
    end: int
    basis: str


def china_today() -> dt.date:
    """Return today's date in China (UTC+8), the default "today" for birth-date checks."""
    return dt.datetime.now(_CHINA).date()


def id_check_character(first17: str) -> str:
    """Return the GB 11643 check character (``0``–``9`` or ``X``) for 17 ASCII digits."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError("expected 17 ASCII digits")
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def _birth_date(year: int, month: int, day: int, today: dt.date) -> bool:
    try:
        born = dt.date(year, month, day)
    except ValueError:
        return False
    return year >= 1900 and born <= today


def is_id_number(value: str, *, today: dt.date | None = None) -> bool:
    """Return whether ``value`` is a plausible resident ID number (GB 11643-1999).

    18 characters: 17 digits and a check character (``X`` in either case) that matches the
    GB 11643 weighted sum, with a real ``YYYYMMDD`` birth date from 1900 up to ``today``
    (default: today in China). 15 characters: the old number with a real ``YYMMDD`` date read as
    19YY. The area code is deliberately not checked against any table: numbers issued before an
    area was created or renamed stay valid for life (``360735…`` predates 石城县's 1998 code).
    """
    today = today or china_today()
    if _ID18.fullmatch(value):
        if id_check_character(value[:17]) != value[17].upper():
            return False
        return _birth_date(int(value[6:10]), int(value[10:12]), int(value[12:14]), today)
    if _ID15.fullmatch(value):
        return _birth_date(1900 + int(value[6:8]), int(value[8:10]), int(value[10:12]), today)
    return False


def is_suspect_id_number(value: str, *, today: dt.date | None = None) -> bool:
    """Return whether ``value`` looks like an 18-character ID number with a mistyped character.

    The shape of an ID number — a GB/T 2260 province code in the first two digits and a real
    birth date from 1900 up to ``today`` in characters 7–14 — whose GB 11643 check character does
    not match. (A number that also passes Luhn or is a valid credit code is classified as those
    first; see the module's precedence.)
    """
    if not _ID18.fullmatch(value) or value[:2] not in _PROVINCES:
        return False
    if id_check_character(value[:17]) == value[17].upper():
        return False
    today = today or china_today()
    return _birth_date(int(value[6:10]), int(value[10:12]), int(value[12:14]), today)


def is_uscc(value: str) -> bool:
    """Return whether ``value`` is a unified social credit code with a valid GB 32100 check.

    18 characters from ``0-9A-HJ-NPQRTUWXY`` (upper case); the last one is
    ``31 - (Σ value(cᵢ)·3^(i-1) mod 31)``, with 31 written as ``0``.
    """
    if len(value) != 18 or any(c not in _USCC_VALUES for c in value):
        return False
    total = sum(_USCC_VALUES[c] * w for c, w in zip(value[:17], _USCC_WEIGHTS, strict=True))
    return _USCC_ALPHABET[(31 - total % 31) % 31] == value[17]


def luhn_valid(digits: str) -> bool:
    """Return whether a string of ASCII digits passes the Luhn check (ISO/IEC 7812-1 Annex B)."""
    if not digits or not digits.isascii() or not digits.isdigit():
        return False
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = ord(char) - 48
        if position % 2:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


def _is_bank_card(digits: str) -> bool:
    return 16 <= len(digits) <= 19 and len(set(digits)) > 1 and luhn_valid(digits)


def _short_group(text: str, index: int, step: int) -> bool:
    """Whether 1–4 digits run from ``index`` in direction ``step`` and then stop."""
    count = 0
    while 0 <= index < len(text) and "0" <= text[index] <= "9":
        count += 1
        if count > 4:
            return False
        index += step
    return count > 0


def _continues(text: str, start: int, end: int, sep: str) -> bool:
    """Whether a separated number is one piece of a longer run of separated digit groups."""
    before = start >= 2 and text[start - 1] == sep and _short_group(text, start - 2, -1)
    after = end + 1 < len(text) and text[end] == sep and _short_group(text, end + 1, 1)
    return before or after


_ID18_BASIS: Final = "18位，出生日期有效，校验位正确：居民身份证号（GB 11643）"
_ID15_BASIS: Final = "15位，第7–12位是有效的出生日期：旧版居民身份证号"
_SUSPECT_BASIS: Final = (
    "18位，省级地区码和出生日期都像居民身份证号，但校验位不符：可能是抄错的身份证号，仍属个人信息"
)


def _id_basis(
    value: str, today: dt.date, *, grouped: bool = False
) -> tuple[NumberKind, str] | None:
    prefix = "按6-8-4分组书写，" if grouped else ""
    if is_id_number(value, today=today):
        return "id_number", prefix + (_ID18_BASIS if len(value) == 18 else _ID15_BASIS)
    if is_suspect_id_number(value, today=today):
        return "id_number_suspect", prefix + _SUSPECT_BASIS
    return None


def _card_basis(digits: str, *, grouped: bool = False) -> str:
    shape = "分组书写的" if grouped else ""
    return f"{shape}{len(digits)}位数字，通过银行卡号校验（Luhn）：银行卡号"


def _decimal(text: str, start: int, end: int) -> bool:
    """Whether the digits at ``start:end`` are part of a decimal number (``1234567.50``)."""
    before = start >= 2 and text[start - 1] in ".．" and text[start - 2].isdigit()
    after = end + 1 < len(text) and text[end] in ".．" and text[end + 1].isdigit()
    return before or after


def _classify(match: re.Match[str], scan: str, today: dt.date) -> tuple[NumberKind, str] | None:
    """Return the kind and basis for one candidate, following the module's precedence."""
    start, end = match.span()
    if match["mobile"] is not None:
        sep = match["msep"]
        if sep and _continues(scan, start, end, sep):
            return None
        return "mobile", "11位、以13–19开头：手机号"
    if match["id_grouped"] is not None:
        if _continues(scan, start, end, match["isep"]):
            return None
        return _id_basis(re.sub("[ -]", "", match[0]), today, grouped=True)
    if match["card_grouped"] is not None:
        if _continues(scan, start, end, match["csep"]):
            return None
        digits = re.sub("[ -]", "", match[0])
        return ("bank_card", _card_basis(digits, grouped=True)) if _is_bank_card(digits) else None
    if match["area_phone"] is not None:
        return "phone", "带区号的固定电话号码"
    if match["service_phone"] is not None:
        return "phone", "400/800服务电话号码"
    if match["local_phone"] is not None:
        if _decimal(scan, start, end):
            return None  # 2345678.50: an amount
        return "phone", "7–8位的本地固定电话号码"
    run = match["run"]
    if is_id_number(run, today=today):
        return _id_basis(run, today)
    if is_uscc(run):
        return None
    if _is_bank_card(run):
        return "bank_card", _card_basis(run)
    if is_suspect_id_number(run, today=today):
        return "id_number_suspect", _SUSPECT_BASIS
    return None


def find_numbers(text: str, *, today: dt.date | None = None) -> list[Number]:
    """Return every standalone number of a personal-data shape in ``text``, sorted by start.

    This is the shape alone: a ``phone`` here is any landline-shaped run (a count or a date
    too), and no number is judged by its context yet; ``find_personal_data`` does that.
    ``today`` bounds ID birth dates (default: today in China). Offsets are character offsets.
    """
    today = today or china_today()
    scan = text.translate(_TO_ASCII) if _FULLWIDTH.search(text) else text
    found: list[Number] = []
    for match in _NUMBERS.finditer(scan):
        classified = _classify(match, scan, today)
        if classified is not None:
            start, end = match.span()
            kind, basis = classified
            found.append(Number(kind, start, end, basis))
    return found
