"""Years of the working-day calendar declared by the county disclosure office (ADR 0004).

A declared year replaces the State Council arrangement for that whole year: its days are the
weekend rule plus the rows stored here. Rows change only through
``gongkai.workdays.services.calendar_import``, which replaces a year's rows together and bumps its
``revision`` so every process reloads its cached calendar.
"""

from __future__ import annotations

from django.db import models

from gongkai.core.models import BaseModel

FIRST_YEAR = 2000
LAST_YEAR = 2100


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", "放假"
    WORKDAY = "workday", "上班"


class DeclaredYear(BaseModel):
    """A year whose working days the office declared: weekends rest, weekdays work, unless a
    DeclaredDay of the year says otherwise."""

    year = models.PositiveSmallIntegerField("年度", unique=True)
    revision = models.PositiveIntegerField("导入次数", default=1)
    source_file = models.CharField("来源文件", max_length=255, blank=True)

    class Meta:
        ordering = ["year"]
        verbose_name = "工作日历年度"
        verbose_name_plural = "工作日历年度"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(year__gte=FIRST_YEAR, year__lte=LAST_YEAR),
                name="workdays_declaredyear_year_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}年工作日历"


class DeclaredDay(BaseModel):
    """One exception to the weekend rule in a declared year: a rest day or a make-up working
    day (调休上班)."""

    declared_year = models.ForeignKey(
        DeclaredYear, on_delete=models.CASCADE, related_name="days", verbose_name="年度"
    )
    date = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=8, choices=DayKind.choices)

    class Meta:
        ordering = ["date"]
        verbose_name = "工作日历日期"
        verbose_name_plural = "工作日历日期"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=DayKind.values),
                name="workdays_declaredday_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.get_kind_display()}"
