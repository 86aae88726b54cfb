"""Django admin for superusers: the office's declared calendar years, read-only.

The calendar changes only through ``gongkai workdays import`` (services.calendar_import), which
replaces a year whole, writes the audit log and makes every process reload the calendar.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from gongkai.workdays.models import DeclaredDay, DeclaredYear


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class DeclaredDayInline(admin.TabularInline):
    model = DeclaredDay
    fields = ["date", "kind"]
    readonly_fields = ["date", "kind"]
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(DeclaredYear)
class DeclaredYearAdmin(ReadOnlyAdmin):
    list_display = ["year", "revision", "source_file", "updated_at"]
    inlines = [DeclaredDayInline]
