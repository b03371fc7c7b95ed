"""Forms for invitations, activation and personal API tokens."""

from django import forms
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.utils.translation import gettext_lazy as _

from accounts.models import Municipality, Role


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
