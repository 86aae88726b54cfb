"""`gongkai textcheck [FILE|-] [--words FILE] [--docx] [--explain]`: check a text before publishing.

Prints one JSON object per finding (kind, start, end, text, severity, suggestion; offsets are
character offsets into the decoded input) and exits with status 1 when any finding blocks
publication (personal data or a sensitive word), else 0. ``--explain`` adds ``reason``: why the
finding fired, in Chinese (``位于“联系电话”之后…：公务联系方式，仅提示``). Without it the lines keep
the keys they have always had, so scripts reading them need not change.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import IO, Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongkai import textcheck


class Command(BaseCommand):
    help = (
        "Check a UTF-8 text (or a .docx) for ID, bank-card and mobile numbers and for sensitive "
        "and wrong words; print one JSON line per finding (--explain: with its reason); exit 1 "
        "if any finding blocks."
    )
    # call_command(..., stdin=BytesIO(...)) lets tests feed standard input.
    stealth_options = ("stdin",)
    # The check touches no model, URL or database: system checks would only slow a pipeline down.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file", nargs="?", default="-", help="file to check; - or nothing reads stdin"
        )
        parser.add_argument(
            "--words",
            action="append",
            default=[],
            type=Path,
            metavar="FILE",
            help="extra word list: 'wrong<TAB>right' lines are wrong words, "
            "other lines sensitive words; may be repeated",
        )
        parser.add_argument(
            "--docx", action="store_true", help="the input is a Word .docx document"
        )
        parser.add_argument(
            "--explain",
            action="store_true",
            help="add a 'reason' key saying, in Chinese, why each finding fired",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        extra = [self._words(path) for path in options["words"]]
        checker = textcheck.Checker.from_defaults(*extra)
        name: str = options["file"]
        data = self._input(name, options.get("stdin"))
        text = self._text(name, data, docx=options["docx"])
        findings = checker.check(text)
        for found in findings:
            line = found.as_dict()
            if not options["explain"]:
                del line["reason"]
            self.stdout.write(json.dumps(line, ensure_ascii=False))
        if any(f.blocking for f in findings):
            self.stdout.flush()
            sys.exit(1)

    def _words(self, path: Path) -> textcheck.WordList:
        try:
            return textcheck.load_words(path)
        except FileNotFoundError:
            raise CommandError(f"找不到词库文件：{path}") from None
        except OSError as exc:
            raise CommandError(f"无法读取词库文件：{path}（{exc.strerror}）") from exc
        except textcheck.DictionaryError as exc:
            raise CommandError(
                f"词库文件 {path} 第{exc.line}行有误（{exc.problem}）：每行写一个敏感词，"
                "或写“错词<TAB>正确写法”，以 # 开头的行是注释。"
            ) from exc

    def _input(self, name: str, stdin: IO[bytes] | None) -> bytes:
        if name == "-":
            return (stdin or sys.stdin.buffer).read()
        path = Path(name)
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        try:
            return path.read_bytes()
        except OSError as exc:
            raise CommandError(f"无法读取文件：{path}（{exc.strerror}）") from exc

    def _text(self, name: str, data: bytes, *, docx: bool) -> str:
        shown = "标准输入" if name == "-" else name
        if docx:
            try:
                return textcheck.docx_text(data)
            except ValueError as exc:
                # The reader's own sentence (a DTD, too much text, broken XML) when it has one.
                why = getattr(exc, "message", "") or "旧版 .doc 请先另存为 .docx。"
                raise CommandError(f"不是有效的 Word 文档（.docx）：{shown}。{why}") from exc
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CommandError(
                f"{shown} 不是 UTF-8 编码的文本，请另存为 UTF-8 后重试（或用 --docx 检查 Word 文档）。"
            ) from exc
