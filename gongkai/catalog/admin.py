"""Django admin for superusers: domains and guideline templates (the office's standard).

Units' catalogs are not editable here: they change only through the workflow services.
"""

from django.contrib import admin

from gongkai.catalog.models import Domain, GuidelineItem


class GuidelineItemInline(admin.StackedInline):
    model = GuidelineItem
    extra = 0


@admin.register(Domain)
class DomainAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "sort_order"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]
    filter_horizontal = ["lead_units"]
    inlines = [GuidelineItemInline]
