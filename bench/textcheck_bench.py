"""How fast the pre-publication check reads text: about 5 MB of Chinese against 20,000 words.

No Django and no downloads: the text is pseudo-random (a seeded generator over 3,000 CJK code
points with Zipf-like frequencies, punctuation, dates, amounts and some personal-data numbers),
so every run checks the same bytes. Two dictionaries: "rare" draws words uniformly from the code
points, so, like real misspellings, most seldom occur; "frequent" draws them with the text's own
frequencies, a worst case with a match every few characters for the Python side to sort out.
"""

from __future__ import annotations

import json
import platform
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from gongkai.textcheck import (
    Checker,
    WordList,
    default_words,
    find_personal_data,
    id_check_character,
)

RESULTS = Path(__file__).resolve().parent / "results"
SEED = 20240601
TARGET_BYTES = 5_000_000
WORDS = 20_000
REPEATS = 3
CHARSET = [chr(0x4E00 + i) for i in range(3000)]
PUNCTUATION = "，，，。、；：“”（）"


def _text(rng: random.Random) -> str:
    cum_weights = _cum_weights()
    parts: list[str] = []
    size = 0
    while size < TARGET_BYTES:
        sentence = "".join(rng.choices(CHARSET, cum_weights=cum_weights, k=rng.randint(8, 40)))
        roll = rng.random()
        if roll < 0.05:
            sentence += f"{rng.randint(2000, 2024)}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日"
        elif roll < 0.08:
            sentence += f"{rng.randint(1, 99999)}.{rng.randint(0, 99):02d}元"
        elif roll < 0.081:
            first17 = f"360735{rng.randint(1940, 2005)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
            sentence += first17 + id_check_character(first17)
        elif roll < 0.082:
            sentence += f"1{rng.choice('3456789')}{rng.randint(0, 999_999_999):09d}"
        sentence += rng.choice(PUNCTUATION)
        if rng.random() < 0.05:
            sentence += "\n"
        parts.append(sentence)
        size += len(sentence.encode("utf-8"))
    return "".join(parts)


def _cum_weights() -> list[float]:
    cum_weights: list[float] = []
    total = 0.0
    for rank in range(len(CHARSET)):
        total += 1.0 / (rank + 1)
        cum_weights.append(total)
    return cum_weights


def _words(rng: random.Random, cum_weights: list[float] | None) -> WordList:
    words: set[str] = set()
    while len(words) < WORDS:
        k = rng.randint(2, 4)
        words.add("".join(rng.choices(CHARSET, cum_weights=cum_weights, k=k)))
    ordered = sorted(words)
    rng.shuffle(ordered)
    sensitive = ordered[: WORDS // 10]
    wrong = {w: w[:-1] + rng.choice(CHARSET) for w in ordered[WORDS // 10 :]}
    return WordList(wrong, tuple(sensitive))


def _time(fn: Callable[[], object]) -> float:
    runs = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def _run(text: str, words: WordList, dictionary: str) -> dict[str, object]:
    megabytes = len(text.encode("utf-8")) / 1_000_000
    start = time.perf_counter()
    checker = Checker.from_words(default_words(), words)
    build_s = time.perf_counter() - start
    findings = checker.check(text)
    check_s = _time(lambda: checker.check(text))
    words_s = _time(lambda: checker.find_words(text))
    numbers_s = _time(lambda: find_personal_data(text))
    counts: dict[str, int] = {}
    for found in findings:
        counts[found.kind] = counts.get(found.kind, 0) + 1
    result: dict[str, object] = {
        "dictionary": dictionary,
        "megabytes": round(megabytes, 2),
        "characters": len(text),
        "dictionary_words": len(words.wrong_words) + len(words.sensitive_words),
        "build_s": round(build_s, 3),
        "check_s": round(check_s, 3),
        "check_mb_per_s": round(megabytes / check_s, 1),
        "words_only_mb_per_s": round(megabytes / words_s, 1),
        "numbers_only_mb_per_s": round(megabytes / numbers_s, 1),
        "findings": dict(sorted(counts.items())),
    }
    print(
        f"textcheck {megabytes:.1f} MB, {WORDS} {dictionary} words: "
        f"check {check_s:.3f}s = {result['check_mb_per_s']} MB/s "
        f"(words {result['words_only_mb_per_s']} MB/s, "
        f"numbers {result['numbers_only_mb_per_s']} MB/s), "
        f"build {build_s:.3f}s, {len(findings)} findings"
    )
    return result


def main() -> None:
    rng = random.Random(SEED)  # noqa: S311 -- reproducible test data, not secrets
    text = _text(rng)
    results = [
        _run(text, _words(rng, None), "rare"),
        _run(text, _words(rng, _cum_weights()), "frequent"),
    ]
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "textcheck.json").write_text(
        json.dumps(
            {
                "machine": platform.platform(),
                "python": platform.python_version(),
                "results": results,
            },
            ensure_ascii=False,
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
