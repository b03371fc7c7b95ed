"""Forms for invitations, activation and personal API tokens, and how a form shows a service's refusal."""

from collections.abc import Collection

from django import forms
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import Municipality, Role


def add_service_errors(form: forms.Form, exc: ValidationError, *, top: Collection[str] = ()) -> None:
    """A service's field errors beside the fields of the form; the rest (and the fields in ``top``, such
    as a hidden revision) at the top."""
    errors = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
    for field, messages in errors.items():
        form.add_error(field if field in form.fields and field not in top else None, messages)


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mailadres"), widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    full_name = forms.CharField(label=_("Naam"), max_length=150, required=False)
    role = forms.ChoiceField(label=_("Rol"), choices=Role.choices)
    municipality = forms.ModelChoiceField(
        label=_("Gemeente"),
        queryset=Municipality.objects.order_by("name"),
        required=False,
        help_text=_("Alleen voor aanvragers: de gemeente namens wie zij aanvragen."),
        empty_label=_("— geen (ministerie) —"),
    )


class SetPasswordForm(forms.Form):
    password1 = forms.CharField(
        label=_("Nieuw wachtwoord"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validators_help_text_html,
    )
    password2 = forms.CharField(
        label=_("Herhaal het wachtwoord"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") and cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", _("De twee wachtwoorden zijn niet gelijk."))
        return cleaned


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Omschrijving"),
        max_length=100,
        help_text=_("Waarvoor gebruikt u deze sleutel? Bijvoorbeeld 'koppeling zaaksysteem'."),
    )
