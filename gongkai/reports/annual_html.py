"""The annual report as HTML: the context of its sections and tables, shared by the office's page
and the body of the report filed in the 政府信息公开年报 column, so both print the same layout."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from gongkai.reports import annual, annual_docx


def body_context(report: dict[str, Any]) -> dict[str, Any]:
    """What staff/reports/annual_body.html needs, from annual.annual_report(...)."""
    return {
        "report": report,
        "three_rows": _three_rows(report),
        "four_columns": annual.REVIEW_COLUMNS,
        "four_values": [
            report["review_litigation"][g][c]
            for g in annual.REVIEW_GROUPS
            for c in annual.REVIEW_COLUMNS
        ],
        "two_tables": _two_tables(report),
        "sections": [
            (report["headings"][0], report["sections"][annual.OVERVIEW]),
            (report["headings"][4], report["sections"][annual.PROBLEMS]),
            (report["headings"][5], report["sections"][annual.OTHER]),
        ],
    }


def body_html(report: dict[str, Any]) -> str:
    """The report's sections and tables as an HTML fragment (a publication's body)."""
    return render_to_string("staff/reports/annual_body.html", body_context(report))


def _two_tables(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "item": spec["item"],
            "columns": spec["columns"],
            "rows": [
                (
                    row,
                    [annual_docx.number(report["proactive"][row][c]) for c in spec["columns"][1:]],
                )
                for row in spec["rows"]
            ],
        }
        for spec in report["proactive_tables"]
    ]


def _three_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    """Section 三's rows with ready-made indentation."""
    return [
        {
            "label": row["label"],
            "level": row["level"],
            "values": list(row["values"].values()) if row["values"] is not None else None,
        }
        for row in report["application_rows"]
    ]
