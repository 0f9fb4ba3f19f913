"""``manage.py procurement_totals_rebuild [--unit ID ...]``: recompute the per-unit yearly sums
(``UnitYearTotals``) from the counted order lines (``counting.unit_totals_rebuild``)."""

from django.core.management.base import BaseCommand, CommandError

from marketplace.procurement import counting
from marketplace.procurement.models import BudgetUnit


class Command(BaseCommand):
    help = "Recompute the budget units' yearly placed and completed sums from the counted order lines."

    def add_arguments(self, parser):
        parser.add_argument(
            "--unit", type=int, action="append", dest="units", help="only this unit (repeat for several); default: all"
        )
        parser.add_argument("--subtree", action="store_true", help="with --unit: also every unit below the units named")

    def handle(self, *args, units=None, subtree=False, **options):
        unit_ids = None
        if units:
            found = list(BudgetUnit.objects.filter(pk__in=units))
            missing = sorted(set(units) - {unit.pk for unit in found})
            if missing:
                raise CommandError(f"No budget unit with id {', '.join(map(str, missing))}.")
            unit_ids = {unit.pk for unit in found}
            if subtree:
                for unit in found:
                    unit_ids |= set(BudgetUnit.objects.filter(path__startswith=unit.path).values_list("pk", flat=True))
        rows = counting.unit_totals_rebuild(unit_ids)
        self.stdout.write(f"{rows} unit-year rows written.")
