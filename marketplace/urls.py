"""URL map. Order matters: Wagtail's catch-all comes last (see DESIGN.md)."""

from django.apps import apps
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.decorators.http import require_POST
from django.views.i18n import JavaScriptCatalog
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.admin.views.account import LogoutView as WagtailLogoutView
from wagtail.documents import urls as wagtaildocs_urls

from core.converters import database_id_urls
from marketplace import views
from marketplace.payments.views import stripe_webhook
from products.views import BrandDetailView, BrandIndexView, ProductSearchView

# Regional brands (区域公用品牌): public pages of the shop, next to the catalogue.
brand_urls = [
    path("", BrandIndexView.as_view(), name="index"),
    path("<slug:slug>/", BrandDetailView.as_view(), name="detail"),
]

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("documents/", include(wagtaildocs_urls)),
    # Stripe's webhook: one address whatever the language, no CSRF token (the signature is the check).
    path("payments/stripe/webhook/", stripe_webhook, name="stripe-webhook"),
]

urlpatterns += i18n_patterns(
    path("django-admin/", admin.site.urls),
    # Wagtail's logout refuses a GET but still deletes the session cookie in its answer, so a link
    # on another site would log an editor out: a GET is turned away before Wagtail's view runs.
    path("admin/logout/", require_POST(WagtailLogoutView.as_view())),
    path("admin/", include("cms.admin_urls")),  # before Wagtail's: its page views that take an id
    path("admin/", include(wagtailadmin_urls)),
    # Login, registration and logout of the shop, at Oscar's own paths: before Oscar's URLs.
    path("shop/", include("marketplace.accounts.urls")),
    # Oscar's search address lists what the shop shows (Haystack's simple backend scanned every product).
    path("shop/search/", ProductSearchView.as_view(), name="product-search"),
    path("shop/brands/", include((brand_urls, "brands"))),
    # Oscar's integer ids read as ours (core.converters): a number beyond any row is a 404, not a 500.
    path("shop/", include(database_id_urls(apps.get_app_config("oscar").urls[0]))),
    path("cooperatives/", include("marketplace.cooperative_urls")),
    path("fulfilments/", include("marketplace.fulfilment.urls")),
    path("procurement/", include("marketplace.procurement.urls")),
    path("payments/", include("marketplace.payments.urls")),
    path("labor/", include("labor.urls")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    from core.views import serve_media

    # With the headers the production proxy sets on /media/ (README, "Uploaded files").
    urlpatterns = static(settings.MEDIA_URL, serve_media, document_root=settings.MEDIA_ROOT) + urlpatterns

handler404 = "marketplace.views.page_not_found"
handler500 = "marketplace.views.server_error"
