"""The audit log as administrators read it: filters, events as sentences, before -> after, CSV rows."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import audit
from accounts.audit_verbs import describe, known_verbs
from accounts.models import AuditEvent, User
from accounts.permissions import can_view_audit_trail, require

OBJECT_KEY = re.compile(r"^\s*([a-z_]+)\s*[:#]\s*(\S+)\s*$")


def _verb_choices() -> list[tuple[str, str]]:
    labels = [(verb, f"{verb} – {describe(verb, who='…', target='…')}") for verb in known_verbs()]
    return [("", _("Alle handelingen")), *labels]


class AuditFilterForm(forms.Form):
    """GET filters of the audit log; every field optional, bad input is a form error, never a 500."""

    door = forms.CharField(label=_("Door"), required=False, max_length=254, help_text=_("Naam of e-mailadres."))
    handeling = forms.ChoiceField(label=_("Handeling"), required=False, choices=())
    object = forms.CharField(
        label=_("Object"),
        required=False,
        max_length=100,
        help_text=_("Kenmerk of naam, of type en nummer, bijvoorbeeld application:12."),
    )
    van = forms.DateField(label=_("Van"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    tot = forms.DateField(label=_("Tot en met"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["handeling"].choices = _verb_choices()
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "utrecht-select" if name == "handeling" else "utrecht-textbox"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start, end = cleaned.get("van"), cleaned.get("tot")
        if start and end and end < start:
            self.add_error("tot", _("De einddatum ligt voor de begindatum."))
        return cleaned


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def filter_events(queryset: QuerySet[AuditEvent], filters: dict[str, Any]) -> QuerySet[AuditEvent]:
    """Narrow ``queryset`` by the cleaned filters; dates are whole days in Europe/Amsterdam."""
    if who := (filters.get("door") or "").strip():
        queryset = queryset.filter(Q(actor_label__icontains=who) | Q(actor__full_name__icontains=who))
    if verb := filters.get("handeling"):
        queryset = queryset.filter(verb=verb)
    if target := (filters.get("object") or "").strip():
        key = OBJECT_KEY.match(target)
        if key:
            queryset = queryset.filter(target_type__model=key.group(1), target_id=key.group(2))
        else:
            queryset = queryset.filter(Q(target_repr__icontains=target) | Q(target_id=target))
    if start := filters.get("van"):
        queryset = queryset.filter(created_at__gte=_local_midnight(start))
    if end := filters.get("tot"):
        queryset = queryset.filter(created_at__lt=_local_midnight(end + datetime.timedelta(days=1)))
    return queryset


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


def _plain(value: Any) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return str(_("ja") if value else _("nee"))
    if isinstance(value, dict):
        return ", ".join(f"{key}: {_plain(item)}" for key, item in value.items())
    if isinstance(value, list):
        return ", ".join(_plain(item) for item in value)
    return str(value)


def changes(data: dict[str, Any]) -> list[Change]:
    """What changed, one row per field, in the order the fields were recorded."""
    before, after = data.get("before") or {}, data.get("after") or {}
    if not isinstance(before, dict) or not isinstance(after, dict):
        return []
    fields = list(before) + [key for key in after if key not in before]
    return [Change(field, _plain(before.get(field)), _plain(after.get(field))) for field in fields]


def details(data: dict[str, Any]) -> list[tuple[str, str]]:
    """The event's other data (reason, format, counts), as label and plain text."""
    return [(key, _plain(value)) for key, value in data.items() if key not in ("before", "after")]


@dataclass(frozen=True)
class Row:
    event: AuditEvent
    when: datetime.datetime
    text: str
    changes: list[Change]
    details: list[tuple[str, str]]


def _who(event: AuditEvent) -> str:
    if event.actor is not None:
        return event.actor.display_name
    return event.actor_label or str(_("systeem"))


def rows(events) -> list[Row]:
    return [
        Row(
            event=event,
            when=timezone.localtime(event.created_at),
            text=describe(event.verb, who=_who(event), data=event.data, target=event.target_repr),
            changes=changes(event.data),
            details=details(event.data),
        )
        for event in events
    ]


CSV_HEADER = (
    _("Tijdstip"),
    _("Door"),
    _("Handeling"),
    _("Omschrijving"),
    _("Objecttype"),
    _("Object-id"),
    _("Object"),
    _("Wijzigingen"),
    _("Gegevens"),
)


def csv_cells(queryset: QuerySet[AuditEvent]) -> Iterator[list[str]]:
    """One row per event, read in chunks so a long log never sits in memory."""
    for event in queryset.iterator(chunk_size=1000):
        (row,) = rows([event])
        yield [
            row.when.isoformat(timespec="seconds"),
            event.actor_label,
            event.verb,
            row.text,
            event.target_type.model if event.target_type_id else "",
            event.target_id,
            event.target_repr,
            "; ".join(f"{c.field}: {c.before} -> {c.after}" for c in row.changes),
            "; ".join(f"{key}: {value}" for key, value in row.details),
        ]


def record_export(*, by: User, filters: dict[str, str], lines: int) -> AuditEvent:
    """Write the export of the log to the log itself, with the filters used, before the file is sent."""
    require(can_view_audit_trail(by))
    cleaned = {key: value for key, value in filters.items() if key != "pagina" and value}
    return audit.record(actor=by, verb="audit.exported", data={"filters": cleaned, "lines": lines})
