"""The published rules of a call: every version of its division rules as canonical JSON with its SHA-256.

A version is written while the call's window has not opened yet, each time its configuration changes the
rules document (applications/published_rules/). The stored text is the document byte for byte, so the
hash on the public page, in a run, in a letter and in ``verify`` can be checked with ``sha256sum``.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models.calls import Call


class RulesVersion(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="rules_versions", verbose_name=_("ronde"))
    number = models.PositiveIntegerField(_("versie"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    document = models.TextField(_("regels (canonieke JSON)"))
    published_at = models.DateTimeField(_("gepubliceerd op"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["call", "-number"]
        verbose_name = _("versie van de regels")
        verbose_name_plural = _("versies van de regels")
        constraints = [
            models.UniqueConstraint(fields=["call", "number"], name="unique_rules_version_per_call"),
        ]

    def __str__(self) -> str:
        return f"{self.call} v{self.number}"

    @property
    def content(self) -> bytes:
        """The canonical JSON as it is downloaded and hashed."""
        return self.document.encode()

    @property
    def intact(self) -> bool:
        """Whether the stored text still has the stored hash."""
        return hashlib.sha256(self.content).hexdigest() == self.sha256
