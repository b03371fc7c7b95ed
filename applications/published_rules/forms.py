"""The preview's question form (a GET form: the answer is a page anyone can link to)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Municipality
from applications.published_rules.preview import areas_of

FUNDED_CHOICES = [
    ("", _("Weet ik niet (beide mogelijkheden tellen mee in de bandbreedte)")),
    ("nee", _("Nee, niet eerder gefinancierd")),
    ("ja", _("Ja, eerder gefinancierd")),
]
FUNDED = {"": None, "nee": False, "ja": True}


class PreviewForm(forms.Form):
    use_required_attribute = False

    gemeente = forms.ChoiceField(label=_("Gemeente"))
    gebied = forms.CharField(
        label=_("Gebied"),
        required=False,
        max_length=150,
        help_text=_("Alleen voor een ronde met een aanvraag per gebied, zoals een NPLV-focusgebied."),
    )
    eerder_gefinancierd = forms.ChoiceField(
        label=_("Eerder gefinancierd uit deze regeling?"), choices=FUNDED_CHOICES, required=False
    )
    score = forms.DecimalField(
        label=_("Verwachte beoordelingsscore"),
        required=False,
        min_value=Decimal("0"),
        max_value=Decimal("100000"),
        max_digits=9,
        decimal_places=2,
        localize=True,
        help_text=_("Niet verplicht: dan ziet u ook welke voorrangspunten bij die score meetellen."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        municipalities = Municipality.objects.order_by("name").values_list("cbs_code", "name")
        self.fields["gemeente"].choices = [("", _("— kies een gemeente —")), *municipalities]

    def clean(self):
        data = super().clean()
        code = data.get("gemeente")
        if code:
            data["municipality"] = Municipality.objects.get(cbs_code=code)
            area = (data.get("gebied") or "").strip()
            areas = areas_of(data["municipality"])
            if area and area.lower() not in {a.lower() for a in areas}:
                self.add_error(
                    "gebied",
                    _("%(municipality)s heeft geen gebied met die naam. Kies uit: %(areas)s.")
                    % {"municipality": data["municipality"].name, "areas": ", ".join(areas) or "–"},
                )
            data["area"] = next((a for a in areas if a.lower() == area.lower()), "")
        data["funded_before"] = FUNDED.get(data.get("eerder_gefinancierd") or "")
        return data
