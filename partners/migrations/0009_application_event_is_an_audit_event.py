from django.db import migrations, models


class Migration(migrations.Migration):
    """Application events take the shape of every audit trail (core.models.AuditEvent)."""

    dependencies = [
        ("partner", "0008_county_cooperative_certification"),
    ]

    operations = [
        migrations.AlterField(
            model_name="applicationevent",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="at"),
        ),
    ]
