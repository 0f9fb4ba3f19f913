from django.core.management.base import BaseCommand

from partners.services import counties_import_reference


class Command(BaseCommand):
    help = "Load Guangxi's assisted counties from the reference data (keeps staff edits unless --update)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--update", action="store_true", help="Overwrite existing counties with the reference values."
        )

    def handle(self, *args, update=False, **options):
        counts = counties_import_reference(update=update)
        self.stdout.write(
            self.style.SUCCESS(
                "Counties: {created} created, {updated} updated, {unchanged} unchanged.".format(**counts)
            )
        )
