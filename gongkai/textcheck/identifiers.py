"""Find personal-data numbers: resident ID numbers, bank-card numbers and mobile numbers.

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
5. 11 digits ``1[3-9]…`` → ``mobile``.

Grouped forms are recognised too, with one separator (a space or a hyphen) used throughout:
mobiles 3-4-4 (``138 1234 5678``) with an optional ``+86``/``86`` prefix, cards 4-4-4-4 with an
optional last group of 1–3 digits and a first digit 3–9 (so lists of years are not cards), and
ID numbers 6-8-4 (``360735 19850615 1233``). A group sequence that continues with another short
group is part of something longer and is not reported.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Final

from gongkai.textcheck.findings import Finding, Kind, finding

# China has a single time zone without daylight saving, so a fixed offset needs no tz database.
_CHINA: Final = dt.timezone(dt.timedelta(hours=8), "CST")

# GB 11643-1999: weight of position i (1-based, left to right) is 2^(18-i) mod 11.
_ID_WEIGHTS: Final = tuple(pow(2, 17 - i, 11) for i in range(17))
_ID_CHECK: Final = "10X98765432"  # indexed by (weighted sum mod 11)
_ID18: Final = re.compile(r"[0-9]{17}[0-9Xx]")
_ID15: Final = re.compile(r"[0-9]{15}")

# GB 32100-2015: 31 characters (no I, O, Z, S, V); weight of position i is 3^(i-1) mod 31.
_USCC_ALPHABET: Final = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUES: Final = {c: i for i, c in enumerate(_USCC_ALPHABET)}
_USCC_WEIGHTS: Final = tuple(pow(3, i, 31) for i in range(17))

# Characters that make a neighbouring digit run part of something longer or masked.
_NOT_ALONE: Final = "0-9A-Za-z\uff10-\uff19\uff21-\uff3a\uff41-\uff5a*\uff0a\u00d7"
_NUMBERS: Final = re.compile(
    rf"""
    (?=[0-9+])              # a cheap first test: re cannot skip ahead past a lookbehind
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
    )
    (?![{_NOT_ALONE}])
    """,
    re.VERBOSE,
)
# Full-width digits, plus and hyphen read as ASCII; a 1:1 map keeps character offsets intact.
_FULLWIDTH: Final = re.compile("[\uff10-\uff19\uff0b\uff0d]")
_TO_ASCII: Final = {0xFF10 + i: 0x30 + i for i in range(10)} | {0xFF0B: 0x2B, 0xFF0D: 0x2D}


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


def _classify(match: re.Match[str], scan: str, today: dt.date) -> Kind | None:
    """Return the finding kind for one candidate, following the module's precedence."""
    start, end = match.span()
    if match["mobile"] is not None:
        sep = match["msep"]
        return None if sep and _continues(scan, start, end, sep) else "mobile"
    if match["id_grouped"] is not None:
        if _continues(scan, start, end, match["isep"]):
            return None
        return "id_number" if is_id_number(re.sub("[ -]", "", match[0]), today=today) else None
    if match["card_grouped"] is not None:
        if _continues(scan, start, end, match["csep"]):
            return None
        return "bank_card" if _is_bank_card(re.sub("[ -]", "", match[0])) else None
    run = match["run"]
    if is_id_number(run, today=today):
        return "id_number"
    if is_uscc(run):
        return None
    return "bank_card" if _is_bank_card(run) else None


def find_personal_data(text: str, *, today: dt.date | None = None) -> list[Finding]:
    """Return the ID, bank-card and mobile numbers standing alone in ``text``, sorted by start.

    ``today`` bounds ID birth dates (default: today in China). Offsets are character offsets.
    """
    today = today or china_today()
    scan = text.translate(_TO_ASCII) if _FULLWIDTH.search(text) else text
    found: list[Finding] = []
    for match in _NUMBERS.finditer(scan):
        kind = _classify(match, scan, today)
        if kind is not None:
            start, end = match.span()
            found.append(finding(kind, start, end, text[start:end]))
    return found
