"""Formatting for award letters: an amount never breaks between the euro sign and its figures."""

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from accounts.templatetags.portal import cents_to_euro

register = template.Library()


@register.filter(name="letter_euro")
def letter_euro(value) -> str:
    """Integer cents as ``€ 1.234,56`` with a no-break space, so a line never ends on a bare euro sign."""
    return cents_to_euro(value).replace("€ ", "€\u00a0")


@register.filter(name="email_breaks")
def email_breaks(value) -> str:
    """An e-mail address that may break only after its "@" (a ``<wbr>``), never inside a word, so a narrow
    column shows ``name@`` and ``domain`` on two lines. Both parts are escaped."""
    text = str(value or "")
    local, at, domain = text.partition("@")
    if not at:
        return escape(text)
    return mark_safe(f"{escape(local)}@<wbr>{escape(domain)}")  # both parts escaped above
