"""Frozen when the window opens (Awb 4:27): from the call's opening moment its rules no longer change.

Every service that saves part of the rules (the call's ceiling, the assessment minimums, criteria, need
bands, bonus rules, and the money side's allocation policy with its pots and reservations) runs its write
inside ``rules_change``: before opening the change is written and published as a new version of the rules;
from opening on, a change that alters the rules document is refused with a 409 and rolled back whole.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.workflow import TransitionNotAllowed
from applications.models import Call
from applications.published_rules import document


class RulesFrozen(TransitionNotAllowed):
    """A change to the rules of a call whose window has opened (HTTP 409; nothing is changed)."""

    def __init__(self, call: Call):
        opened = formats.date_format(timezone.localtime(call.opens_at), "j F Y, H:i")
        super().__init__(
            _(
                "De regels van deze aanvraagronde liggen vast sinds de aanvraagtermijn opende (%(opened)s). "
                "Volgens artikel 4:27 van de Algemene wet bestuursrecht kan de verdeling daarna niet meer "
                "veranderen; er is niets gewijzigd."
            )
            % {"opened": opened}
        )


def is_frozen(call: Call, now: datetime.datetime | None = None) -> bool:
    """Whether the call's window has opened: from then on its rules are those it opened with."""
    return (now or timezone.now()) >= call.opens_at


def check_changeable(call: Call, now: datetime.datetime | None = None) -> None:
    """Refuse (409) any change to the rules of a call whose window has opened."""
    if is_frozen(call, now):
        raise RulesFrozen(call)


@contextmanager
def rules_change(call: Call, *, by: User | None, now: datetime.datetime | None = None) -> Iterator[None]:
    """Wrap a write that may touch the call's rules. Before opening, the rules as they are after the write
    are published as a new version (when they differ from the last one); from opening on, a write that
    changes the rules document raises ``RulesFrozen`` and nothing of it is kept. Whether the call has
    opened is read from the database, never from an instance the caller may already have changed."""
    from applications.published_rules.services import record_version

    now = now or timezone.now()
    stored = Call.objects.filter(pk=call.pk).first() if call.pk else None
    frozen = stored is not None and is_frozen(stored, now)
    before = document.current_hash(stored) if stored is not None and frozen else None
    with transaction.atomic():
        yield
        saved = Call.objects.get(pk=call.pk)
        if stored is not None and frozen:
            if document.current_hash(saved) != before:
                raise RulesFrozen(stored)
        else:
            record_version(call=saved, by=by, now=now)
