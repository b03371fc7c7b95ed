from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AllocationsConfig(AppConfig):
    name = "allocations"
    verbose_name = _("Verdeling en beschikkingen")

    def ready(self) -> None:
        # The division (reserve, pots, method, cap, tie rule) is the money side's part of every call's
        # published rules document; intake builds the rest without importing this side.
        from allocations.runs.rules import division_part, read_division
        from applications.published_rules import document

        document.register_part("division", division_part, read_division)
        # A reopened scoring of an objection is review work: it shows in the reviewer's usual queue.
        from allocations.objections.rescoring_selectors import queue_rows
        from applications.assessment import queue

        queue.register_source(queue_rows)
