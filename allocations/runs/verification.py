"""What verify compares beyond the lines: the run's totals, its decisions, its letters and the instalments of
its sent awards, each against the lines recomputed from the stored snapshot (the instalments against the
schedule their sent letter states).

A final run's decisions carry the amounts the letters print, and a sent letter is what the municipality
holds: checking the lines alone would miss a decision or a letter that no longer matches them. Each finding
is ``{reference, field, stored, computed}`` like a line's (money in cents, as there). The cost is a fixed
number of queries, whatever the number of lines; letter files are read one at a time, in chunks.
"""

from __future__ import annotations

import hashlib

from django.db.models import Q

from accounts.money import cents
from allocations.letters.models import Letter
from allocations.payments.models import Instalment
from allocations.payments.schedule import payment_schedule
from allocations.runs import plan
from allocations.runs.execution import totals
from allocations.runs.models import AllocationRun, Decision, LineSplit, outcome_for

#: A letter the municipality received. Until letters record their own sending, a letter counts as sent when
#: its decision was sent; once ``Letter.sent_at`` exists this becomes ``Q(sent_at__isnull=False)``.
SENT_LETTER = Q(sent_at__isnull=False)
#: The letters verify reads: every sent one and every current one.
CHECKED_LETTERS = SENT_LETTER | Q(superseded_at__isnull=True)

CHUNK = 1024 * 1024


def _difference(reference: str, field: str, stored, computed) -> dict:
    return {"reference": reference, "field": field, "stored": str(stored), "computed": str(computed)}


def total_differences(run: AllocationRun, computed: plan.Plan) -> list[dict]:
    """The run's stored totals (budget, requested, awarded, unspent, funded count, per pot) against the
    recomputation."""
    found = []
    for name, value in totals(computed).items():
        stored = getattr(run, name)
        if name.startswith("total_"):
            stored, value = cents(stored), cents(value)
        if stored != value:
            found.append(_difference("", name, stored, value))
    return found


def decision_differences(
    run: AllocationRun, planned: dict[int, plan.PlannedLine] | None, line_ids: dict[int, int]
) -> tuple[list[dict], int]:
    """Every decision of the run against its recomputed line: it exists for every included line, points at
    that application's line of this run, and has the recomputed amount and the outcome that amount means.
    ``planned`` is None when the snapshot could not be recomputed (already reported): nothing to compare."""
    decisions = list(
        Decision.objects.filter(run=run)
        .order_by("number")
        .values_list("application_id", "line_id", "number", "outcome", "amount")
    )
    if planned is None:
        return [], len(decisions)
    found = []
    decided = set()
    for application_id, line_id, number, outcome, amount in decisions:
        decided.add(application_id)
        line = planned.get(application_id)
        if line is None or not line.included:
            found.append(_difference(number, "decision", "present", "absent"))
            continue
        if line_id != line_ids.get(application_id):
            found.append(_difference(number, "decision.line", line_id, line_ids.get(application_id)))
        if cents(amount) != line.awarded:
            found.append(_difference(number, "decision.amount", cents(amount), line.awarded))
        expected = outcome_for(awarded=line.awarded, requested=line.requested)
        if outcome != expected:
            found.append(_difference(number, "decision.outcome", outcome, expected.value))
    for application_id, line in planned.items():
        if line.included and application_id not in decided:
            found.append(_difference(line.reference, "decision", "absent", "present"))
    return found, len(decisions)


def file_sha256(storage, name: str) -> str | None:
    """The SHA-256 of a stored file, read in chunks; None when the file is missing."""
    if not name:
        return None
    digest = hashlib.sha256()
    try:
        with storage.open(name, "rb") as handle:
            while chunk := handle.read(CHUNK):
                digest.update(chunk)
    except FileNotFoundError:
        return None
    return digest.hexdigest()


def letter_differences(run: AllocationRun, planned: dict[int, plan.PlannedLine] | None) -> tuple[list[dict], int]:
    """Every sent or current letter of the run's decisions: the amount it prints equals the recomputed award
    (skipped when the snapshot could not be recomputed), and its file still has the stored SHA-256 (a
    missing file is a difference too)."""
    letters = list(
        Letter.objects.filter(decision__run=run)
        .filter(CHECKED_LETTERS)
        .order_by("decision__number", "version")
        .values_list("decision__number", "decision__application_id", "version", "amount", "sha256", "file")
    )
    storage = Letter._meta.get_field("file").storage
    found = []
    for number, application_id, version, amount, sha256, name in letters:
        reference = f"{number} v{version}"
        line = planned.get(application_id) if planned is not None else None
        if line is not None and cents(amount) != line.awarded:
            found.append(_difference(reference, "letter.amount", cents(amount), line.awarded))
        digest = file_sha256(storage, name)
        if digest is None:
            found.append(_difference(reference, "letter.file", name or "-", "absent"))
        elif digest != sha256:
            found.append(_difference(reference, "letter.sha256", sha256, digest))
    return found, len(letters)


def _schedule_text(rows) -> str:
    return "; ".join(f"{sequence}: {year} {due_on.isoformat()} {amount}" for sequence, year, due_on, amount in rows)


def instalment_differences(run: AllocationRun) -> list[dict]:
    """The instalments of every sent award of the run against the payment schedule its sent letter states
    (``payments.schedule``, from the line's splits and the letter's date): the same terms, years, due dates
    and amounts, so they add up to the award; a sent award without its instalments is a difference too.
    Four queries, whatever the number of decisions."""
    decisions = list(
        Decision.objects.filter(run=run, sent_at__isnull=False, amount__gt=0)
        .order_by("number")
        .values_list("pk", "number", "line_id")
    )
    if not decisions:
        return []
    splits: dict[int, list[tuple[int, int]]] = {}
    for line_id, year, awarded in LineSplit.objects.filter(line__run=run).values_list("line_id", "year", "awarded"):
        splits.setdefault(line_id, []).append((year, cents(awarded)))
    letter_dates = dict(
        Letter.objects.filter(decision__run=run, sent_at__isnull=False).values_list("decision_id", "letter_date")
    )
    stored: dict[int, list[tuple]] = {}
    for decision_id, *row in (
        Instalment.objects.filter(decision__run=run)
        .order_by("decision_id", "sequence")
        .values_list("decision_id", "sequence", "year", "due_on", "amount")
    ):
        stored.setdefault(decision_id, []).append((row[0], row[1], row[2], cents(row[3])))
    found = []
    for pk, number, line_id in decisions:
        letter_date = letter_dates.get(pk)
        if letter_date is None:
            continue  # no sent letter to read the schedule from (a letter check reports what is wrong with it)
        expected = [
            (p.sequence, p.year, p.due_on, p.cents) for p in payment_schedule(splits.get(line_id, []), letter_date)
        ]
        have = stored.get(pk, [])
        if have != expected:
            found.append(_difference(number, "instalments", _schedule_text(have) or "-", _schedule_text(expected)))
    return found
