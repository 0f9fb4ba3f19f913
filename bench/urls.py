"""The site's URLs plus a trivial view, the baseline every page is compared with."""

from django.http import HttpResponse
from django.urls import path

from marketplace.urls import handler404, handler500, urlpatterns as site_urlpatterns  # noqa: F401


def trivial(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/trivial/", trivial, name="bench-trivial"), *site_urlpatterns]
