"""``manage.py payments_expire_unpaid``: what Celery beat does every five minutes, for the embedded mode (no beat)."""

from django.core.management.base import BaseCommand

from marketplace.payments.services import stale_work_retry, unpaid_orders_expire


class Command(BaseCommand):
    help = (
        "Cancel the orders paid online that were not paid within STRIPE_UNPAID_TIMEOUT_MINUTES (stock released, "
        "PaymentIntent cancelled, buyer told). Run it from cron in the embedded mode (no Celery beat)."
    )

    def handle(self, *args, **options):
        retried = stale_work_retry()
        self.stdout.write(
            "Stripe events applied late: {applied} ({failed} still failing); "
            "refunds sent again: {refunds_resent}".format(**retried)
        )
        self.stdout.write(f"Unpaid orders cancelled: {unpaid_orders_expire()}")
