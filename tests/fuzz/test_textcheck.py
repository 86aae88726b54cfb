"""Properties of the pre-publication check (gongkai.textcheck): real-looking ID numbers, cards
and mobiles are found wherever they stand, masking hides them for good, no text makes the check
raise, and an official's contact phone after its label is never a blocking finding."""

from __future__ import annotations

import functools

from hypothesis import assume, example, given
from hypothesis import strategies as st

from gongkai.textcheck import (
    PERSONAL_DATA,
    Checker,
    find_numbers,
    is_id_number,
    mask_bank_card,
    mask_id_number,
    mask_mobile,
    mask_text,
)
from tests.fuzz.strategies import (
    TODAY,
    bank_cards,
    filler,
    full_width,
    grouped,
    hostile_text,
    id_numbers,
    mobiles,
    separator,
)


@functools.cache
def checker() -> Checker:
    return Checker.from_defaults()


NUMBERS = {"id_number": id_numbers(), "bank_card": bank_cards(), "mobile": mobiles()}


@st.composite
def written_numbers(draw: st.DrawFn) -> tuple[str, str]:
    """A number of some kind as someone might type it: plain or grouped, ASCII or full-width."""
    kind = draw(st.sampled_from(sorted(NUMBERS)))
    number = draw(NUMBERS[kind])
    sep = draw(st.sampled_from(["", "", " ", "-"]))
    if sep:
        number = grouped(number, sep, kind)
    if draw(st.booleans()):
        number = full_width(number)
    return kind, number


embedded = st.lists(written_numbers(), min_size=1, max_size=5)


@st.composite
def texts_with_numbers(draw: st.DrawFn) -> tuple[str, list[tuple[str, int, int]]]:
    """A text with numbers at known places, separated by characters that end a number."""
    numbers = draw(embedded)
    parts = [draw(filler)]
    placed: list[tuple[str, int, int]] = []
    position = len(parts[0])
    for index, (kind, number) in enumerate(numbers):
        if index:
            gap = draw(separator)
            parts.append(gap)
            position += len(gap)
        parts.append(number)
        placed.append((kind, position, position + len(number)))
        position += len(number)
    parts.append(draw(filler))
    return "".join(parts), placed


@given(texts_with_numbers())
def test_embedded_personal_numbers_are_always_found(
    case: tuple[str, list[tuple[str, int, int]]],
) -> None:
    text, placed = case
    found = {(f.kind, f.start, f.end) for f in checker().check(text, today=TODAY)}
    for kind, start, end in placed:
        assert (kind, start, end) in found, (kind, text[start:end])


@given(texts_with_numbers())
def test_masking_hides_every_number_and_is_idempotent(
    case: tuple[str, list[tuple[str, int, int]]],
) -> None:
    text, placed = case
    masked = mask_text(text, checker().check(text, today=TODAY))
    assert len(masked) == len(text)
    for _, start, end in placed:
        shown = [c for c in masked[start:end] if c.isdigit()]
        assert len(shown) <= 10  # at most the first 6 and the last 4 survive
        assert text[start:end] not in masked
    again = checker().check(masked, today=TODAY)
    assert not [f for f in again if f.kind in PERSONAL_DATA]
    assert mask_text(masked, again) == masked


@given(id_numbers())
def test_generated_id_numbers_are_valid_and_mask_to_area_and_tail(number: str) -> None:
    assert is_id_number(number, today=TODAY)
    masked = mask_id_number(number)
    assert masked == number[:6] + "*" * 8 + number[-4:]
    assert _reveals_nothing_new(mask_id_number(masked), masked)


def _reveals_nothing_new(again: str, once: str) -> bool:
    """Masking a masked value again may hide more (the helpers hide a value too short for their
    rule completely) but never shows a character the first masking hid."""
    return len(again) == len(once) and all(a in ("*", b) for a, b in zip(again, once, strict=True))


@given(bank_cards(), mobiles())
def test_card_and_mobile_masks_keep_issuer_and_tail_only(card: str, mobile: str) -> None:
    assert mask_bank_card(card) == card[:6] + "*" * (len(card) - 10) + card[-4:]
    assert _reveals_nothing_new(mask_bank_card(mask_bank_card(card)), mask_bank_card(card))
    assert mask_mobile(mobile) == mobile[:3] + "****" + mobile[-4:]
    assert _reveals_nothing_new(mask_mobile(mask_mobile(mobile)), mask_mobile(mobile))


@given(hostile_text)
@example(
    "联系电话\ud80013812345678"
)  # found by fuzzing: a lone surrogate (JSON's "\ud800") crashed
@example("\x00" * 3 + "360735198506151233")
def test_no_text_makes_the_check_raise(text: str) -> None:
    findings = checker().check(text, today=TODAY)
    for item in findings:
        assert text[item.start : item.end] == item.text
        assert item.reason
    masked = mask_text(text, findings)
    assert len(masked) == len(text)
    assert find_numbers(masked, today=TODAY) is not None


@given(
    st.text(alphabet="0123456789０１２３４５６７８９ -*X", min_size=1, max_size=40),
    st.integers(min_value=1, max_value=4000),
)
def test_long_runs_of_digits_never_raise(unit: str, times: int) -> None:
    text = (unit * times)[:100_000]
    findings = checker().check(text, today=TODAY)
    assert len(mask_text(text, findings)) == len(text)


CONTACT_LABELS = (
    "联系电话",
    "咨询电话",
    "监督电话",
    "举报电话",
    "投诉电话",
    "联系人：张某某 电话",
    "联系人：王某某，手机",
    "服务热线",
    "值班电话",
    "电 话",
    "Tel",
)
LANDLINES = ("0797-5701234", "0797—5701234", "(0797)5701234", "（023）89181983", "85989809")


@given(
    before=filler.map(lambda s: s + "。"),
    label=st.sampled_from(CONTACT_LABELS),
    colon=st.sampled_from(("：", ":", "", " ", "： ")),
    number=st.one_of(mobiles(), st.sampled_from(LANDLINES)),
    wide=st.booleans(),
    after=st.sampled_from(("", "。", "（工作日）", "，欢迎监督。", "\n")),
)
def test_an_officials_contact_phone_after_its_label_never_blocks(
    before: str, label: str, colon: str, number: str, wide: bool, after: str
) -> None:
    number = full_width(number) if wide else number
    text = f"{before}{label}{colon}{number}{after}"
    start = len(before) + len(label) + len(colon)
    assume(not (colon == "" and label == "Tel"))  # Tel0797…: not how anyone writes it
    found = [f for f in checker().check(text, today=TODAY) if f.start == start]
    assert found, text
    assert all(not f.blocking for f in found), (text, found)
