"""The order e-mails' ledger moves to the one ledger of every e-mail (core.SentMail).

Keys are copied unchanged, so no e-mail recorded as sent before the deploy goes out again;
then the old table is dropped. Reversible: the reverse re-creates the table and copies
back the keys of order e-mails.
"""

from django.db import migrations, models

ORDER_KEY_PREFIXES = ("order:", "fulfilment:")


def copy_to_core_ledger(apps, schema_editor):
    SentNotification = apps.get_model("fulfilment", "SentNotification")
    SentMail = apps.get_model("core", "SentMail")
    known = set(SentMail.objects.values_list("key", flat=True))
    rows = [
        SentMail(key=key)
        for key in SentNotification.objects.values_list("key", flat=True).iterator()
        if key not in known
    ]
    SentMail.objects.bulk_create(rows, batch_size=1000)
    # auto_now_add stamped them now: keep when each e-mail really went out.
    SentMail.objects.filter(key__in=SentNotification.objects.values("key")).update(
        sent_at=models.Subquery(SentNotification.objects.filter(key=models.OuterRef("key")).values("sent_at")[:1])
    )


def copy_back(apps, schema_editor):
    SentNotification = apps.get_model("fulfilment", "SentNotification")
    SentMail = apps.get_model("core", "SentMail")
    for prefix in ORDER_KEY_PREFIXES:
        SentNotification.objects.bulk_create(
            [
                SentNotification(key=key, sent_at=sent_at)
                for key, sent_at in SentMail.objects.filter(key__startswith=prefix).values_list("key", "sent_at")
            ],
            batch_size=1000,
            ignore_conflicts=True,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("fulfilment", "0002_shipping_methods_and_countries"),
        ("core", "0001_outbox_and_sent_mail"),
    ]

    operations = [
        migrations.RunPython(copy_to_core_ledger, copy_back),
        migrations.DeleteModel(name="SentNotification"),
    ]
