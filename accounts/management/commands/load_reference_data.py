"""Load municipalities and network memberships (idempotent; a bad row changes nothing)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.importers import (
    ImportFailed,
    ensure_indicators,
    ensure_networks,
    load_memberships,
    load_municipalities,
)


class Command(BaseCommand):
    help = "Laadt gemeenten (CBS) en lidmaatschappen van netwerken (NPLV, M50, New Town Alliantie)."

    def add_arguments(self, parser):
        data = Path(settings.REFERENCE_DATA_DIR)
        parser.add_argument("--municipalities", type=Path, default=data / "municipalities.csv")
        parser.add_argument("--memberships", type=Path, default=data / "memberships.csv")

    def handle(self, *args, **options):
        for key in ("municipalities", "memberships"):
            if not options[key].is_file():
                raise CommandError(f"Bestand niet gevonden: {options[key]}")
        try:
            with transaction.atomic():
                ensure_networks()
                ensure_indicators()
                municipalities = load_municipalities(options["municipalities"], options["municipalities"].name)
                memberships = load_memberships(options["memberships"], options["memberships"].name)
        except ImportFailed as exc:
            raise CommandError(
                "Niets geladen: het bestand bevat fouten.\n" + "\n".join(f"  - {e}" for e in exc.errors)
            ) from exc
        for label, report in (("gemeenten", municipalities), ("lidmaatschappen", memberships)):
            self.stdout.write(
                f"{label}: {report.total} in bestand, {report.created} nieuw, "
                f"{report.updated} bijgewerkt, {report.unchanged} ongewijzigd"
            )
