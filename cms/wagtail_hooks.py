"""Wagtail admin: snippets of the CMS (employers, forbidden wording) and employers' page permissions."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.models import AbstractPage
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.chooser import ChooseResultsView, ChooseView, SnippetChooserViewSet, SnippetChosenView
from wagtail.snippets.views.snippets import SnippetViewSet

from cms import selectors
from cms.models import Employer, ForbiddenTerm
from cms.permissions import OwnPagesPermissionPolicy

# Registered first, before anything asks for the page policy (see Wagtail's PolicyRegistry).
page_permission_policy = OwnPagesPermissionPolicy()
register_permission_policy(AbstractPage, page_permission_policy)


@hooks.register("construct_page_chooser_queryset")
def hide_drafts_of_others(pages, request):
    """Page and link choosers, browsing and search: no one sees a draft they may not edit."""
    visible = page_permission_policy.choosable_q(request.user)
    return pages if visible is None else pages.filter(visible)


class OwnEmployersMixin:
    """The employers a user may post for: every one for staff and editors, else their own."""

    def get_object_list(self):
        return selectors.employers_for_user(self.request.user)


class EmployerChooseView(OwnEmployersMixin, ChooseView):
    pass


class EmployerChooseResultsView(OwnEmployersMixin, ChooseResultsView):
    pass


class EmployerChosenView(SnippetChosenView):
    def get_object(self, pk):
        return selectors.employers_for_user(self.request.user).get(pk=pk)


class EmployerChooserViewSet(SnippetChooserViewSet):
    choose_view_class = EmployerChooseView
    choose_results_view_class = EmployerChooseResultsView
    chosen_view_class = EmployerChosenView


class EmployerViewSet(SnippetViewSet):
    """Employers (用人单位), managed by staff and editors; their accounts only choose their own."""

    model = Employer
    icon = "group"
    chooser_viewset_class = EmployerChooserViewSet
    list_display = ["name", "city", "contact_name"]
    list_filter = ["city"]
    search_fields = ["name"]


class ForbiddenTermViewSet(SnippetViewSet):
    """Forbidden wording in job posts (违规用语), kept by staff and editors."""

    model = ForbiddenTerm
    icon = "warning"
    menu_label = _("Forbidden wording")
    list_display = ["term", "category", "active"]
    list_filter = ["category", "active"]
    search_fields = ["term"]


register_snippet(EmployerViewSet)
register_snippet(ForbiddenTermViewSet)
