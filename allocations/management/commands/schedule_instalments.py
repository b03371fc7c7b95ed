"""Store the instalments of awards whose letters were sent before the portal made them on sending.

Sending a batch makes the instalments of its awards itself; this command is for decisions sent earlier, and
it is idempotent: a decision that has its instalments gets none again, so it can run any number of times.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from allocations.payments.services import schedule_instalments
from allocations.runs.models import Decision


class Command(BaseCommand):
    help = "Maak de betaaltermijnen van verzonden toekenningen die ze nog niet hebben (idempotent)."

    def handle(self, *args, **options) -> None:
        decisions = Decision.objects.filter(sent_at__isnull=False, amount__gt=0, instalments__isnull=True)
        with transaction.atomic():
            made = schedule_instalments(decisions=list(decisions), by=None)
        self.stdout.write(f"{made} termijnen gemaakt.")
