"""The rules an application must meet, with the Dutch messages a grant officer reads beside each field.

Two kinds: input rules, checked whenever something is saved (a bad value changes nothing), and
completeness rules, checked on submission (a draft may be incomplete, a submitted application not).
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from decimal import ROUND_DOWN, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.templatetags.portal import format_euro
from applications.models import Application, Call, Status

Errors = dict[str, list[str]]
FIRST_YEAR, LAST_YEAR = 2000, 2100


def plausible_moment(value: datetime.datetime | None) -> None:
    """A date and time the portal can work with: between 2000 and 2100 (a year such as 289 has no
    usable offset in Europe/Amsterdam and is always a typing error). Usable as a field validator."""
    if value is not None and not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValidationError(
            _("Kies een moment tussen %(first)s en %(last)s.") % {"first": FIRST_YEAR, "last": LAST_YEAR},
            code="out_of_range",
        )


PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")


def parse_amount(value, *, field: str, errors: Errors, allow_zero: bool = False) -> Decimal | None:
    """A euro amount: a number, positive (or zero where allowed), with at most two decimals."""
    if value is None or value == "":
        return None
    try:
        if isinstance(value, Decimal):
            amount = value
        else:
            text = str(value).strip().replace(" ", "").replace("\u00a0", "")
            if "," in text:  # Dutch notation: 250.000,50
                text = text.replace(".", "").replace(",", ".")
            if not PLAIN_NUMBER.fullmatch(text):  # Decimal() would also take 1_000, 1e3 and NaN
                raise ValueError(text)
            amount = Decimal(text)
    except (InvalidOperation, ValueError):
        errors[field].append(_("Vul een bedrag in euro in, bijvoorbeeld 250000 of 250000,50."))
        return None
    if not amount.is_finite():
        errors[field].append(_("Vul een bedrag in euro in, bijvoorbeeld 250000 of 250000,50."))
        return None
    if amount.as_tuple().exponent < -2 and amount != amount.quantize(Decimal("0.01")):
        errors[field].append(_("Een bedrag heeft hoogstens twee cijfers achter de komma."))
        return None
    if amount < 0 or (amount == 0 and not allow_zero):
        errors[field].append(
            _("Het bedrag moet groter zijn dan nul.") if not allow_zero else _("Het bedrag mag niet negatief zijn.")
        )
        return None
    if amount >= Decimal("1e12"):
        errors[field].append(_("Dit bedrag is te groot."))
        return None
    return amount.quantize(Decimal("0.01"))


def check_requested_amount(amount: Decimal | None, call: Call, errors: Errors) -> None:
    if amount is not None and call.max_per_application is not None and amount > call.max_per_application:
        errors["requested_amount"].append(
            _("Het aangevraagde bedrag is hoger dan het maximum van %(max)s per aanvraag in deze ronde.")
            % {"max": format_euro(call.max_per_application)}
        )


def check_budget_lines(lines: list[dict], call: Call) -> tuple[Errors, list[dict]]:
    """Each line: theme of the call's scheme, a year of the call, a positive amount; no theme-year twice."""
    errors: Errors = defaultdict(list)
    themes = {theme.pk: theme for theme in call.scheme.themes.all()}
    cleaned: list[dict] = []
    seen: set[tuple[int, int]] = set()
    for index, line in enumerate(lines):
        prefix = f"lines.{index}"
        theme_id = line.get("theme")
        theme_id = getattr(theme_id, "pk", theme_id)
        try:
            theme = themes[int(theme_id)]
        except (TypeError, ValueError, KeyError):
            errors[f"{prefix}.theme"].append(_("Kies een bestedingsdoel van deze regeling."))
            theme = None
        try:
            year = int(line.get("year"))
        except (TypeError, ValueError):
            errors[f"{prefix}.year"].append(_("Vul een jaartal in."))
            year = None
        if year is not None and year not in call.years:
            errors[f"{prefix}.year"].append(
                _("Het jaar %(year)s valt buiten de looptijd van de ronde (%(first)s–%(last)s).")
                % {"year": year, "first": call.year_from, "last": call.year_to}
            )
        line_errors: Errors = defaultdict(list)
        amount = parse_amount(line.get("amount"), field="amount", errors=line_errors)
        if line.get("amount") in (None, "") and not line_errors:
            line_errors["amount"].append(_("Vul een bedrag in."))
        for message in line_errors["amount"]:
            errors[f"{prefix}.amount"].append(message)
        if theme is not None and year is not None and (theme.pk, year) in seen:
            errors[f"{prefix}.theme"].append(
                _("Het bestedingsdoel '%(theme)s' staat voor %(year)s al in de begroting; voeg de bedragen samen.")
                % {"theme": theme.name, "year": year}
            )
        if theme is not None and year is not None:
            seen.add((theme.pk, year))
        if theme is not None and year is not None and amount is not None:
            cleaned.append(
                {
                    "theme": theme,
                    "year": year,
                    "amount": amount,
                    "description": (line.get("description") or "").strip()[:255],
                }
            )
    return errors, cleaned


def window_error(call: Call, now: datetime.datetime) -> str | None:
    status = call.status_at(now)
    local = timezone.localtime
    if status == Call.Status.UPCOMING:
        return _("Deze aanvraagronde is nog niet open. Indienen kan vanaf %(opens)s.") % {
            "opens": local(call.opens_at).strftime("%d-%m-%Y %H:%M")
        }
    if status == Call.Status.CLOSED:
        return _("Deze aanvraagronde is gesloten sinds %(closes)s. Indienen kan niet meer.") % {
            "closes": local(call.closes_at).strftime("%d-%m-%Y %H:%M")
        }
    return None


def eligibility_error(call: Call, application: Application, on: datetime.date) -> str | None:
    if call.is_open_to(application.municipality, on):
        return None
    networks = ", ".join(n.name for n in call.eligible_networks.all())
    return _(
        "Gemeente %(municipality)s komt niet in aanmerking voor deze ronde; die staat alleen open "
        "voor leden van: %(networks)s."
    ) % {"municipality": application.municipality.name, "networks": networks}


def submission_errors(application: Application, *, now: datetime.datetime) -> Errors:
    """Everything that stops this application from being submitted now, keyed by field."""
    call = application.call
    errors: Errors = defaultdict(list)
    if application.status == Status.DRAFT:
        message = window_error(call, now)
        if message:
            errors["__all__"].append(message)
    message = eligibility_error(call, application, timezone.localdate(now))
    if message:
        errors["__all__"].append(message)

    required_text = {
        "title": _("Geef de aanvraag een titel."),
        "goals": _("Beschrijf de doelen van het plan."),
        "approach": _("Beschrijf de aanpak."),
        "partners": _("Noem de partners in de lokale alliantie."),
        "residents_involvement": _("Beschrijf hoe bewoners betrokken zijn."),
    }
    for field, message in required_text.items():
        if not (getattr(application, field) or "").strip():
            errors[field].append(message)
    if call.multiple_per_municipality and not application.area_name.strip():
        errors["area_name"].append(_("Kies het gebied waarvoor u aanvraagt."))

    requested = application.requested_amount
    if requested is None:
        errors["requested_amount"].append(_("Vul het aangevraagde bedrag in."))
    else:
        check_requested_amount(requested, call, errors)

    lines = list(application.budget_lines.all())
    total = sum((line.amount for line in lines), Decimal("0.00"))
    if not lines:
        errors["budget_lines"].append(
            _(
                "Vul de begroting in: minstens één bedrag. Laat de vakken leeg van bestedingsdoelen en jaren "
                "waarvoor u niets aanvraagt."
            )
        )
    elif requested is not None and total != requested:
        errors["budget_lines"].append(
            _(
                "De begrotingsregels tellen op tot %(total)s, maar het aangevraagde bedrag is %(requested)s. "
                "Die twee moeten gelijk zijn."
            )
            % {"total": format_euro(total), "requested": format_euro(requested)}
        )
    for line in lines:
        if line.year not in call.years:
            errors["budget_lines"].append(
                _("De regel voor %(year)s valt buiten de looptijd van de ronde (%(first)s–%(last)s).")
                % {"year": line.year, "first": call.year_from, "last": call.year_to}
            )

    if application.cofinancing_amount is None:
        errors["cofinancing_amount"].append(_("Vul de cofinanciering in (0 als er geen is)."))
    elif requested:
        pct = (application.cofinancing_amount * 100 / requested).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
        if application.cofinancing_amount * 100 < requested * call.min_cofinancing_pct:  # exact, no rounding
            minimum = (requested * call.min_cofinancing_pct / 100).quantize(Decimal("0.01"))
            errors["cofinancing_amount"].append(
                _(
                    "De cofinanciering is %(pct)s%% van het aangevraagde bedrag; deze ronde vraagt minstens "
                    "%(min)s%% (%(amount)s)."
                )
                % {
                    "pct": str(pct).replace(".", ","),
                    "min": str(call.min_cofinancing_pct.normalize()).replace(".", ","),
                    "amount": format_euro(minimum),
                }
            )

    present = {a.requirement_id for a in application.attachments.all()}
    for requirement in call.required_attachments.all():
        if requirement.pk not in present:
            errors["attachments"].append(_("De verplichte bijlage '%(name)s' ontbreekt.") % {"name": requirement.name})
    return {key: value for key, value in errors.items() if value}


def raise_if(errors: Errors) -> None:
    cleaned = {key: value for key, value in errors.items() if value}
    if cleaned:
        raise ValidationError(cleaned)
