"""Each letter stores the amount it prints (the decision's amount, 0 for a refusal), so that verify can compare
what a municipality received with the recomputed line. Letters stored before get it from their decision."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    Letter = apps.get_model("allocations", "Letter")
    Decision = apps.get_model("allocations", "Decision")
    Letter.objects.exclude(decision__outcome="rejected").update(
        amount=Subquery(Decision.objects.filter(pk=OuterRef("decision_id")).values("amount")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [("allocations", "0008_final_runs_immutable")]

    operations = [
        migrations.AddField(
            model_name="letter",
            name="amount",
            field=models.DecimalField(decimal_places=2, default=0, max_digits=14, verbose_name="bedrag in de brief"),
            preserve_default=False,
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
