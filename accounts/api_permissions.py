"""API permissions: logged in (ministry roles with two-factor authentication), and limited to roles."""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from accounts.models import Role
from accounts.permissions import needs_two_factor_setup

READ_METHODS = ("GET", "HEAD", "OPTIONS")


class PortalAccess(BasePermission):
    message = _("U moet ingelogd zijn.")

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        if needs_two_factor_setup(user):
            self.message = _(
                "Tweestapsverificatie is verplicht voor medewerkers van het ministerie. "
                "Stel eerst een authenticator-app in."
            )
            return False
        return True


class RolePermission(PortalAccess):
    """Limit an endpoint to some roles; other roles get a 403 (DESIGN.md §10)."""

    roles: tuple[str, ...] = ()

    def has_permission(self, request, view) -> bool:
        if not super().has_permission(request, view):
            return False
        if request.user.role not in self.roles:
            self.message = _("Uw rol heeft geen toegang tot dit onderdeel.")
            return False
        return True


def roles_permission(*roles: str) -> type[RolePermission]:
    return type("RolePermission_" + "_".join(roles), (RolePermission,), {"roles": roles})


OfficersOnly = roles_permission(Role.OFFICER)
ReviewersOnly = roles_permission(Role.REVIEWER)
AdministratorsOnly = roles_permission(Role.ADMINISTRATOR)
MinistryOnly = roles_permission(Role.REVIEWER, Role.ADMINISTRATOR)
