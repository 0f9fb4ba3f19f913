from django.db import migrations, models


class Migration(migrations.Migration):
    """Fulfilment events take the shape of every audit trail (core.models.AuditEvent)."""

    dependencies = [
        ("fulfilment", "0003_sent_notifications_move_to_core_ledger"),
    ]

    operations = [
        migrations.RenameField("fulfilmentevent", "created", "created_at"),
        migrations.AlterModelOptions(
            name="fulfilmentevent",
            options={
                "ordering": ("created_at", "pk"),
                "verbose_name": "fulfilment event",
                "verbose_name_plural": "fulfilment events",
            },
        ),
        migrations.AlterField(
            model_name="fulfilmentevent",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="at"),
        ),
    ]
