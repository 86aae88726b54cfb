"""The sizes behind the attachment limits (issue 12): what real-sized Word and Excel attachments
unpack to, how much text they hold, and how long and how much memory reading them takes.

Documents: a 300-page notice (the five seed documents' text repeated to about 170,000 characters, a
heading and 40 paragraphs a page, header and page-number footer as offices set them); a list of
5,000 people as a Word table (name, ID, village, amount: a 惠农补贴 list); the same list as an
.xlsx; the largest such lists near the text cap (25,000 and 30,000 rows); and the bomb the tests
use (a 200 MB docx, refused from its zip directory). max_rss_mb includes building the files.
Run: ``python -m bench.attachments``.
"""

from __future__ import annotations

import contextlib
import io
import os
import resource
import time
import tracemalloc
import zipfile
from pathlib import Path
from typing import Any

import django

SEEDS = Path(__file__).resolve().parent.parent / "gongkai" / "demo" / "data" / "seeds"


def _sizes(data: bytes) -> dict[str, Any]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
    xml = sum(i.file_size for i in infos if i.filename.endswith((".xml", ".rels")))
    return {
        "packed_kb": round(len(data) / 1024, 1),
        "unpacked_mb": round(sum(i.file_size for i in infos) / 1048576, 2),
        "xml_mb": round(xml / 1048576, 2),
        "max_ratio": round(max(i.file_size / max(i.compress_size, 1) for i in infos), 1),
    }


def _measure(read: Any, data: bytes) -> dict[str, Any]:
    """Read ``data`` once for the time, once more under tracemalloc for Python's peak memory
    (lxml's own allocations are not traced; the process's max RSS is reported at the end)."""
    started = time.perf_counter()
    try:
        text = read(data)
        outcome = f"{len(text)} characters"
    except ValueError as exc:
        outcome = f"refused: {getattr(exc, 'message', exc)}"
    seconds = time.perf_counter() - started
    tracemalloc.start()
    with contextlib.suppress(ValueError):
        read(data)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {
        **_sizes(data),
        "read_s": round(seconds, 3),
        "python_peak_mb": round(peak / 1048576, 1),
        "outcome": outcome,
    }


def notice(pages: int = 300) -> bytes:
    import docx

    source = "".join(p.read_text() for p in sorted(SEEDS.glob("*.txt")))
    lines = [line for line in source.splitlines() if line.strip()]
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "某某县人民政府办公室文件"
    document.sections[0].footer.paragraphs[0].text = "— 1 —"
    n = 0
    for page in range(pages):
        document.add_heading(f"第{page + 1}部分", level=2)
        for _ in range(40):
            document.add_paragraph(lines[n % len(lines)][:22])
            n += 1
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def people(rows: int = 5000) -> list[list[object]]:
    return [
        [f"张{n:04d}", f"3607351985{n % 12 + 1:02d}{n % 28 + 1:02d}1233", f"第{n % 30}村", 1200.5]
        for n in range(rows)
    ]


def word_table(rows: int = 5000) -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("2024年惠农补贴发放名单")
    table = document.add_table(rows=0, cols=4)
    for row in people(rows):
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = str(value)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from bench.database import write_results
    from gongkai.publications import files
    from gongkai.textcheck import documents
    from tests.fixtures import attachment_files

    def attach(name: str) -> Any:
        def check(data: bytes) -> str:
            result = files.check_upload(name, data, max_bytes=50 * 1048576)
            if result.kind is None:
                raise ValueError(result.problem)
            return result.text

        return check

    results = {
        "limits": {
            "max_unpacked_mb": 64,
            "max_xml_mb": documents.MAX_XML_BYTES // 1048576,
            "max_text_chars": documents.MAX_TEXT_CHARS,
        },
        "notice_300_pages_docx": _measure(attach("通知.docx"), notice()),
        "list_5000_people_docx": _measure(attach("名单.docx"), word_table()),
        "list_5000_people_xlsx": _measure(attach("名单.xlsx"), attachment_files.sheet(people())),
        # The largest accepted: near the text cap (1,000,000 characters) and the XML budget.
        "list_25000_people_docx": _measure(attach("名单.docx"), word_table(25000)),
        "list_30000_people_xlsx": _measure(
            attach("名单.xlsx"), attachment_files.sheet(people(30000))
        ),
        "bomb_200mb_docx": _measure(attach("炸弹.docx"), attachment_files.word_bomb()),
    }
    results["max_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    for name, figures in results.items():
        print(name, figures)
    write_results("attachments", results)


if __name__ == "__main__":
    main()
