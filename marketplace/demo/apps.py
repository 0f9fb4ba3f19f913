from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data and the ``seed_demo`` command that loads it (development and tests only)."""

    name = "marketplace.demo"
    label = "demo"
    verbose_name = "Demo data"
