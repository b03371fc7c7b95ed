"""State changes for people: invitations, activation and personal API tokens.

Every function is keyword-only, checks the rule, validates, writes and records an audit event.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from accounts import audit
from accounts.models import ApiToken, Municipality, Role, User
from accounts.permissions import can_invite_users, require
from accounts.sites import absolute_url, site_url


def invitation_link(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return absolute_url(reverse("accept_invitation", kwargs={"uidb64": uid, "token": token}))


def invite_user(
    *,
    email: str,
    role: str,
    by: User | None,
    municipality: Municipality | None = None,
    full_name: str = "",
    password: str | None = None,
    send_email: bool = True,
) -> tuple[User, str]:
    """Create an account and return it with its invitation link.

    ``by`` is None only for operator commands on the server itself. With ``password`` the account is
    active at once (scripted set-ups); otherwise the person sets a password through the link.
    """
    if by is not None:
        require(can_invite_users(by))
    email = (email or "").strip().lower()
    errors: dict[str, list[str]] = {}
    if role not in Role.values:
        errors["role"] = [_("Kies een geldige rol: aanvrager, beoordelaar of beheerder.")]
    if role == Role.OFFICER and municipality is None:
        errors["municipality"] = [_("Een aanvrager hoort bij een gemeente; kies de gemeente.")]
    if role in (Role.REVIEWER, Role.ADMINISTRATOR) and municipality is not None:
        errors["municipality"] = [_("Ministeriemedewerkers horen niet bij een gemeente.")]
    if User.objects.filter(email__iexact=email).exists():
        errors["email"] = [_("Er bestaat al een account met dit e-mailadres.")]
    if errors:
        raise ValidationError(errors)
    user = User(email=email, role=role, municipality=municipality, full_name=full_name)
    if password:
        validate_password(password, user)
    user.full_clean(exclude=["password"])
    with transaction.atomic():
        user.invited_at = timezone.now()
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
        link = invitation_link(user)
        audit.record(
            actor=by,
            verb="user.invited",
            target=user,
            data={
                "role": role,
                "municipality": municipality.cbs_code if municipality else None,
                "active_with_password": bool(password),
            },
        )
        if send_email and not password:
            context = {"user": user, "link": link, "invited_by": by, "site_url": site_url()}
            send_mail(
                subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX
                + render_to_string("accounts/email/invitation_subject.txt", context).strip(),
                message=render_to_string("accounts/email/invitation_body.txt", context),
                from_email=None,
                recipient_list=[user.email],
            )
    return user, link


def accept_invitation(*, user: User, password: str) -> User:
    validate_password(password, user)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        user.set_password(password)
        user.save(update_fields=["password"])
        audit.record(actor=user, verb="user.activated", target=user)
    return user


def issue_api_token(*, user: User, name: str, by: User | None = None) -> tuple[ApiToken, str]:
    """Create a personal token; the plain key is returned once and never stored."""
    if by is not None:
        require(by.pk == user.pk)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": [_("Geef de sleutel een omschrijving, bijvoorbeeld 'koppeling zaaksysteem'.")]})
    if len(name) > 100:
        raise ValidationError({"name": [_("De omschrijving is te lang (maximaal 100 tekens).")]})
    key = "nplv_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(user=user, name=name, prefix=key[:8], key_hash=ApiToken.hash_key(key))
        audit.record(actor=by or user, verb="api_token.issued", target=user, data={"token": token.prefix, "name": name})
    return token, key


def revoke_all_api_tokens(*, user: User, reason: str, by: User | None = None) -> int:
    """Revoke every live token of a person, e.g. when their password or second factor changes: whoever
    had the old credentials must not keep API access through a token made with them."""
    with transaction.atomic():
        prefixes = list(
            ApiToken.objects.select_for_update()
            .filter(user=user, revoked_at__isnull=True)
            .values_list("prefix", flat=True)
        )
        if not prefixes:
            return 0
        ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
        audit.record(
            actor=by or user,
            verb="api_token.revoked_all",
            target=user,
            data={"tokens": prefixes, "reason": reason},
        )
    return len(prefixes)


def enrol_totp(*, user: User, secret: str, by: User | None = None) -> None:
    """Enrol an authenticator app with a known secret, for scripted set-ups of ministry accounts
    (``invite_user --totp-secret``): the account's API token then works without a browser."""
    import base64
    import binascii

    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    secret = (secret or "").strip().replace(" ", "").upper()
    try:
        valid = len(base64.b32decode(secret + "=" * (-len(secret) % 8))) >= 10
    except (binascii.Error, ValueError):
        valid = False
    if not valid:
        raise ValidationError(
            {"totp_secret": [_("Het TOTP-geheim moet Base32 zijn en minstens 16 tekens lang (80 bits).")]}
        )
    if not user.is_ministry:
        raise ValidationError({"totp_secret": [_("Alleen ministeriemedewerkers gebruiken tweestapsverificatie.")]})
    with transaction.atomic():
        if Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            raise ValidationError({"totp_secret": [_("Dit account heeft al een authenticator-app.")]})
        TOTP.activate(user, secret)
        audit.record(actor=by, verb="user.totp_enrolled", target=user)


def revoke_api_token(*, token: ApiToken, by: User) -> ApiToken:
    require(token.user_id == by.pk, not_found=True)
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            audit.record(actor=by, verb="api_token.revoked", target=by, data={"token": token.prefix})
    return token
