"""What the public rules pages, the preview and the money side read of the published rules."""

from __future__ import annotations

from django.db.models import QuerySet

from applications.models import Call, RulesVersion


def public_calls() -> QuerySet[Call]:
    """Calls whose rules anyone may read: the published ones (an unpublished call is a 404 for all)."""
    return Call.objects.visible().select_related("scheme").order_by("-opens_at", "title")


def versions_of(call: Call) -> QuerySet[RulesVersion]:
    """Every published version, newest first, without the documents (the history lists them)."""
    return RulesVersion.objects.filter(call=call).defer("document").order_by("-number")


def latest_version(call: Call) -> RulesVersion | None:
    """The version in force: the last one published (before the window opened, after which none can follow)."""
    return RulesVersion.objects.filter(call=call).order_by("-number").first()


def version_of(call: Call, number: int) -> RulesVersion | None:
    return RulesVersion.objects.filter(call=call, number=number).first()


def version_with_hash(call_id: int, sha256: str) -> RulesVersion | None:
    """The published version of the call with this hash, if any (a run's rules, shown with their number)."""
    if not sha256:
        return None
    return RulesVersion.objects.filter(call_id=call_id, sha256=sha256).defer("document").order_by("-number").first()
