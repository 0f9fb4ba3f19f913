"""Oscar's dashboard views as we serve them: the home page counts a cooperative's revenue from
its own fulfilments, not whole orders; the order list and reports export CSV whose cells
cannot run as formulas (a guest's e-mail address or a delivery name is typed by the buyer)."""

from datetime import timedelta
from decimal import Decimal

from django.db.models import Avg, F, Sum
from django.utils.timezone import now
from oscar.apps.dashboard import views as dashboard_views
from oscar.core.loading import get_class, get_model

from core.access import is_platform_staff
from core.spreadsheets import SafeUnicodeCSVWriter, safe_cell
from marketplace.fulfilment.models import Fulfilment
from marketplace.fulfilment.selectors import cooperative_scope

Line = get_model("order", "Line")
OscarOrderListView = get_class("dashboard.orders.views", "OrderListView")
OscarReportsIndexView = get_class("dashboard.reports.views", "IndexView")
ReportCSVFormatter = get_class("dashboard.reports.reports", "ReportCSVFormatter")


class IndexView(dashboard_views.IndexView):
    def get_hourly_report(self, orders, *args, **kwargs):
        if not is_platform_staff(self.request.user):  # whole-order totals would include other cooperatives' lines
            orders = orders.none()
        return super().get_hourly_report(orders, *args, **kwargs)

    def get_stats(self):
        stats = super().get_stats()
        if is_platform_staff(self.request.user):
            return stats
        # Only the parts given to the cooperative count: Oscar counts every order with one of its lines,
        # orders still waiting for a unit's approval or for payment (and never paid) among them.
        own = cooperative_scope(Fulfilment.objects.all(), self.request.user)
        last_day = own.filter(created__gt=now() - timedelta(hours=24))
        lines = Line.objects.filter(order__fulfilments__in=own, partner_id=F("order__fulfilments__partner_id"))
        zero = Decimal("0.00")
        stats.update(
            total_orders=own.values("order").distinct().count(),
            total_orders_last_day=last_day.values("order").distinct().count(),
            total_lines=lines.count(),
            total_lines_last_day=lines.filter(order__fulfilments__in=last_day).count(),
            total_customers=own.exclude(order__user=None).values("order__user").distinct().count(),
            total_customers_last_day=last_day.exclude(order__user=None).values("order__user").distinct().count(),
        )
        stats.update(
            total_revenue=own.aggregate(total=Sum("goods_total"))["total"] or zero,
            total_revenue_last_day=last_day.aggregate(total=Sum("goods_total"))["total"] or zero,
            average_order_costs=last_day.aggregate(average=Avg("goods_total"))["average"] or zero,
        )
        return stats


class OrderListView(OscarOrderListView):
    def get_row_values(self, order):
        return {column: safe_cell(value) for column, value in super().get_row_values(order).items()}


def _safe_report_writer(file_handle, **kwargs):
    return SafeUnicodeCSVWriter(open_file=file_handle, **kwargs)


class ReportsIndexView(OscarReportsIndexView):
    def _get_generator(self, form):
        generator = super()._get_generator(form)
        if isinstance(generator.formatter, ReportCSVFormatter):
            generator.formatter.get_csv_writer = _safe_report_writer
        return generator
