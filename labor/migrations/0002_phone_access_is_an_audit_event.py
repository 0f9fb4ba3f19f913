import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """Views of a mobile number take the shape of every audit trail (core.models.AuditEvent)."""

    dependencies = [
        ("labor", "0001_job_applications_and_phone_access"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField("phoneaccess", "viewer", "actor"),
        migrations.RenameField("phoneaccess", "method", "action"),
        migrations.RenameField("phoneaccess", "accessed_at", "created_at"),
        migrations.AlterModelOptions(
            name="phoneaccess",
            options={
                "ordering": ("-created_at", "-pk"),
                "verbose_name": "mobile number access",
                "verbose_name_plural": "mobile number accesses",
            },
        ),
        migrations.AddField(
            model_name="phoneaccess",
            name="note",
            field=models.TextField(blank=True, verbose_name="note"),
        ),
        migrations.AlterField(
            model_name="phoneaccess",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="by",
            ),
        ),
        migrations.AlterField(
            model_name="phoneaccess",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="at"),
        ),
    ]
