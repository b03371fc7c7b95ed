"""The admin is a configuration tool for administrators (with 2FA, enforced by middleware)."""

from django.contrib import admin

from accounts.permissions import is_administrator


class AdministratorPermissions:
    """Grant admin rights to the administrator role instead of per-model permissions."""

    def has_module_permission(self, request):
        return is_administrator(request.user)

    def has_view_permission(self, request, obj=None):
        return is_administrator(request.user)

    def has_add_permission(self, request, obj=None):
        return is_administrator(request.user)

    def has_change_permission(self, request, obj=None):
        return is_administrator(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_administrator(request.user)


class MinistryAdmin(AdministratorPermissions, admin.ModelAdmin):
    pass


class MinistryTabularInline(AdministratorPermissions, admin.TabularInline):
    pass


def site_has_permission(request) -> bool:
    return is_administrator(request.user)
