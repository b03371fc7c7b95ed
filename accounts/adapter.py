"""allauth adapters: no open sign-up, and a smooth first two-factor enrolment."""

import time

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context

from accounts.models import User
from accounts.permissions import has_two_factor

# allauth records each login in the session under this key, with its time.
AUTHENTICATION_RECORDS_KEY = "account_authentication_methods"
FRESH_LOGIN_SECONDS = 300


class PortalAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # Administrators invite people; nobody signs up on their own.
        return False

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """A ministry user who just logged in with a password is sent straight to set up two-factor
        authentication; asking for the same password again there helps nobody. Any later change to
        the authenticator still requires reauthentication."""
        request = context.request
        if app == "allauth.mfa" and request is not None and request.user.is_authenticated:
            records = request.session.get(AUTHENTICATION_RECORDS_KEY) or []
            fresh = bool(records) and time.time() - float(records[-1].get("at", 0)) < FRESH_LOGIN_SECONDS
            if fresh and not has_two_factor(request.user):
                return False
        return super().is_reauthentication_required(app=app, **kwargs)


try:
    from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
except ImportError:  # pragma: no cover - only without allauth.socialaccount
    DefaultSocialAccountAdapter = object


class PortalSocialAccountAdapter(DefaultSocialAccountAdapter):
    """Single sign-on logs in people who were invited; it never creates accounts."""

    def is_open_for_signup(self, request, sociallogin) -> bool:
        return False

    def pre_social_login(self, request, sociallogin) -> None:
        email = (sociallogin.user.email or "").lower()
        if not sociallogin.is_existing and email:
            user = User.objects.filter(email=email, is_active=True).first()
            if user is not None:
                sociallogin.connect(request, user)
