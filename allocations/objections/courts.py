"""The district court (rechtbank) competent for an appeal against a decision on an objection of the minister.

Against a decision of a central government body the court is that of the district where the appellant is seated
(Awb 8:7 lid 2). The districts follow the provinces, except in Noord-Holland, Zuid-Holland and Noord-Brabant,
which each hold two districts: there the letter names the rule, not a court it could get wrong.
"""

from __future__ import annotations

from accounts.models import Province

COURTS: dict[str, str] = {
    Province.GRONINGEN: "de rechtbank Noord-Nederland",
    Province.FRYSLAN: "de rechtbank Noord-Nederland",
    Province.DRENTHE: "de rechtbank Noord-Nederland",
    Province.OVERIJSSEL: "de rechtbank Overijssel",
    Province.GELDERLAND: "de rechtbank Gelderland",
    Province.UTRECHT: "de rechtbank Midden-Nederland",
    Province.FLEVOLAND: "de rechtbank Midden-Nederland",
    Province.ZEELAND: "de rechtbank Zeeland-West-Brabant",
    Province.LIMBURG: "de rechtbank Limburg",
}
#: Where a province holds two districts.
BY_SEAT = "de rechtbank van het arrondissement waarin uw gemeente is gelegen"


def competent_court(province: str) -> str:
    return COURTS.get(province, BY_SEAT)
