"""Every audit verb the portal records, as a sentence a person can read (issue 9, item 11).

One registry for the application history and the audit log page. A sentence is a gettext string with
``%(who)s`` (the actor as the reader may see them), ``%(object)s`` (what the event is about) and keys from
the event's data; a missing key reads as "–". ``tests/accounts/test_audit_verbs.py`` collects every verb
the code records and fails when one has no sentence here.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

SENTENCES: dict[str, Any] = {
    # People and access
    "user.invited": _("%(who)s heeft %(object)s uitgenodigd."),
    "user.activated": _("%(who)s heeft het account geactiveerd."),
    "user.totp_enrolled": _("%(who)s heeft tweestapsverificatie ingesteld voor %(object)s."),
    "api_token.issued": _("%(who)s heeft een API-sleutel uitgegeven (%(token)s)."),
    "api_token.revoked": _("%(who)s heeft een API-sleutel ingetrokken (%(token)s)."),
    "api_token.revoked_all": _("%(who)s heeft alle API-sleutels van %(object)s ingetrokken."),
    "audit.exported": _("%(who)s heeft het auditlog geëxporteerd (%(lines)s regels)."),
    # Configuration
    "scheme.created": _("%(who)s heeft de regeling %(object)s aangemaakt."),
    "scheme.updated": _("%(who)s heeft de regeling %(object)s gewijzigd."),
    "scheme.deleted": _("%(who)s heeft de regeling %(object)s verwijderd."),
    "call.created": _("%(who)s heeft de aanvraagronde %(object)s aangemaakt."),
    "call.updated": _("%(who)s heeft de aanvraagronde %(object)s gewijzigd."),
    "call.deleted": _("%(who)s heeft de aanvraagronde %(object)s verwijderd."),
    "assessment_settings.created": _("%(who)s heeft de beoordelingsinstellingen van %(object)s vastgelegd."),
    "assessment_settings.updated": _("%(who)s heeft de beoordelingsinstellingen van %(object)s gewijzigd."),
    "assessment_settings.deleted": _("%(who)s heeft de beoordelingsinstellingen van %(object)s verwijderd."),
    "criterion.created": _("%(who)s heeft een beoordelingscriterium toegevoegd aan %(object)s."),
    "criterion.updated": _("%(who)s heeft een beoordelingscriterium van %(object)s gewijzigd."),
    "criterion.deleted": _("%(who)s heeft het beoordelingscriterium '%(label)s' van %(object)s verwijderd."),
    "need_band.created": _("%(who)s heeft een behoefteklasse toegevoegd aan %(object)s."),
    "need_band.updated": _("%(who)s heeft een behoefteklasse van %(object)s gewijzigd."),
    "need_band.deleted": _("%(who)s heeft de behoefteklasse '%(label)s' van %(object)s verwijderd."),
    "bonus_rule.created": _("%(who)s heeft een bonusregel toegevoegd aan %(object)s."),
    "bonus_rule.updated": _("%(who)s heeft een bonusregel van %(object)s gewijzigd."),
    "bonus_rule.deleted": _("%(who)s heeft de bonusregel '%(label)s' van %(object)s verwijderd."),
    "call_rules.published": _("%(who)s heeft versie %(version)s van de regels van %(object)s gepubliceerd."),
    # Applications
    "application.created": _("%(who)s heeft de aanvraag aangemaakt."),
    "application.updated": _("%(who)s heeft de aanvraag gewijzigd: %(fields)s."),
    "application.budget_updated": _("%(who)s heeft de begroting gewijzigd."),
    "application.attachment_added": _("%(who)s heeft de bijlage '%(name)s' toegevoegd."),
    "application.attachment_removed": _("%(who)s heeft de bijlage '%(name)s' verwijderd."),
    "application.draft_deleted": _("%(who)s heeft het concept %(reference)s verwijderd."),
    "application.submitted": _("%(who)s heeft de aanvraag ingediend."),
    "application.resubmitted": _("%(who)s heeft de aanvraag aangevuld en opnieuw ingediend."),
    "application.information_answered": _("%(who)s heeft de aanvraag aangevuld; de beoordeling gaat verder."),
    "application.withdrawn": _("%(who)s heeft de aanvraag ingetrokken."),
    "application.information_requested": _("%(who)s heeft om aanvulling gevraagd."),
    "application.review_started": _("%(who)s heeft de aanvraag in beoordeling genomen."),
    "application.reviewed": _("De beoordeling van de aanvraag is afgerond."),
    "application.review_reopened": _("%(who)s heeft de beoordeling heropend."),
    "application.points_recomputed": _("%(who)s heeft de punten opnieuw berekend."),
    "application.awarded": _("Op de aanvraag is besloten: toegekend."),
    "application.partially_awarded": _("Op de aanvraag is besloten: gedeeltelijk toegekend."),
    "application.rejected": _("Op de aanvraag is besloten: afgewezen."),
    "application.letter_sent": _("%(who)s heeft de beschikking verzonden."),
    # Reviews
    "review.assigned": _("%(who)s heeft %(reviewer)s als beoordelaar toegewezen."),
    "review.auto_assigned": _("%(who)s heeft %(reviewer)s automatisch als beoordelaar toegewezen."),
    "review.unassigned": _("%(who)s heeft de toewijzing van %(reviewer)s ingetrokken."),
    "review.conflict_declared": _("%(who)s heeft een belangenconflict gemeld."),
    "review.saved": _("%(who)s heeft een beoordeling tussentijds opgeslagen."),
    "review.submitted": _("%(who)s heeft een beoordeling ingediend."),
    "review.reopened": _("%(who)s heeft de beoordeling van %(reviewer)s heropend."),
    # Allocation, letters and exports
    "allocation_policy.saved": _("%(who)s heeft het verdeelbeleid van %(object)s opgeslagen."),
    "allocation_run.started": _("%(who)s heeft verdeelrun %(number)s gestart."),
    "allocation_run.retried": _("%(who)s heeft de verdeelrun %(object)s opnieuw gestart."),
    "allocation_run.computed": _("De verdeelrun %(object)s is berekend (%(lines)s regels)."),
    "allocation_run.approved": _("%(who)s heeft de verdeelrun %(object)s goedgekeurd (%(decisions)s besluiten)."),
    "allocation_run.verified": _("%(who)s heeft de verdeelrun %(object)s gecontroleerd."),
    "allocation_run.reconsidered": _(
        "%(who)s heeft het besluit op %(reference)s heroverwogen op de vastgelegde invoer van de verdeelrun "
        "%(object)s: eerder € %(old)s, nu € %(awarded)s, extra € %(extra)s (uit de reserve € %(from_reserve)s, "
        "boven het plafond € %(on_top)s)."
    ),
    "allocation_run.reconsideration_verified": _(
        "%(who)s heeft de heroverweging van %(reference)s in de verdeelrun %(object)s gecontroleerd."
    ),
    "letter_text.saved": _("%(who)s heeft de tekst van de beschikking opgeslagen (versie %(version)s)."),
    "letter.generated": _("De beschikking %(object)s is gemaakt (versie %(version)s)."),
    "letter.previewed": _("%(who)s heeft een voorbeeld van de beschikking %(object)s bekeken."),
    "letter.downloaded": _("%(who)s heeft de beschikking %(object)s gedownload."),
    "letters.prepared": _("%(who)s heeft de beschikkingen voorbereid met verzenddatum %(send_on)s."),
    "letters.retried": _("%(who)s heeft %(jobs)s mislukte beschikkingen opnieuw laten maken."),
    "letters.regenerated": _("%(who)s heeft %(jobs)s beschikkingen opnieuw laten maken."),
    "letters.sent": _("%(who)s heeft %(decisions)s beschikkingen verzonden."),
    "export.decisions": _("%(who)s heeft de besluiten geëxporteerd (%(format)s, %(lines)s regels)."),
    "export.publication": _("%(who)s heeft de publicatielijst geëxporteerd (%(format)s, %(lines)s regels)."),
    "export.job_requested": _("%(who)s heeft een export aangevraagd (%(format)s)."),
    "export.downloaded": _("%(who)s heeft een export gedownload (%(format)s)."),
    # Payments
    "payments.scheduled": _(
        "De betaaltermijnen van beschikking %(object)s zijn vastgelegd (%(instalments)s termijnen)."
    ),
    "instalment.ordered": _("%(who)s heeft de betaalopdracht gegeven voor termijn %(object)s (%(pay_date)s)."),
    "instalment.paid": _("%(who)s heeft vastgelegd dat termijn %(object)s is betaald op %(paid_on)s."),
    "instalment.cancelled": _("%(who)s heeft termijn %(object)s laten vervallen."),
    "instalment.added": _("%(who)s heeft termijn %(object)s toegevoegd (%(reason)s)."),
    "payment_order.exported": _(
        "%(who)s heeft de betaalopdracht van %(pay_date)s gedownload (%(format)s, %(lines)s regels)."
    ),
    "money_overview.exported": _(
        "%(who)s heeft het geldoverzicht gedownload (%(format)s, %(scope)s, %(lines)s beschikkingen)."
    ),
    "payments.imported": _("%(who)s heeft betaaldatums ingelezen uit het financiële systeem (%(lines)s regels)."),
    # Objections (bezwaar)
    "objection.lodged": _("%(who)s heeft bezwaar %(object)s ingediend tegen beschikking %(decision)s."),
    "objection.registered": _("%(who)s heeft bezwaar %(object)s geregistreerd tegen beschikking %(decision)s."),
    "objection.repair_requested": _(
        "%(who)s heeft voor bezwaar %(object)s een hersteltermijn gegeven tot %(deadline)s."
    ),
    "objection.repair_ended": _("%(who)s heeft de hersteltermijn van bezwaar %(object)s afgesloten."),
    "objection.hearing_planned": _("%(who)s heeft voor bezwaar %(object)s een hoorzitting gepland op %(on)s."),
    "objection.invited": _("%(who)s heeft de genodigden voor de hoorzitting van bezwaar %(object)s vastgelegd."),
    "objection.heard": _("%(who)s heeft de hoorzitting van bezwaar %(object)s vastgelegd (%(held_on)s)."),
    "objection.hearing_waived": _("%(who)s heeft voor bezwaar %(object)s afgezien van horen (grond %(ground)s)."),
    "objection.postponed": _("%(who)s heeft de beslistermijn van bezwaar %(object)s verdaagd."),
    "objection.committee_set": _("%(who)s heeft de adviescommissie van bezwaar %(object)s vastgelegd."),
    "objection.timeliness_set": _("%(who)s heeft de tijdigheid van bezwaar %(object)s vastgesteld."),
    "objection.decided": _("%(who)s heeft de uitkomst van bezwaar %(object)s vastgelegd (%(outcome)s)."),
    "objection.withdrawn": _("%(who)s heeft bezwaar %(object)s ingetrokken."),
    "objection.reconsideration_attached": _(
        "%(who)s heeft de herberekening van bezwaar %(object)s vastgelegd (extra %(extra)s euro)."
    ),
    "objection.decision_prepared": _(
        "%(who)s heeft de beslissing op bezwaar %(object)s voorbereid (%(outcome)s, extra %(extra)s euro)."
    ),
    "objection.decision_approved": _(
        "%(who)s heeft de beslissing op bezwaar %(object)s goedgekeurd (%(outcome)s, extra %(extra)s euro)."
    ),
    "objection.scoring_reopened": _(
        "%(who)s heeft de beoordeling van %(application)s heropend voor bezwaar %(object)s (heropende beoordeling "
        "%(reopened_scoring)s)."
    ),
    "objection.rescorer_assigned": _(
        "%(who)s heeft %(reviewer)s toegewezen aan heropende beoordeling %(reopened_scoring)s van bezwaar %(object)s."
    ),
    "objection.rescore_saved": _(
        "%(who)s heeft een concept van een nieuwe beoordeling voor bezwaar %(object)s opgeslagen."
    ),
    "objection.rescore_submitted": _("%(who)s heeft een nieuwe beoordeling voor bezwaar %(object)s ingediend."),
    "objection.scoring_recomputed": _(
        "De puntenopbouw van heropende beoordeling %(reopened_scoring)s van bezwaar %(object)s is herberekend "
        "(%(total)s punten uit %(review_count)s nieuwe beoordelingen)."
    ),
    "accountability.recorded": _("%(who)s heeft de verantwoording over %(year)s van %(decision)s vastgelegd."),
    "accountability.corrected": _("%(who)s heeft de verantwoording over %(year)s van %(decision)s gecorrigeerd."),
    "accountability.imported": _(
        "%(who)s heeft SiSa-cijfers geïmporteerd uit %(file)s (%(statements)s verantwoordingen)."
    ),
    "accountability.import_refused": _(
        "%(who)s probeerde SiSa-cijfers te importeren uit %(file)s; geweigerd (%(errors)s fouten)."
    ),
    "accountability.report_downloaded": _("%(who)s heeft het verslag over %(year)s van %(decision)s gedownload."),
    "objection.letter_sent": _("Een brief bij bezwaar %(object)s is gemaakt en verzonden (versie %(version)s)."),
    "objection.letter_downloaded": _("%(who)s heeft een brief bij bezwaar %(object)s gedownload (versie %(version)s)."),
    "objection_register.exported": _(
        "%(who)s heeft het bezwarenregister gedownload (%(format)s, %(cases)s bezwaren, jaar %(year)s)."
    ),
    "objection.term_reminded": _(
        "Herinnering verstuurd: de beslistermijn van bezwaar %(object)s eindigt op %(term_end)s."
    ),
    "accountability.reminded": _("Herinnering verstuurd over de verantwoording over %(year)s van %(decision)s."),
    # Settlements
    "settlement.proposed": _("%(who)s heeft vaststelling %(object)s voorgesteld op %(settled)s."),
    "settlement.checked": _("%(who)s heeft vaststelling %(object)s gecontroleerd."),
    "settlement.approved": _("%(who)s heeft vaststelling %(object)s goedgekeurd (%(settled)s)."),
    "settlement.withdrawn": _("%(who)s heeft het voorstel voor vaststelling %(object)s ingetrokken."),
    "settlement.letter_downloaded": _("%(who)s heeft de brief van vaststelling %(object)s gedownload."),
    "settlement.letter_made": _(
        "%(who)s heeft versie %(version)s van de brief van vaststelling %(object)s gemaakt, gedateerd %(letter_date)s."
    ),
    "settlement.letter_sent": _(
        "%(who)s heeft de brief van vaststelling %(object)s verzonden (versie %(version)s, gedateerd %(letter_date)s)."
    ),
    "settlement_batch.started": _(
        "%(who)s heeft %(object)s gestart: %(decisions)s beschikkingen, %(sample)s in de steekproef "
        "(%(sample_percent)s%%)."
    ),
    "settlement_batch.verified": _(
        "%(who)s heeft %(object)s nagerekend uit de bewaarde cijfers: %(differences)s verschillen."
    ),
}

# Changes made through the Django admin: admin.<model>.<action>, for any model.
ADMIN_SENTENCES: dict[str, Any] = {
    "added": _("%(who)s heeft via het beheer %(object)s toegevoegd."),
    "changed": _("%(who)s heeft via het beheer %(object)s gewijzigd."),
    "deleted": _("%(who)s heeft via het beheer %(object)s verwijderd."),
}


class _Values(dict):
    """Placeholders for a sentence: a key the event's data lacks reads as a dash, never a KeyError."""

    def __missing__(self, key: str) -> str:
        return "–"


def sentence_for(verb: str) -> Any | None:
    """The untranslated (lazy) sentence of ``verb``, or None when the registry does not know it."""
    if verb in SENTENCES:
        return SENTENCES[verb]
    parts = verb.split(".")
    if len(parts) == 3 and parts[0] == "admin":
        return ADMIN_SENTENCES.get(parts[2])
    return None


def known_verbs() -> list[str]:
    """The verbs a filter can offer, sorted (the admin's per-model verbs are not listed one by one)."""
    return sorted(SENTENCES)


def describe(verb: str, *, who: str, data: dict[str, Any] | None = None, target: str = "", **extra: Any) -> str:
    """The event as one translated sentence; an unknown verb still reads as who + code."""
    sentence = sentence_for(verb)
    if sentence is None:
        return f"{who}: {verb}"
    values = _Values({key: value for key, value in (data or {}).items() if not isinstance(value, dict | list)})
    values.update(who=who, object=target or "–", **extra)
    text = str(sentence) % values
    if who and text.startswith(who):
        return text  # a name or an e-mail address keeps its own spelling
    return text[:1].upper() + text[1:]
