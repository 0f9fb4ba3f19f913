"""Wagtail's page chooser and explorer, closed where they looked past our page permissions.

The hook ``construct_page_chooser_queryset`` filters the pages a chooser lists, and the
permission policy (``cms.permissions``) the pages the explorer lists; but three views also take
a page id from the address and show that page's title whatever it is: browsing *into* a page in
the chooser, "chosen" (the title of any id asked for), and the explorer of a page's children
(its heading). An employer's account — whose jobs pages in three languages make the tree's root
its explorable root — could read any draft's title by trying ids. These views first check the
id against the same rules, so a page one may not see is not found.
"""

from django.http import Http404
from wagtail import hooks
from wagtail.admin.views.chooser import BrowseView, ChosenMultipleView
from wagtail.admin.viewsets.pages import page_viewset_registry
from wagtail.models import Page
from wagtail.permissions import policy_registry

from core.converters import parse_database_id


def choosable_pages(request):
    """Every page the chooser may show to ``request.user``: Wagtail's hook chain, as the lists use it."""
    pages = Page.objects.all()
    for hook in hooks.get_hooks("construct_page_chooser_queryset"):
        pages = hook(pages, request)
    return pages


class PageChooserBrowseView(BrowseView):
    """Browse a page's children in the chooser, if that page is choosable itself (the root always is)."""

    def get(self, request, parent_page_id=None):
        if parent_page_id is not None:
            parent = Page.objects.filter(pk=parent_page_id).only("depth").first()
            if parent is None or (not parent.is_root() and not choosable_pages(request).filter(pk=parent.pk).exists()):
                raise Http404
        return super().get(request, parent_page_id)


class PageChosenMultipleView(ChosenMultipleView):
    """The chosen pages' titles and addresses, for ids of choosable pages only (others are left out)."""

    def get(self, request):
        ids = [pk for pk in map(parse_database_id, request.GET.getlist("id")) if pk is not None]
        allowed = choosable_pages(request).filter(pk__in=ids).values_list("pk", flat=True)
        request.GET = request.GET.copy()
        request.GET.setlist("id", [str(pk) for pk in allowed])
        return super().get(request)


def page_explorer_view(view_name: str):
    """Wagtail's explorer view ``view_name`` ("index", "index_results") for pages one may explore only."""
    view = page_viewset_registry.as_view(view_name, parent_page_id_kwarg="parent_page_id")

    def explore(request, parent_page_id: int):
        explorable = policy_registry.get_by_type(Page).explorable_instances(request.user)
        if not explorable.filter(pk=parent_page_id).exists():
            raise Http404
        return view(request, parent_page_id=parent_page_id)

    return explore
