"""Admin for schemes, themes and calls: ministry configuration. Schemes, calls and the assessment
configuration of a call are saved and deleted by the same services as in the API (applications.config,
applications.assessment.config), with the same checks and audit events; locked criteria show read-only, and so
does everything in a call's published rules once its window has opened (Awb 4:27)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from accounts.admin_base import AdministratorPermissions, MinistryAdmin, MinistryTabularInline
from applications import config
from applications.assessment import config as assessment_config
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
from applications.published_rules.freeze import RulesFrozen, is_frozen

IN_USE = _("Dit is al in gebruik en kan niet worden verwijderd.")


class ThemeInline(MinistryTabularInline):
    model = Theme
    extra = 1


def _changes(form, obj) -> dict:
    """The plain fields the admin form changed. The form already put them on ``obj``; they go back to what
    the database holds, so the service applies (and audits) the change itself."""
    many = {f.name for f in obj._meta.many_to_many}
    values = {name: form.cleaned_data[name] for name in form.changed_data if name not in many}
    if obj.pk is not None:
        stored = type(obj).objects.get(pk=obj.pk)
        for name in values:
            setattr(obj, name, getattr(stored, name))
    return values


@admin.register(Scheme)
class SchemeAdmin(MinistryAdmin):
    list_display = ["name", "code", "kind"]
    prepopulated_fields = {"code": ["name"]}
    inlines = [ThemeInline]

    def save_model(self, request, obj, form, change):
        config.save_scheme(scheme=obj, values=_changes(form, obj), by=request.user)

    def delete_model(self, request, obj):
        config.delete_scheme(scheme=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for scheme in queryset:
            config.delete_scheme(scheme=scheme, by=request.user)


class RequiredAttachmentInline(MinistryTabularInline):
    model = RequiredAttachment
    extra = 1


def _frozen(call) -> bool:
    return call is not None and call.pk is not None and is_frozen(call)


class AssessmentSettingsInline(AdministratorPermissions, admin.StackedInline):
    model = AssessmentSettings
    can_delete = False
    rule_fields = ["min_reviewer_score", "min_total_points", "need_reference_year"]

    def get_readonly_fields(self, request, obj=None):
        return self.rule_fields if _frozen(obj) else super().get_readonly_fields(request, obj)


class RulesInline(MinistryTabularInline):
    """Rows of the call's published rules: read-only once its window has opened, apart from ``free_fields``."""

    extra = 1
    free_fields: list[str] = []

    def _locked(self, call) -> bool:
        return _frozen(call)

    def get_readonly_fields(self, request, obj=None):
        if self._locked(obj):
            return [name for name in self.get_fields(request, obj) if name not in self.free_fields]
        return super().get_readonly_fields(request, obj)

    def get_extra(self, request, obj=None, **kwargs):
        return 0 if self._locked(obj) else super().get_extra(request, obj, **kwargs)

    def has_add_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_delete_permission(request, obj)


class CriterionInline(RulesInline):
    """Read-only once a review of the call is submitted (the criteria are locked, as in the API), and but for
    the reviewers' guidance once the window has opened."""

    model = Criterion
    fields = ["order", "name", "guidance", "scale_min", "scale_max", "weight", "required"]
    free_fields = ["guidance"]

    def _locked(self, call) -> bool:
        return super()._locked(call) or (
            call is not None and call.pk is not None and assessment_config.criteria_locked(call)
        )

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.pk is not None and assessment_config.criteria_locked(obj):
            return self.fields
        return super().get_readonly_fields(request, obj)


class NeedBandInline(RulesInline):
    model = NeedBand
    fields = ["indicator", "threshold", "points"]


class BonusRuleInline(RulesInline):
    model = BonusRule
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

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "budget", "opens_at"] if _frozen(obj) else fields

    def change_view(self, request, object_id, form_url="", extra_context=None):
        call = self.get_object(request, object_id)
        if request.method == "GET" and _frozen(call):
            messages.info(request, str(RulesFrozen(call)))
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        networks = list(form.cleaned_data["eligible_networks"]) if "eligible_networks" in form.changed_data else None
        config.save_call(call=obj, values=_changes(form, obj), networks=networks, by=request.user)

    def delete_model(self, request, obj):
        config.delete_call(call=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for call in queryset:
            config.delete_call(call=call, by=request.user)

    def save_formset(self, request, form, formset, change):
        if formset.model not in assessment_config.AUDIT_NAMES:
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)
        for row in formset.deleted_objects:
            assessment_config.delete(row=row, by=request.user, in_use_message=IN_USE)
        for row in formset.new_objects:
            values = {name: getattr(row, name) for name in formset.form.base_fields if name not in ("id", "call")}
            blank = formset.model(call=form.instance)
            assessment_config.save(row=blank, values=values, by=request.user)
        for row, fields in formset.changed_objects:
            stored = formset.model.objects.get(pk=row.pk)
            assessment_config.save(row=stored, values={name: getattr(row, name) for name in fields}, by=request.user)
        return None


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
