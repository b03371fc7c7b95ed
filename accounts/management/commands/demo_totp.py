"""Print the current two-factor code of a demo account, so the demo works without an authenticator app."""

import pyotp
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.demo import DEMO_DOMAIN, demo_totp_secret


class Command(BaseCommand):
    help = "Toont de actuele tweestapscode van een demo-account (alleen met DEMO=true)."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, **options):
        email = options["email"].strip().lower()
        if not settings.DEMO:
            raise CommandError("Alleen beschikbaar met DEMO=true.")
        if not email.endswith("@" + DEMO_DOMAIN):
            raise CommandError(f"Alleen voor demo-accounts (@{DEMO_DOMAIN}).")
        self.stdout.write(pyotp.TOTP(demo_totp_secret(email)).now())
