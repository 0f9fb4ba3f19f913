import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0034_traceability_code_duplicates_cleared"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="product",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("traceability_code"),
                condition=models.Q(("traceability_code", ""), _negated=True),
                name="product_traceability_code_unique",
                violation_error_message="Another product already uses this traceability code.",
            ),
        ),
    ]
