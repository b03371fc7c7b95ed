"""Allocation policies and runs in the admin: to look up, not to edit. A policy is edited on its page
(Verdelen en besluiten → Verdeelbeleid wijzigen) and through the API, both through the one service that
checks it; runs, lines and decisions only change through their services."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.admin_base import AdministratorPermissions
from allocations.runs.models import AllocationPolicy, AllocationRun, AreaReservation, Decision, PolicyPot


class ReadOnly(AdministratorPermissions):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PotInline(ReadOnly, admin.TabularInline):
    model = PolicyPot
    fields = ["order", "name", "budget", "network", "spill_to"]
    extra = 0


class ReservationInline(ReadOnly, admin.TabularInline):
    model = AreaReservation
    fields = ["municipality", "area_name", "amount"]
    extra = 0


@admin.register(AllocationPolicy)
class AllocationPolicyAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["call", "method", "reserve", "cap_amount", "cap_pct", "revision", "edit_link"]
    list_select_related = ["call"]
    inlines = [PotInline, ReservationInline]
    readonly_fields = ["edit_link"]

    @admin.display(description=_("wijzigen"))
    def edit_link(self, policy):
        return format_html(
            '<a href="{}">{}</a>', reverse("allocation_policy", args=[policy.call_id]), _("Verdeelbeleid wijzigen")
        )


@admin.register(AllocationRun)
class AllocationRunAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["__str__", "status", "method", "total_awarded", "funded_count", "started_by", "approved_by"]
    list_filter = ["status", "method"]
    list_select_related = ["call", "started_by", "approved_by"]
    exclude = ["parameters", "pot_totals"]


@admin.register(Decision)
class DecisionAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["number", "application", "outcome", "amount", "decided_at"]
    list_filter = ["outcome"]
    list_select_related = ["application"]
    search_fields = ["number", "application__reference"]
