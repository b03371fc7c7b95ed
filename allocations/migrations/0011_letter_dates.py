"""Letters dated by the day of sending: the date on every letter and job, the moment a version was sent, and
the batch of a run's letters with its send date.

Letters made before this printed the local date of the decision, so that is their date; the version that was
current when its decision was sent is the version that went out. A run whose letters were made gets a batch
with that date: sent when every decision was sent, else prepared.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import Max

AMSTERDAM = "Europe/Amsterdam"


def _local_date(moment):
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo(AMSTERDAM)).date()


def fill(apps, schema_editor):
    Decision = apps.get_model("allocations", "Decision")
    Letter = apps.get_model("allocations", "Letter")
    LetterJob = apps.get_model("allocations", "LetterJob")
    LetterBatch = apps.get_model("allocations", "LetterBatch")
    dates = {}
    for decision in Decision.objects.filter(letters__isnull=False).distinct().iterator():
        dates[decision.pk] = (_local_date(decision.decided_at), decision.sent_at)
    for decision in Decision.objects.filter(letter_jobs__isnull=False).distinct().iterator():
        dates.setdefault(decision.pk, (_local_date(decision.decided_at), decision.sent_at))
    for decision_id, (letter_date, sent_at) in dates.items():
        Letter.objects.filter(decision_id=decision_id).update(letter_date=letter_date)
        LetterJob.objects.filter(decision_id=decision_id).update(letter_date=letter_date)
        if sent_at is not None:
            sent = (
                Letter.objects.filter(decision_id=decision_id, created_at__lte=sent_at)
                .filter(models.Q(superseded_at__isnull=True) | models.Q(superseded_at__gt=sent_at))
                .order_by("-version")
                .first()
            )
            if sent is not None:
                Letter.objects.filter(pk=sent.pk).update(sent_at=sent_at)
    run_ids = set(LetterJob.objects.values_list("run_id", flat=True)) | set(
        Letter.objects.values_list("decision__run_id", flat=True)
    )
    for run_id in run_ids:
        decisions = Decision.objects.filter(run_id=run_id)
        first = decisions.order_by("decided_at").first()
        if first is None:
            continue
        unsent = decisions.filter(sent_at__isnull=True).exists()
        LetterBatch.objects.create(
            run_id=run_id,
            status="prepared" if unsent else "sent",
            send_on=_local_date(first.decided_at),
            prepared_by_id=first.decided_by_id,
            prepared_at=first.decided_at,
            sent_at=None if unsent else decisions.aggregate(last=Max("sent_at"))["last"],
        )
    if schema_editor.connection.vendor == "postgresql":
        # Run the deferred foreign-key checks of these writes now: PostgreSQL refuses to alter a table (the
        # fields made required below) while such checks are pending.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        schema_editor.execute("SET CONSTRAINTS ALL DEFERRED")


class Migration(migrations.Migration):
    dependencies = [
        ("allocations", "0010_run_rules_hash"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="letter",
            name="letter_date",
            field=models.DateField(null=True, verbose_name="datum van de brief"),
        ),
        migrations.AddField(
            model_name="letter",
            name="sent_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="verzonden op"),
        ),
        migrations.AddField(
            model_name="letterjob",
            name="letter_date",
            field=models.DateField(null=True, verbose_name="datum van de brief"),
        ),
        migrations.CreateModel(
            name="LetterBatch",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "status",
                    models.CharField(
                        choices=[("new", "Nog niet voorbereid"), ("prepared", "Voorbereid"), ("sent", "Verzonden")],
                        default="prepared",
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                ("send_on", models.DateField(verbose_name="verzenddatum")),
                ("prepared_at", models.DateTimeField(verbose_name="voorbereid op")),
                ("sent_at", models.DateTimeField(blank=True, null=True, verbose_name="verzonden op")),
                (
                    "prepared_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "run",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="letter_batch",
                        to="allocations.allocationrun",
                        verbose_name="verdeling",
                    ),
                ),
                (
                    "sent_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "verzending van beschikkingen",
                "verbose_name_plural": "verzendingen van beschikkingen",
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="letter",
            name="letter_date",
            field=models.DateField(verbose_name="datum van de brief"),
        ),
        migrations.AlterField(
            model_name="letterjob",
            name="letter_date",
            field=models.DateField(verbose_name="datum van de brief"),
        ),
    ]
