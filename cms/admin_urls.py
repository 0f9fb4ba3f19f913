"""Admin URLs that take the place of Wagtail's own (listed before ``wagtail.admin.urls``)."""

from django.urls import path
from django.views.decorators.cache import never_cache
from wagtail.admin.auth import require_admin_access
from wagtail.utils.urlpatterns import decorate_urlpatterns

from cms import admin_views

urlpatterns = decorate_urlpatterns(
    [
        path("choose-page/<id:parent_page_id>/", admin_views.PageChooserBrowseView.as_view()),
        path("choose-page/chosen-multiple/", admin_views.PageChosenMultipleView.as_view()),
    ],
    lambda view: never_cache(require_admin_access(view)),
)
