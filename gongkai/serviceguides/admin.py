"""Django admin for superusers: the life events list only.

Service items change only through the workflow services (gongkai.serviceguides.services), so
versions, audit entries and the published/withdrawn rules hold.
"""

from django.contrib import admin

from gongkai.serviceguides.models import LifeEvent


@admin.register(LifeEvent)
class LifeEventAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "sort_order"]
    search_fields = ["name", "code"]
