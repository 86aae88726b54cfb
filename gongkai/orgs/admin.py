"""Django admin for superusers: the organisation tree and staff accounts.

Day-to-day work goes through gongkai's own pages and services; the admin is the superuser's tool
for setting up units and accounts, and Django records its changes in its own admin log.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from gongkai.orgs.models import Membership, Unit, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["unit"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "full_name", "is_active", "last_login"]
    search_fields = ["username", "full_name"]
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        ("gongkai", {"fields": ["full_name", "must_change_password"]}),
    )


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "kind",
        "parent",
        "sector",
        "supervisor",
        "sort_order",
        "is_active",
    ]
    list_filter = ["kind", "sector", "is_active"]
    search_fields = ["code", "name"]
    # A public enterprise's sector and supervising department (Unit.clean checks them).
    autocomplete_fields = ["parent", "supervisor"]
