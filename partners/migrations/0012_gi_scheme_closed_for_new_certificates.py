"""New geographical indications are regional brands (brands app), not one cooperative's certificate.

The 农产品地理标志 scheme stays for the certificates already on file (they keep their badge
while verified and valid, and were copied into regional brands), but no new certificate of
it can be added.
"""

from django.db import migrations


def close_gi(apps, schema_editor):
    apps.get_model("partner", "CertificationScheme").objects.filter(code="gi").update(active=False)


def reopen_gi(apps, schema_editor):
    apps.get_model("partner", "CertificationScheme").objects.filter(code="gi").update(active=True)


class Migration(migrations.Migration):
    dependencies = [("partner", "0011_certification_schemes_are_data")]

    operations = [migrations.RunPython(close_gi, reopen_gi)]
