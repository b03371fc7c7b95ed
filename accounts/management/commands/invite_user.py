"""Invite a user and print the invitation link; with --password the account is active at once."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts import services
from accounts.models import Municipality, Role


class Command(BaseCommand):
    help = "Nodigt een gebruiker uit en toont de uitnodigingslink."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--municipality", help="CBS-code, verplicht voor de rol officer (bijv. GM0363)")
        parser.add_argument("--name", default="", help="Volledige naam")
        parser.add_argument("--password", help="Maak direct een actief account met dit wachtwoord")
        parser.add_argument(
            "--totp-secret",
            help="Base32-geheim: richt voor een ministerieaccount (met --password) direct een authenticator-app in",
        )

    def handle(self, *args, **options):
        if options["totp_secret"] and not options["password"]:
            raise CommandError("--totp-secret werkt alleen samen met --password (een direct actief account).")
        municipality = None
        if options["municipality"]:
            municipality = Municipality.objects.filter(cbs_code=options["municipality"].upper()).first()
            if municipality is None:
                raise CommandError(
                    f"Gemeente {options['municipality']} bestaat niet. Laad eerst de referentiedata "
                    "(manage.py load_reference_data)."
                )
        try:
            with transaction.atomic():
                user, link = services.invite_user(
                    email=options["email"],
                    role=options["role"],
                    municipality=municipality,
                    full_name=options["name"],
                    password=options["password"],
                    by=None,
                )
                if options["totp_secret"]:
                    services.enrol_totp(user=user, secret=options["totp_secret"], by=None)
        except ValidationError as exc:
            messages = [f"{field}: {' '.join(errs)}" for field, errs in exc.message_dict.items()]
            raise CommandError("Niet uitgenodigd: " + "; ".join(messages)) from exc
        if options["password"]:
            self.stdout.write(f"Account aangemaakt en actief: {user.email} ({user.get_role_display()})")
            if options["totp_secret"]:
                self.stdout.write("Authenticator-app ingericht met het opgegeven TOTP-geheim.")
        else:
            self.stdout.write(f"Uitnodiging verstuurd naar {user.email} ({user.get_role_display()}).")
        self.stdout.write(link)
