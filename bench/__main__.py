"""Run every benchmark and print a summary; results are written to bench/results/<name>.json."""

from __future__ import annotations

import os

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from bench import (
        annual_report,
        attachments,
        audit_verify,
        backup,
        catalog_excel,
        clock_bench,
        dashboard,
        handbook,
        ledger,
        letter_render,
        monitoring,
        monthly_report,
        portal,
        publications_import,
        register_import,
        serve,
        serviceguides_excel,
        targets,
        textcheck_bench,
        textcheck_corpus,
        topics,
    )

    annual_report.main()
    attachments.main()
    audit_verify.main()  # 1,000,000 audit entries, a few minutes to fill
    backup.main()
    catalog_excel.main()
    clock_bench.main()
    dashboard.main()
    handbook.main()
    ledger.main()
    letter_render.main()
    monitoring.main()
    monthly_report.main()
    publications_import.main()
    register_import.main()
    serve.main()
    serviceguides_excel.main()
    topics.main()  # 200,000 items; a topic page, its sections and 检索 within it
    portal.main()  # the province: 1,000,000 items, about an hour to fill and index
    textcheck_bench.main()
    targets.main()  # every issue-10 target with its figure and ratio
    textcheck_corpus.main()  # last: exits 1 when wrong words fire too often on real text


if __name__ == "__main__":
    main()
