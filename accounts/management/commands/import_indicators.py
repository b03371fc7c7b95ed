"""Import indicator values per municipality and year from CSV (idempotent; a bad row changes nothing)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.importers import INDICATOR_COLUMNS, ImportFailed, load_indicator_values


class Command(BaseCommand):
    help = (
        "Importeert indicatorwaarden per gemeente en jaar. Kolommen: "
        + ",".join(INDICATOR_COLUMNS)
        + " (en optioneel source)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--source", default="", help="Bronvermelding voor rijen zonder eigen bron.")
        parser.add_argument("--demo", action="store_true", help="Markeer de waarden als demogegevens.")

    def handle(self, *args, **options):
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(f"Bestand niet gevonden: {path}")
        try:
            report = load_indicator_values(path, path.name, is_demo=options["demo"], source_note=options["source"])
        except ImportFailed as exc:
            raise CommandError(
                "Niets geïmporteerd: het bestand bevat fouten.\n" + "\n".join(f"  - {e}" for e in exc.errors)
            ) from exc
        self.stdout.write(
            f"indicatorwaarden: {report.total} in bestand, {report.created} nieuw, "
            f"{report.updated} bijgewerkt, {report.unchanged} ongewijzigd"
        )
