"""Print a new personal API token for a user."""

from django.core.management.base import BaseCommand, CommandError

from accounts import services
from accounts.models import User


class Command(BaseCommand):
    help = "Maakt een nieuwe persoonlijke API-sleutel voor een gebruiker en toont die eenmalig."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        parser.add_argument("--name", default="aangemaakt via de beheeropdracht")

    def handle(self, *args, **options):
        user = User.objects.filter(email__iexact=options["email"].strip(), is_active=True).first()
        if user is None:
            raise CommandError(f"Geen actieve gebruiker met e-mailadres {options['email']}.")
        _token, key = services.issue_api_token(user=user, name=options["name"])
        self.stdout.write(key)
