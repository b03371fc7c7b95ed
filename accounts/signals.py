"""A person's API tokens end when the credentials they were made with change (DESIGN.md §10).

allauth announces every change of password or second factor, from the profile pages and the reset flow;
each of them revokes the person's live tokens through the service, which writes the audit event.
"""

from __future__ import annotations

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals

from accounts import services


def _revoke(reason: str):
    def receiver(sender, request=None, user=None, **kwargs) -> None:
        if user is not None and user.pk:
            services.revoke_all_api_tokens(user=user, reason=reason)

    return receiver


RECEIVERS = {
    account_signals.password_changed: _revoke("password_changed"),
    account_signals.password_set: _revoke("password_set"),
    account_signals.password_reset: _revoke("password_reset"),
    mfa_signals.authenticator_added: _revoke("two_factor_added"),
    mfa_signals.authenticator_removed: _revoke("two_factor_removed"),
    mfa_signals.authenticator_reset: _revoke("two_factor_reset"),
}


def connect() -> None:
    for signal, receiver in RECEIVERS.items():
        signal.connect(receiver, dispatch_uid=f"nplv-revoke-tokens-{id(signal)}")
