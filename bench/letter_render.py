"""What the limits on office letter templates cost (issue 12): one letter rendered with Jinja's
plain sandbox, with LimitedEnvironment, and with LimitedEnvironment in a forked child
(render_isolated), plus the time to refuse each known hostile template.

`python -m bench.letter_render`; no database is touched (the samples are made-up facts).
"""

from __future__ import annotations

import io
import os
import resource
import statistics
import time
from collections.abc import Callable
from typing import Any

import django

REPEATS = 30


def _median_ms(action: Callable[[], object], repeats: int = REPEATS) -> float:
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return round(statistics.median(timings) * 1000, 2)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from docxtpl import DocxTemplate  # type: ignore[import-untyped]
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    from bench.database import write_results
    from gongkai.applications import letters
    from gongkai.applications.letter_sandbox import LimitExceeded

    kind = "reply_grant"
    template = letters.builtin_template_bytes(kind)
    context: dict[str, Any] = letters.sample_letter_context(kind)

    def plain() -> bytes:
        document = DocxTemplate(io.BytesIO(template))
        environment = SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)
        document.render(context, jinja_env=environment)
        out = io.BytesIO()
        document.save(out)
        return out.getvalue()

    results: dict[str, Any] = {
        "letter": kind,
        "plain_sandbox_ms": _median_ms(plain),
        "limited_in_process_ms": _median_ms(
            lambda: letters._render(template, context, isolated=False)
        ),
        "limited_in_child_ms": _median_ms(
            lambda: letters._render(template, context, isolated=True)
        ),
        "samples_at_upload": len(letters._sample_facts("reply_refuse")),
    }
    refuse = letters.builtin_template_bytes("reply_refuse")
    contexts = [
        letters._context(f, kind="reply_refuse", on=on)
        for f, on in letters._sample_facts("reply_refuse")
    ]
    # The upload check: every sample in one child (letters._try_samples).
    results["upload_check_reply_refuse_ms"] = _median_ms(
        lambda: letters._try_samples(refuse, contexts), repeats=5
    )
    import docx

    def docx_with(source: str) -> bytes:
        document = docx.Document()
        document.add_paragraph(source)
        out = io.BytesIO()
        document.save(out)
        return out.getvalue()

    hostile = {
        "nested_range": "{% for a in range(100000) %}{% for b in range(100000) %}x{% endfor %}"
        "{% endfor %}",
        "nested_range_10000": "{% for a in range(10000) %}{% for b in range(10000) %}"
        "{% endfor %}{% endfor %}",
        "repeat_3e9": "{{ 'x'*3000000000 }}",
        "percent_width": "{{ '%0999999999d' % 1 }}",
        "center_filter": "{{ 'x'|center(999999999) }}",
        "indent_lines": "{{ ('x\\n'*50000)|indent(1000) }}",
        "join_trick": "{{ range(10000)|join('x'*100000) }}",
        "format_method": "{{ '{:>999999999}'.format(1) }}",
        "output_cap": "{% for a in range(10000) %}{% for b in range(9) %}{{ 'x'*100000 }}"
        "{% endfor %}{% endfor %}",
    }
    for name, source in hostile.items():
        data = docx_with(source)
        started = time.perf_counter()
        try:
            letters._render(data, context, isolated=True)
            outcome = "rendered"
        except LimitExceeded as exc:
            outcome = exc.reason
        results[f"refuse_{name}"] = {
            "ms": round((time.perf_counter() - started) * 1000, 1),
            "outcome": outcome,
        }
    results["children_max_rss_mb"] = round(
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1
    )
    results["parent_max_rss_mb"] = round(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1
    )
    write_results("letter_render", results)
    for key, value in results.items():
        print(f"{key}: {value}")


if __name__ == "__main__":
    main()
