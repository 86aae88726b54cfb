"""Run every benchmark and print a summary; results are written to bench/results/<name>.json."""

from __future__ import annotations

import os

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from bench import annual_report, catalog_excel, clock_bench, textcheck_bench

    annual_report.main()
    catalog_excel.main()
    clock_bench.main()
    textcheck_bench.main()


if __name__ == "__main__":
    main()
