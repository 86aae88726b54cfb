"""Hypothesis strategies shared by the property-based tests: personal-data numbers and the text
they hide in.

Numbers are built the way real ones are (a GB/T 2260 province code, a real birth date, the
GB 11643 check character; a UnionPay card passing Luhn; a mobile 1[3-9]…), so a property that
fails on one of them is a number the checker would let through.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from gongkai.textcheck import id_check_character, luhn_valid

TODAY = dt.date(2024, 6, 1)

PROVINCES = [
    *("11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36"),
    *("37", "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62"),
    *("63", "64", "65", "71", "81", "82", "83"),
]

# Characters for the text around a number. No digits, letters or mask characters (they would make
# the number part of something longer, which is a different rule), and none of the characters
# that form contact labels (电话, 联系人, 手机…) or organisation-account words (对公, 专户, 账户…),
# which change a number's severity on purpose.
FILLER = (
    "的一是在不了有和人这中大为上个我以要他时来用们生到作地于出就分对成可主发年动同工也能下过子"
    "说产种面而方后多定学法民得经十三之进着等度家水化高自二理起小物现实加量都两体制当使点从业本"
    "去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看"
    "原又么利比或但质气第向道命此变条只没结解问意建月公无很最府村镇县区乡补贴救助申请"
    "，。；：、！？“”（）《》【】…—　 \t\n.,;:!?()[]<>/\\'\"~^_=&%$#@！＃％＆｛｝「」"
)
_BLOCKED = set("电话热线手机传真座总联系人方式户名账帐专库国对税汇缴款收单位行局委办会院所站社")
FILLER = "".join(c for c in FILLER if c not in _BLOCKED)

filler = st.text(alphabet=FILLER, max_size=40)
separator = st.text(alphabet=FILLER, min_size=1, max_size=10)

# Full-width digits are read as digits (identifiers.py): a number typed with them is still found.
_FULL = str.maketrans("0123456789", "０１２３４５６７８９")


@st.composite
def id_numbers(draw: st.DrawFn, *, today: dt.date = TODAY) -> str:
    """An 18-character resident ID number with a real birth date and a correct check character."""
    province = draw(st.sampled_from(PROVINCES))
    rest = draw(st.text(alphabet="0123456789", min_size=4, max_size=4))
    born = draw(st.dates(min_value=dt.date(1900, 1, 1), max_value=today))
    sequence = draw(st.text(alphabet="0123456789", min_size=3, max_size=3))
    first17 = f"{province}{rest}{born:%Y%m%d}{sequence}"
    check = id_check_character(first17)
    if check == "X" and draw(st.booleans()):
        check = "x"
    return first17 + check


@st.composite
def mobiles(draw: st.DrawFn) -> str:
    """An 11-digit mainland mobile number."""
    second = draw(st.sampled_from("3456789"))
    return "1" + second + draw(st.text(alphabet="0123456789", min_size=9, max_size=9))


def _luhn_digit(body: str) -> str:
    return next(str(d) for d in range(10) if luhn_valid(body + str(d)))


@st.composite
def bank_cards(draw: st.DrawFn) -> str:
    """A 16- or 19-digit UnionPay card number passing Luhn (the usual lengths)."""
    length = draw(st.sampled_from((16, 19)))
    body = "62" + draw(st.text(alphabet="0123456789", min_size=length - 3, max_size=length - 3))
    return body + _luhn_digit(body)


def grouped(number: str, sep: str, kind: str) -> str:
    """The number written in groups as people do: mobiles 3-4-4, ID numbers 6-8-4, cards by 4."""
    if kind == "mobile":
        sizes = [3, 4, 4]
    elif kind == "id_number":
        sizes = [6, 8, 4]
    else:
        sizes = [4] * (len(number) // 4) + ([len(number) % 4] if len(number) % 4 else [])
    parts, start = [], 0
    for size in sizes:
        parts.append(number[start : start + size])
        start += size
    return sep.join(parts)


def full_width(number: str) -> str:
    """The number typed with full-width digits (a check character X stays as it is)."""
    return number.translate(_FULL)


#: Text that exercises the number and contact rules: digits (ASCII and full-width), separators,
#: masks, brackets, labels, line breaks, and any other character (NUL included).
hostile_text = st.lists(
    st.one_of(
        st.sampled_from(
            [
                *"0123456789０１２３４５６７８９Xx*＊×+-—–（()）：:，,。；\n\t \u3000.．",
                *(
                    "电话",
                    "联系人",
                    "手机",
                    "户名：",
                    "县财政局",
                    "对公",
                    "账户",
                    "身份证号",
                    "\x00",
                ),
            ]
        ),
        st.characters(),
    ),
    max_size=300,
).map("".join)
