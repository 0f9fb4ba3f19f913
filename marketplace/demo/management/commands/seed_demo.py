from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from marketplace.demo import data
from marketplace.demo.seed import DemoSeeder


class Command(BaseCommand):
    help = "Load the demo: counties, cooperatives, products, pages and one user per role. Safe to run twice."

    def handle(self, *args, **options):
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError("seed_demo refuses to run with production settings: it creates known passwords.")
        counts = DemoSeeder(stdout=self.stdout).run()
        self.stdout.write(self.style.SUCCESS("Demo data ready: " + ", ".join(f"{v} {k}" for k, v in counts.items())))
        self.stdout.write(f"\nDemo accounts (password for all: {data.DEMO_PASSWORD})")
        for role, email, _name, _group, _flags in data.ROLE_USERS:
            self.stdout.write(f"  {role:<22} {email}")
        self.stdout.write("\nShop: http://127.0.0.1:8000/shop/   CMS admin: /admin/   Shop dashboard: /shop/dashboard/")
