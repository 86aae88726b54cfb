"""Django admin for superusers: public participation, to read.

Everything changes only through gongkai.participation.services (the staff pages), which check
who may and write the audit log; comments are never deleted, so the admin cannot delete either.
"""

from django.contrib import admin
from django.http import HttpRequest

from gongkai.participation.models import Comment, Consultation, Decision, Matter, Meeting


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ["year", "number", "matter", "unit", "planned_time", "hearing", "status"]
    list_filter = ["year", "status"]


@admin.register(Consultation)
class ConsultationAdmin(ReadOnlyAdmin):
    list_display = ["title", "unit", "opens_on", "closes_on", "status"]
    list_filter = ["status"]


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ["consultation", "state", "adoption", "created_at"]
    list_filter = ["state", "adoption"]


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ["title", "held_on"]


@admin.register(Matter)
class MatterAdmin(ReadOnlyAdmin):
    list_display = ["title", "unit", "ways", "is_active"]
