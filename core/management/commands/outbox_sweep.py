"""``manage.py outbox_sweep``: what Celery beat does every minute, for the embedded mode (no beat)."""

from django.core.management.base import BaseCommand

from core.outbox import outbox_sweep


class Command(BaseCommand):
    help = (
        "Publish the outbox messages that wait after a broker or mail outage: those due now, "
        "or every waiting one with --all. Run it from cron in the embedded mode (no Celery beat)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all",
            action="store_true",
            dest="waiting_too",
            help="Also the messages still pausing before their next attempt (once the outage is fixed).",
        )

    def handle(self, *args, waiting_too=False, **options):
        counts = outbox_sweep(waiting_too=waiting_too)
        self.stdout.write(
            "Outbox: {sent} sent, {failed} failed, {pending} still waiting; {pruned} old sent messages removed.".format(
                **counts
            )
        )
