"""Wagtail's page chooser, closed where it looked past ``construct_page_chooser_queryset``.

The hook filters the pages a chooser lists; two of its views also take a page id from the
address: browsing *into* a page shows that page's title, and "chosen" answers with the title of
any id asked for. An employer's account could read another employer's draft titles by trying
ids. These views first pass the id through the same hook, so a page one may not choose is
not found.
"""

from django.http import Http404
from wagtail import hooks
from wagtail.admin.views.chooser import BrowseView, ChosenMultipleView
from wagtail.models import Page

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
