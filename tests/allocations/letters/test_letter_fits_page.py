"""Every text of a letter fits the page: long unbroken words wrap inside the text column, the reference
column keeps clear of the page edge, and an e-mail address breaks only after its "@"."""

import dataclasses
import re
import subprocess

from allocations.letters import grounds, pdf
from allocations.letters.content import CriterionPoints, Kind, ThemeYearAmount
from allocations.letters.samples import GENERAL, GROUND_CODES, ground_sample, sample_content
from tests.pdfbox import MM, outside, words

#: The text column ends at 158 mm (24 mm margin + 134 mm); the reference column at 200 mm, 10 mm from the edge.
TEXT_COLUMN_END_MM = 158
PAGE_EDGE_CLEARANCE_MM = 9.5  # 10 mm, less half a millimetre for the glyph boxes
TITLE = "Wijkaanpak" + "Leefbaarheid" * 16  # 202 characters without a space: cut to 200 by the letter's bound
WORD = "Bewonersparticipatietrajectbegeleidingsovereenkomst" * 6


def _long_words(content):
    texts = content.texts
    return dataclasses.replace(
        content,
        application_title=TITLE,
        scheme_name="Regeling" + "Kansrijkewijkenaanpak" * 9,
        call_title="Aanvraagronde" + "Tweedetranche" * 10,
        legal_basis=f"Artikel 4 van de {WORD}.",
        addressee=dataclasses.replace(content.addressee, municipality="Gemeente" + "Zuidoostbeemster" * 8),
        texts=dataclasses.replace(texts, introduction=f"Inleiding {WORD} einde.", obligations=WORD, closing=WORD),
        sender=dataclasses.replace(content.sender, contact_name=WORD[:120], directorate=WORD[:150]),
    )


def _letters():
    award = _long_words(sample_content(Kind.PARTIAL, ground=grounds.Reserved(135_966_613, "Oost" * 40)))
    award = dataclasses.replace(
        award,
        amounts=tuple(dataclasses.replace(a, theme=a.theme.replace(" ", "") * 4) for a in award.amounts),
        motivation=dataclasses.replace(
            award.motivation,
            criteria=(
                CriterionPoints("Kwaliteitvanhetplan" * 8, award.motivation.criteria[0].points),
                *award.motivation.criteria[1:],
            ),
        ),
    )
    rival = grounds.TieRival("KW26-0017", "Gemeente" + "Oosterhoutsebroek" * 8, grounds.TieRule.NEED_SCORE, 14)
    tie = ground_sample("tie")
    tie = _long_words(
        dataclasses.replace(
            tie,
            motivation=dataclasses.replace(
                tie.motivation, ground=dataclasses.replace(tie.motivation.ground, rivals=(rival,))
            ),
        )
    )
    return {"award": award, "tie": tie}


def _body_text(data: bytes) -> str:
    """The text column's text with all whitespace removed (a wrapped word reads as one again)."""
    width = str(int((TEXT_COLUMN_END_MM + 2) * MM))
    out = subprocess.run(
        ["pdftotext", "-layout", "-x", "0", "-y", "0", "-W", width, "-H", "842", "-", "-"],
        input=data,
        capture_output=True,
        check=True,
    )
    return re.sub(r"\s+", "", out.stdout.decode())


def test_long_unbroken_words_wrap_inside_the_page_and_nothing_is_lost():
    for name, content in _letters().items():
        data = pdf.letter_pdf(content)
        assert outside(data, right_mm=PAGE_EDGE_CLEARANCE_MM) == [], name
        # The text column: left of its end, below the letterhead (whose ministry name is placed over the page).
        body = [w for w in words(data) if w.x_min < TEXT_COLUMN_END_MM * MM and not (w.page == 1 and w.y_max < 48 * MM)]
        overflowing = [w for w in body if w.x_max > (TEXT_COLUMN_END_MM + 0.5) * MM]
        assert overflowing == [], (name, overflowing[:3])
        text = _body_text(data)
        assert content.application_title in text  # all of it printed, only wrapped
        assert WORD in text


def test_a_long_amounts_table_keeps_its_amounts_whole():
    content = _letters()["award"]
    assert isinstance(content.amounts[0], ThemeYearAmount)
    data = pdf.letter_pdf(content)
    printed = {w.text for w in words(data)}
    for amount in content.amounts:
        euros = f"{amount.cents // 100:,}".replace(",", ".") + f",{amount.cents % 100:02d}"
        assert euros in printed  # an amount is never broken over two lines


def test_the_reference_column_clears_the_page_edge_and_breaks_the_email_only_after_the_at_sign():
    content = sample_content(Kind.AWARD)
    data = pdf.letter_pdf(content)
    assert outside(data, right_mm=PAGE_EDGE_CLEARANCE_MM) == []
    local, domain = content.sender.contact_email.split("@")
    column = [w.text for w in words(data) if w.page == 1 and w.x_min > (TEXT_COLUMN_END_MM + 2) * MM]
    assert f"{local}@" in column and domain in column  # two whole words, on two lines
    assert GENERAL.name  # the sample's pots are in use


def test_no_paragraph_ends_in_whitespace_so_no_line_breaks_one_word_early():
    """With a trailing space in a paragraph, WeasyPrint sometimes ends a line one word early: "… is geen" /
    "bedrag" / "gereserveerd. …". The letter's paragraphs have no whitespace at their edges."""
    for code in GROUND_CODES:
        html = pdf.letter_html(ground_sample(code))
        assert not re.search(r"\s</(p|li)>|<(p|li)\b[^>]*>\s", html), code
    data = pdf.letter_pdf(ground_sample("no_reservation"))
    lines = [line.strip() for line in _layout_lines(data)]
    assert "bedrag" not in lines
    assert any(line.startswith("bedrag gereserveerd. Daarom") for line in lines)


def _layout_lines(data: bytes) -> list[str]:
    width = str(int((TEXT_COLUMN_END_MM + 2) * MM))
    out = subprocess.run(
        ["pdftotext", "-layout", "-x", "0", "-y", "0", "-W", width, "-H", "842", "-", "-"],
        input=data,
        capture_output=True,
        check=True,
    )
    return out.stdout.decode().splitlines()
