from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("allocations", "0009_letter_amount"),
    ]

    operations = [
        migrations.AddField(
            model_name="allocationrun",
            name="rules_hash",
            field=models.CharField(blank=True, max_length=64, verbose_name="hash van de toegepaste regels"),
        ),
    ]
