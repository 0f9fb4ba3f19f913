"""The budget-unit portal (预算单位): ``/procurement/``. Each area keeps its own URL module."""

from django.urls import include, path

from marketplace.procurement import views

app_name = "procurement"

urlpatterns = [
    path("", views.PortalHomeView.as_view(), name="home"),
]

# Each area of the portal (approvals, filings, payments, progress) adds its routes here.
for module in ("urls_orders", "urls_filings", "urls_payments", "urls_progress"):
    try:
        urlpatterns.append(path("", include(f"marketplace.procurement.{module}")))
    except ModuleNotFoundError as error:  # an area not built yet
        if error.name != f"marketplace.procurement.{module}":
            raise
