"""The admin is a configuration tool for administrators (with 2FA, enforced by middleware)."""

from django.contrib import admin

from accounts import audit
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
    """Configuration changes made in the admin are written to the audit trail as well."""

    def save_model(self, request, obj, form, change):
        changed = {name: form.cleaned_data.get(name) for name in form.changed_data}
        super().save_model(request, obj, form, change)
        audit.record(
            actor=request.user,
            verb=f"admin.{obj._meta.model_name}.{'changed' if change else 'added'}",
            target=obj,
            after={
                name: str(value) if hasattr(value, "pk") else value
                for name, value in changed.items()
                if not hasattr(value, "__iter__") or isinstance(value, str)
            },
        )

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        parent = form.instance
        for obj in formset.new_objects:
            audit.record(
                actor=request.user,
                verb=f"admin.{obj._meta.model_name}.added",
                target=parent,
                data={"item": str(obj)},
            )
        for obj, fields in formset.changed_objects:
            audit.record(
                actor=request.user,
                verb=f"admin.{obj._meta.model_name}.changed",
                target=parent,
                data={"item": str(obj), "fields": list(fields)},
            )
        for obj in formset.deleted_objects:
            audit.record(
                actor=request.user,
                verb=f"admin.{obj._meta.model_name}.deleted",
                target=parent,
                data={"item": str(obj)},
            )

    def delete_model(self, request, obj):
        audit.record(actor=request.user, verb=f"admin.{obj._meta.model_name}.deleted", target=obj)
        super().delete_model(request, obj)


class MinistryTabularInline(AdministratorPermissions, admin.TabularInline):
    pass


def site_has_permission(request) -> bool:
    return is_administrator(request.user)
