"""Admin URLs that take the place of Wagtail's own (listed before ``wagtail.admin.urls``): the views
of ``cms.admin_views`` that check a page id from the address against our page permissions."""

from django.urls import path
from django.views.decorators.cache import never_cache
from wagtail.admin.auth import require_admin_access
from wagtail.utils.urlpatterns import decorate_urlpatterns

from cms import admin_views

urlpatterns = decorate_urlpatterns(
    [
        path("choose-page/<id:parent_page_id>/", admin_views.PageChooserBrowseView.as_view()),
        path("choose-page/chosen-multiple/", admin_views.PageChosenMultipleView.as_view()),
        path("pages/<id:parent_page_id>/", admin_views.page_explorer_view("index")),
        path("pages/<id:parent_page_id>/results/", admin_views.page_explorer_view("index_results")),
    ],
    lambda view: never_cache(require_admin_access(view)),
)
