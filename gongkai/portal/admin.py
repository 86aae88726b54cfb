"""Django admin for superusers: the site's settings and the error reports, to read.

Both change only through the office's pages (gongkai.portal.staff_views), which check the role
and write the audit log; the admin shows them without letting anyone edit around that."""

from django.contrib import admin
from django.http import HttpRequest

from gongkai.portal.models import ErrorReport, SiteSettings


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(SiteSettings)
class SiteSettingsAdmin(ReadOnlyAdmin):
    list_display = ["sponsor", "site_code", "icp_number", "police_number", "updated_at"]


@admin.register(ErrorReport)
class ErrorReportAdmin(ReadOnlyAdmin):
    list_display = ["receipt_no", "kind", "status", "created_at", "handled_at"]
    list_filter = ["status", "kind"]
    search_fields = ["receipt_no", "page_url"]
