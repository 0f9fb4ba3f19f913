"""Oscar's dashboard home for cooperatives: revenue from their own fulfilments, not whole orders."""

from datetime import timedelta
from decimal import Decimal

from django.db.models import Avg, Sum
from django.utils.timezone import now
from oscar.apps.dashboard import views as dashboard_views

from marketplace.fulfilment.models import Fulfilment


class IndexView(dashboard_views.IndexView):
    def get_hourly_report(self, orders, *args, **kwargs):
        if not self.request.user.is_staff:  # whole-order totals would include other cooperatives' lines
            orders = orders.none()
        return super().get_hourly_report(orders, *args, **kwargs)

    def get_stats(self):
        stats = super().get_stats()
        if self.request.user.is_staff:
            return stats
        own = Fulfilment.objects.filter(partner__users=self.request.user)
        last_day = own.filter(created__gt=now() - timedelta(hours=24))
        zero = Decimal("0.00")
        stats.update(
            total_revenue=own.aggregate(total=Sum("goods_total"))["total"] or zero,
            total_revenue_last_day=last_day.aggregate(total=Sum("goods_total"))["total"] or zero,
            average_order_costs=last_day.aggregate(average=Avg("goods_total"))["average"] or zero,
        )
        return stats
