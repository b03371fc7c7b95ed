"""Admin for reference data and people. The audit trail is visible here but cannot be changed."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.admin_base import MinistryAdmin, MinistryTabularInline
from accounts.models import (
    ApiToken,
    AuditEvent,
    Indicator,
    IndicatorValue,
    Membership,
    Municipality,
    Network,
    User,
)


class MembershipInline(MinistryTabularInline):
    model = Membership
    extra = 0


@admin.register(Municipality)
class MunicipalityAdmin(MinistryAdmin):
    list_display = ["cbs_code", "name", "province", "inhabitants", "inhabitants_year"]
    list_filter = ["province", "memberships__network"]
    search_fields = ["cbs_code", "name"]
    inlines = [MembershipInline]


@admin.register(Network)
class NetworkAdmin(MinistryAdmin):
    list_display = ["code", "name"]


@admin.register(Membership)
class MembershipAdmin(MinistryAdmin):
    list_display = ["municipality", "network", "area_name", "valid_from", "valid_to"]
    list_filter = ["network"]
    search_fields = ["municipality__name", "municipality__cbs_code", "area_name"]
    list_select_related = ["municipality", "network"]


@admin.register(Indicator)
class IndicatorAdmin(MinistryAdmin):
    list_display = ["code", "name", "unit"]


@admin.register(IndicatorValue)
class IndicatorValueAdmin(MinistryAdmin):
    list_display = ["indicator", "municipality", "year", "value", "is_demo"]
    list_filter = ["indicator", "year", "is_demo"]
    search_fields = ["municipality__name", "municipality__cbs_code"]
    list_select_related = ["indicator", "municipality"]


@admin.register(User)
class UserAdmin(MinistryAdmin):
    list_display = ["email", "full_name", "role", "municipality", "is_active", "last_login"]
    list_filter = ["role", "is_active"]
    search_fields = ["email", "full_name"]
    list_select_related = ["municipality"]
    fields = [
        "email",
        "full_name",
        "role",
        "municipality",
        "linked_municipalities",
        "is_active",
        "last_login",
        "date_joined",
        "invited_at",
    ]
    readonly_fields = ["last_login", "date_joined", "invited_at"]
    filter_horizontal = ["linked_municipalities"]

    def has_add_permission(self, request):
        # Accounts are created by invitation (Gebruikers page or invite_user), which sends the link.
        return False

    def has_delete_permission(self, request, obj=None):
        # People are deactivated, never deleted: the audit trail keeps pointing at them.
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(MinistryAdmin):
    list_display = ["user", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
    fields = ["user", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(MinistryAdmin):
    list_display = ["created_at", "actor_label", "verb", "target_repr"]
    list_filter = ["verb"]
    search_fields = ["actor_label", "verb", "target_repr"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "created_at",
        "actor",
        "actor_label",
        "verb",
        "target_type",
        "target_id",
        "target_repr",
        "data",
    ]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        return {}


admin.site.empty_value_display = _("(leeg)")
