"""Run every benchmark and print a summary; results are written to bench/results/<name>.json."""

from __future__ import annotations

import os

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from bench import (
        annual_report,
        catalog_excel,
        clock_bench,
        dashboard,
        ledger,
        monitoring,
        monthly_report,
        publications_import,
        textcheck_bench,
        textcheck_corpus,
    )

    annual_report.main()
    catalog_excel.main()
    clock_bench.main()
    dashboard.main()
    ledger.main()
    monitoring.main()
    monthly_report.main()
    publications_import.main()
    textcheck_bench.main()
    textcheck_corpus.main()  # last: exits 1 when wrong words fire too often on real text


if __name__ == "__main__":
    main()
