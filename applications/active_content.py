"""Active content in uploads: what a reviewer's PDF reader or Office program could run on opening.

A PDF may start JavaScript or another program (/OpenAction, /AA, /JavaScript, /Launch), carry files
(/EmbeddedFile), Flash or video players (/RichMedia) or an XFA form; an Office file may carry macros
(vbaProject.bin, macro-enabled content types) or ActiveX controls. Such a file is refused with the reason;
the person saves a plain copy (print to PDF, save as .docx/.xlsx) and uploads that.
"""

from __future__ import annotations

import io
import zipfile

import pikepdf
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Dictionary keys that make a PDF act on its own, and the action types (/S) that run or fetch something.
PDF_ACTIVE_KEYS = {
    "/OpenAction": "OpenAction",
    "/AA": "AA",
    "/JavaScript": "JavaScript",
    "/JS": "JavaScript",
    "/EmbeddedFile": "EmbeddedFile",
    "/EmbeddedFiles": "EmbeddedFile",
    "/RichMedia": "RichMedia",
    "/RichMediaContent": "RichMedia",
    "/XFA": "XFA",
}
PDF_ACTIVE_ACTIONS = {
    "/JavaScript": "JavaScript",
    "/Launch": "Launch",
    "/SubmitForm": "SubmitForm",
    "/ImportData": "ImportData",
    "/RichMediaExecute": "RichMedia",
}
PDF_ACTIVE_TYPES = {"/EmbeddedFile": "EmbeddedFile", "/RichMedia": "RichMedia"}


def _refuse(found: list[str]) -> None:
    raise ValidationError(
        {
            "file": [
                _(
                    "Dit bestand bevat actieve inhoud (%(found)s) die bij het openen kan worden uitgevoerd. "
                    "Om de beoordelaars te beschermen nemen we zulke bestanden niet aan. Sla het document "
                    "opnieuw op zonder scripts, macro's of ingesloten bestanden (bijvoorbeeld met 'Afdrukken "
                    "als PDF' of 'Opslaan als .docx/.xlsx') en voeg die versie toe."
                )
                % {"found": ", ".join(found)}
            ]
        }
    )


def pdf_active_content(content: bytes) -> list[str]:
    """The kinds of active content in a PDF, walking every object (names are normalised by qpdf, so an
    escaped /J#61vaScript is found too). Raises ValidationError when the PDF cannot be read at all."""
    try:
        pdf = pikepdf.open(io.BytesIO(content))
    except pikepdf.PasswordError as exc:
        raise ValidationError(
            {"file": [_("Dit PDF-bestand is met een wachtwoord beveiligd. Voeg een versie zonder wachtwoord toe.")]}
        ) from exc
    except pikepdf.PdfError as exc:
        raise ValidationError(
            {"file": [_("Dit PDF-bestand is beschadigd en kan niet worden gelezen. Sla het opnieuw op als PDF.")]}
        ) from exc
    found: set[str] = set()
    with pdf:
        # Every indirect object once, and the direct dictionaries and arrays inside each of them.
        stack: list = [pdf.trailer, *pdf.objects]
        while stack:
            item = stack.pop()
            if isinstance(item, (pikepdf.Dictionary, pikepdf.Stream)):
                for name in list(item.keys()):
                    value = item.get(name)
                    if name in PDF_ACTIVE_KEYS:
                        found.add(PDF_ACTIVE_KEYS[name])
                    if isinstance(value, pikepdf.Name):
                        if name == "/S" and str(value) in PDF_ACTIVE_ACTIONS:
                            found.add(PDF_ACTIVE_ACTIONS[str(value)])
                        if name in ("/Type", "/Subtype") and str(value) in PDF_ACTIVE_TYPES:
                            found.add(PDF_ACTIVE_TYPES[str(value)])
                    elif _is_direct_container(value):
                        stack.append(value)
            elif isinstance(item, pikepdf.Array):
                stack.extend(value for value in item if _is_direct_container(value))
    return sorted(found)


def _is_direct_container(value) -> bool:
    return isinstance(value, (pikepdf.Dictionary, pikepdf.Array)) and not value.is_indirect


def office_active_content(content: bytes) -> list[str]:
    """Macros (a VBA project, a macro-enabled content type) and ActiveX controls in an OOXML file."""
    found: set[str] = set()
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = archive.namelist()
        lowered = [name.lower() for name in names]
        if any(name.endswith("vbaproject.bin") or name.endswith("vbadata.xml") for name in lowered):
            found.add(_("macro's"))
        if any("/activex/" in f"/{name}" for name in lowered):
            found.add(_("ActiveX-elementen"))
        try:
            types = archive.read("[Content_Types].xml").decode("utf-8", "replace").lower()
        except KeyError:
            types = ""
        if "macroenabled" in types or "vbaproject" in types:
            found.add(_("macro's"))
    return sorted(found)


def refuse_active_content(content: bytes, file_format: str) -> None:
    found = pdf_active_content(content) if file_format == "pdf" else office_active_content(content)
    if found:
        _refuse(found)
