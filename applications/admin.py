"""Admin for schemes, themes and calls: ministry configuration."""

from django.contrib import admin

from accounts.admin_base import MinistryAdmin, MinistryTabularInline
from applications.models import Application, Call, Scheme, Theme


class ThemeInline(MinistryTabularInline):
    model = Theme
    extra = 1


@admin.register(Scheme)
class SchemeAdmin(MinistryAdmin):
    list_display = ["name", "code", "kind"]
    prepopulated_fields = {"code": ["name"]}
    inlines = [ThemeInline]


@admin.register(Call)
class CallAdmin(MinistryAdmin):
    list_display = ["title", "scheme", "opens_at", "closes_at", "budget", "is_published"]
    list_filter = ["scheme", "is_published"]
    prepopulated_fields = {"code": ["title"]}
    filter_horizontal = ["eligible_networks"]
    list_select_related = ["scheme"]


@admin.register(Application)
class ApplicationAdmin(MinistryAdmin):
    list_display = ["reference", "title", "municipality", "call", "status", "requested_amount"]
    list_filter = ["status", "call"]
    search_fields = ["reference", "title", "municipality__name"]
    list_select_related = ["municipality", "call"]
    readonly_fields = ["status", "submitted_at", "created_by", "updated_by"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
