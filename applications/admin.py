"""Admin for schemes, themes and calls: ministry configuration."""

from django.contrib import admin

from accounts.admin_base import AdministratorPermissions, MinistryAdmin, MinistryTabularInline
from applications.models import (
    Application,
    AssessmentSettings,
    BonusRule,
    Call,
    Criterion,
    NeedBand,
    RequiredAttachment,
    Scheme,
    Theme,
)


class ThemeInline(MinistryTabularInline):
    model = Theme
    extra = 1


@admin.register(Scheme)
class SchemeAdmin(MinistryAdmin):
    list_display = ["name", "code", "kind"]
    prepopulated_fields = {"code": ["name"]}
    inlines = [ThemeInline]


class RequiredAttachmentInline(MinistryTabularInline):
    model = RequiredAttachment
    extra = 1


class AssessmentSettingsInline(AdministratorPermissions, admin.StackedInline):
    model = AssessmentSettings
    can_delete = False


class CriterionInline(MinistryTabularInline):
    model = Criterion
    extra = 1
    fields = ["order", "name", "guidance", "scale_min", "scale_max", "weight", "required"]


class NeedBandInline(MinistryTabularInline):
    model = NeedBand
    extra = 1


class BonusRuleInline(MinistryTabularInline):
    model = BonusRule
    extra = 1
    fields = ["kind", "network", "label", "points", "min_reviewer_score"]


@admin.register(Call)
class CallAdmin(MinistryAdmin):
    inlines = [
        RequiredAttachmentInline,
        AssessmentSettingsInline,
        CriterionInline,
        NeedBandInline,
        BonusRuleInline,
    ]
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
    readonly_fields = [f.name for f in Application._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Applications change only through the portal's services, which check and audit every step.
        return False

    def has_delete_permission(self, request, obj=None):
        return False
