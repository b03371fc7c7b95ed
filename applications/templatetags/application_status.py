"""An application's status as the person reading the page may see it (``applications.visibility``)."""

from django import template
from django.utils.html import format_html

from applications.visibility import shown_status, shown_status_label

register = template.Library()


@register.simple_tag(takes_context=True)
def status_badge(context, application):
    """The status badge; a decided application reads "Besluit in voorbereiding" for the municipality until
    its letter is sent, in its words and in its class."""
    request = context.get("request")
    viewer = getattr(request, "user", None)
    code = shown_status(application.status, viewer)
    return format_html(
        '<span class="nplv-badge nplv-badge--{}">{}</span>', code, shown_status_label(application.status, viewer)
    )


@register.simple_tag(takes_context=True)
def status_label(context, application):
    """The status in words, without a badge (a PDF, a sentence)."""
    request = context.get("request")
    return shown_status_label(application.status, getattr(request, "user", None))
