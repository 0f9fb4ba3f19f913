"""URL map. Order matters: Wagtail's catch-all comes last (see DESIGN.md)."""

from django.apps import apps
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from marketplace import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("documents/", include(wagtaildocs_urls)),
]

urlpatterns += i18n_patterns(
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("shop/", include(apps.get_app_config("oscar").urls[0])),
    path("cooperatives/", include("partners.urls")),
    path("fulfilments/", include("marketplace.fulfilment.urls")),
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
