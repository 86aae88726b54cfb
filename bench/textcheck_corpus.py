"""How often the pre-publication check fires on real published text, by kind.

The corpus is real: bench/corpus/notices.jsonl (excerpts of public county, township and
department notices, each with its address; see bench/corpus/README.md) and the five seed
documents (gongkai/demo/data/seeds/). Issue 8 sets the bar: wrong-word findings below 5 per
10,000 characters; and notices that publish a contact phone or an office's bank account must not
be blocked. The run prints a summary, writes bench/results/textcheck_corpus.json and exits with
status 1 when the wrong-word rate is over the bar. No timings: this measures what fires, not
how fast (bench/textcheck_bench.py measures speed).
"""

from __future__ import annotations

import json
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from gongkai.textcheck import Checker, Finding

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "bench" / "corpus" / "notices.jsonl"
SEEDS = ROOT / "gongkai" / "demo" / "data" / "seeds"
RESULTS = ROOT / "bench" / "results"
WRONG_WORDS_PER_10K_BAR = 5.0
# The 2018 reform of Party and state institutions renamed the agencies in the default list;
# counties finished it in early 2019, so texts written before 2019 use the old names correctly.
REFORM_YEAR = 2019


def load() -> list[dict[str, Any]]:
    """The corpus: notices (with their year) and seeds, each a dict with id, url, year, text."""
    items = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        items.append({"id": f"seed:{path.stem}", "url": "", "year": 2022, "text": text})
    return items


def _per_10k(count: int, characters: int) -> float:
    return round(count * 10_000 / characters, 2) if characters else 0.0


def measure(items: list[dict[str, Any]], checker: Checker) -> dict[str, Any]:
    """Count findings by kind and severity over ``items``; list every item that would block."""
    characters = sum(len(item["text"]) for item in items)
    by_kind: dict[str, Counter[str]] = defaultdict(Counter)
    words: Counter[str] = Counter()
    wrong_by_era = Counter[str]()
    chars_by_era = Counter[str]()
    blocked: list[dict[str, Any]] = []
    for item in items:
        era = (
            "before_2019" if (item["year"] or REFORM_YEAR) < REFORM_YEAR else "from_2019_or_undated"
        )
        chars_by_era[era] += len(item["text"])
        findings = checker.check(item["text"])
        for found in findings:
            by_kind[found.kind][found.severity] += 1
            if found.kind == "wrong_word":
                words[f"{found.text}→{found.suggestion}"] += 1
                wrong_by_era[era] += 1
        blocking = [f for f in findings if f.blocking]
        if blocking:
            blocked.append(_blocked(item, blocking))
    wrong = sum(by_kind["wrong_word"].values())
    return {
        "corpus": {
            "items": len(items),
            "notices": sum(1 for i in items if not i["id"].startswith("seed:")),
            "seeds": sum(1 for i in items if i["id"].startswith("seed:")),
            "characters": characters,
        },
        "findings": {kind: dict(sorted(c.items())) for kind, c in sorted(by_kind.items())},
        "per_10k_characters": {
            kind: _per_10k(sum(c.values()), characters) for kind, c in sorted(by_kind.items())
        },
        "wrong_words": {
            "per_10k_characters": _per_10k(wrong, characters),
            "bar_per_10k_characters": WRONG_WORDS_PER_10K_BAR,
            "below_bar": _per_10k(wrong, characters) < WRONG_WORDS_PER_10K_BAR,
            "by_word": dict(words.most_common()),
            # Texts written before the 2018–2019 institutional reform, when the names were right.
            "by_era": {
                era: {
                    "findings": wrong_by_era[era],
                    "characters": chars_by_era[era],
                    "per_10k_characters": _per_10k(wrong_by_era[era], chars_by_era[era]),
                }
                for era in ("before_2019", "from_2019_or_undated")
            },
        },
        "blocked_items": blocked,
    }


def _blocked(item: dict[str, Any], blocking: list[Finding]) -> dict[str, Any]:
    return {
        "id": item["id"],
        "url": item["url"],
        "blocking": len(blocking),
        "reasons": sorted({f"{f.kind}: {f.reason}" for f in blocking}),
    }


def main() -> None:
    result = measure(load(), Checker.from_defaults())
    corpus = result["corpus"]
    wrong = result["wrong_words"]
    print(
        f"textcheck on real text: {corpus['notices']} notices + {corpus['seeds']} seeds, "
        f"{corpus['characters']} characters; per 10,000 characters "
        + ", ".join(f"{k} {v}" for k, v in result["per_10k_characters"].items())
    )
    print(
        f"  wrong words {wrong['per_10k_characters']} per 10,000 characters "
        f"(bar {WRONG_WORDS_PER_10K_BAR}; before 2019 "
        f"{wrong['by_era']['before_2019']['per_10k_characters']}, from 2019 or undated "
        f"{wrong['by_era']['from_2019_or_undated']['per_10k_characters']}); "
        f"{len(result['blocked_items'])} of {corpus['items']} items would be blocked"
    )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "textcheck_corpus.json").write_text(
        json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    if not wrong["below_bar"]:
        sys.exit(f"wrong-word findings {wrong['per_10k_characters']} per 10,000 characters")


if __name__ == "__main__":
    main()
