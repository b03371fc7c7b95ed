"""The error summary of a form page that failed (the NL Design System / GOV.UK pattern): at the top of the
page, one link per error to its field, focus moved to it, and "Fout: " before the page's title.

One pattern for every form page: a view names the forms it validated in ``error_forms`` (forms and formsets,
in page order), or gives its linked errors as ``error_items``, and ``base.html`` does the rest. The fields
themselves get ``aria-invalid`` and ``aria-describedby`` (their error and help) from Django's BoundField and
``forms/field.html``.
"""

from __future__ import annotations

from django import template
from django.forms import BaseForm
from django.forms.formsets import BaseFormSet

register = template.Library()


def invalid_forms(context) -> list:
    """The forms and formsets in ``error_forms`` that were validated and have errors."""
    found = []
    for candidate in context.get("error_forms") or ():
        if candidate is None or not getattr(candidate, "is_bound", False):
            continue
        if isinstance(candidate, BaseFormSet):
            if candidate.total_error_count():
                found.append(candidate)
        elif isinstance(candidate, BaseForm) and candidate.errors:
            found.append(candidate)
    for candidate in found:  # their own templates leave the alert at the top to the summary
        candidate.in_error_summary = True
        for form in getattr(candidate, "forms", ()):
            form.in_error_summary = True
    return found


def non_field_anchor(form) -> str:
    """The id of the box with a form's errors that belong to no one field (``forms/form.html``)."""
    return f"{form.prefix}-fouten" if form.prefix else "formulier-fouten"


def _field_anchor(bound) -> str:
    # A group of radio buttons or checkboxes has no single input: its first option.
    return bound.id_for_label or f"{bound.auto_id}_0"


def _form_items(form, *, row: str = "") -> list[dict]:
    top = non_field_anchor(form)
    items = [{"label": row, "message": message, "anchor": top} for message in form.non_field_errors()]
    for name in form.fields:
        bound = form[name]
        if bound.is_hidden:
            items += [{"label": row, "message": message, "anchor": top} for message in bound.errors]
            continue
        label = f"{row} – {bound.label}" if row else str(bound.label)
        items += [{"label": label, "message": message, "anchor": _field_anchor(bound)} for message in bound.errors]
    return items


def summary_items(forms) -> list[dict]:
    """Every error, in the order of the page: a label (the field, and for a formset row its name) and a link."""
    items: list[dict] = []
    for candidate in forms:
        if isinstance(candidate, BaseFormSet):
            items += [
                {"label": "", "message": message, "anchor": f"{candidate.prefix}-fouten"}
                for message in candidate.non_form_errors()
            ]
            row_label = getattr(candidate, "row_label", None)
            for number, form in enumerate(candidate.forms, start=1):
                if form.errors:
                    items += _form_items(form, row=str(row_label) % {"n": number} if row_label else "")
        else:
            items += _form_items(candidate)
    return items


def page_errors(context) -> list[dict]:
    """The page's errors: those a view links itself (a group of radio buttons to its fieldset, an upload box),
    given as ``error_items`` (``message``, ``anchor`` and optionally ``label``), then those read from
    ``error_forms``. A page may have both: the reviewer's scoring form and the conflict form below it."""
    return list(context.get("error_items") or ()) + summary_items(invalid_forms(context))


@register.simple_tag(takes_context=True)
def error_title_prefix(context) -> str:
    """'Fout: ' before the title of a page whose form failed, so a screen reader hears it first."""
    from django.utils.translation import gettext as _

    return _("Fout: ") if page_errors(context) else ""


@register.inclusion_tag("includes/error_summary.html", takes_context=True)
def error_summary(context) -> dict:
    items = page_errors(context)
    # A question form (GET, such as the points preview) saves nothing, so its summary does not say so.
    return {"items": items, "count": len(items), "saves": context.get("error_summary_saves", True)}
