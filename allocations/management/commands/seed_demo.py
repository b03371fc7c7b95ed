"""Create demo accounts, schemes, calls and labelled demo indicator values, and print the accounts."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from accounts.demo import DEMO_PASSWORD, seed_accounts, seed_demo_addresses, seed_indicator_values
from accounts.models import Municipality
from allocations.money.demo import seed_after_award
from allocations.objections.demo import seed_objections
from allocations.runs.demo import seed_allocation_calls
from applications.demo import seed_applications, seed_assessment, seed_schemes_and_calls, seed_upcoming_call
from applications.tasks import queue_missing_copies


class Command(BaseCommand):
    help = "Vult het portaal met demogegevens en toont de demo-accounts (alleen met DEMO=true)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Ook zonder DEMO=true (nooit in productie).")
        parser.add_argument("--quiet-accounts", action="store_true", help="Toon de accounts niet.")

    def handle(self, *args, **options):
        if not (settings.DEMO or options["force"]):
            raise CommandError(
                "seed_demo maakt accounts met bekende wachtwoorden en draait daarom alleen met DEMO=true (of --force)."
            )
        if not Municipality.objects.exists():
            call_command("load_reference_data", stdout=self.stdout)
        accounts = seed_accounts()
        values = seed_indicator_values()
        seed_demo_addresses()
        calls = seed_schemes_and_calls()
        seed_upcoming_call()
        applications = seed_applications()
        assignments = seed_assessment()
        to_divide = seed_allocation_calls()
        objections = seed_objections()
        after_award = seed_after_award()
        # The reviewed applications of the calls to divide are written in bulk, not submitted one by one: their
        # PDF copies are queued here (made in-process in the embedded default, by the worker with a broker).
        copies = queue_missing_copies()
        self.stdout.write(
            f"Demogegevens: {len(calls)} open aanvraagrondes en één die binnenkort opent, "
            f"{applications} nieuwe demo-aanvragen, "
            f"{assignments} nieuwe toewijzingen aan beoordelaars, {values} nieuwe demo-indicatorwaarden, "
            f"{len(to_divide)} rondes klaar om te verdelen, {len(objections)} bezwaren in elke stand, "
            f"{len(after_award)} nieuwe rondes na de toekenning (termijnen, verantwoording, vaststelling, "
            f"te laat verslag), "
            f"{copies} PDF-kopieën van ingediende aanvragen te maken."
        )
        if options["quiet_accounts"]:
            return
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Demo-accounts (wachtwoord voor allemaal: {DEMO_PASSWORD})"))
        self.stdout.write(f"  {'rol':<26} {'e-mailadres':<40} {'gemeente':<12} TOTP-geheim (tweestapsverificatie)")
        for user, secret in accounts:
            municipality = user.municipality.name if user.municipality_id else "-"
            self.stdout.write(f"  {user.get_role_display():<26} {user.email:<40} {municipality:<12} {secret or '-'}")
        self.stdout.write(
            "  Ministerieaccounts vragen na het wachtwoord een code uit een authenticator-app met het geheim "
            "hierboven,\n  of toon de actuele code met: .venv/bin/python manage.py demo_totp <e-mailadres>"
        )
