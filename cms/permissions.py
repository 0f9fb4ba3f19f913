"""Page permissions of employers' accounts (用人单位): they see only their employer's pages."""

from django.db.models import F, Q
from wagtail.models import Page, PagePermissionTester
from wagtail.permission_policies.pages import PagePermissionPolicy


class OwnPagesPermissionPolicy(PagePermissionPolicy):
    """Below a page where a user may only *add*, they see only their own pages.

    Wagtail lets a user whose only permission on a page is "add" edit just the children
    they own (employers on the jobs index), yet its explorer, page search, history reports
    and page chooser list every child, drafts included. With this policy the other pages
    under such a page are not explorable for that user, except job posts of an employer
    the user works for: colleagues at one employer share its posts (see
    ``EmployerPostPermissionTester``). A wider permission ("change",
    "publish" …) on the page or above it lifts the restriction, so editors and moderators
    see everything as before.
    """

    WIDER_ACTIONS = {"change", "publish", "bulk_delete", "lock", "unlock"}

    def visible_q(self, user) -> Q | None:
        """Condition on pages ``user`` may see below "add only" permissions; None when nothing is hidden."""
        if not user.is_active or user.is_anonymous or user.is_superuser:
            return None
        permissions = self.get_cached_permissions_for_user(user)
        wider = self._get_permission_codenames(self.WIDER_ACTIONS)
        wider_paths = [perm.page.path for perm in permissions if perm.permission.codename in wider]
        add = self._get_permission_codename("add")
        below = Q()
        for perm in permissions:
            page = perm.page
            if perm.permission.codename == add and not any(page.path.startswith(path) for path in wider_paths):
                below |= Q(path__startswith=page.path, depth__gt=page.depth)
        if not below:
            return None
        return ~below | Q(owner=user) | Q(laborpostpage__employer__users=user)

    def explorable_instances(self, user):
        pages = super().explorable_instances(user)
        visible = self.visible_q(user)
        # Ids from a subquery, not the joins of visible_q: the admin's page search can filter by ids.
        return pages if visible is None else pages.filter(pk__in=Page.objects.filter(visible).values("pk"))

    def choosable_q(self, user) -> Q | None:
        """Condition on the pages ``user`` may see in choosers (page, link, internal link search); None: all.

        Drafts are seen only where one may edit: below a page with a wider permission than
        "add" (editors, moderators), one's own pages, and the job posts of one's employer.
        Everywhere else — for an employer's account, everywhere but its own posts — only live,
        public pages whose title is the published one (a pending change of title is a draft too).
        The condition is a subquery on ids, so that Wagtail's search can filter by it.
        """
        if not user.is_active or user.is_anonymous:
            return Q(pk__in=[])
        if user.is_superuser:
            return None
        permissions = self.get_cached_permissions_for_user(user)
        wider = self._get_permission_codenames(self.WIDER_ACTIONS)
        wider_paths = {perm.page.path for perm in permissions if perm.permission.codename in wider}
        if any(len(path) <= Page.steplen for path in wider_paths):  # the tree's root: everything
            return None
        published = Page.objects.live().public().filter(draft_title=F("title"))
        editable = Q(owner=user) | Q(laborpostpage__employer__users=user)
        for path in wider_paths:
            editable |= Q(path__startswith=path)
        return Q(pk__in=published.values("pk")) | Q(pk__in=Page.objects.filter(editable).values("pk"))


class EmployerPostPermissionTester(PagePermissionTester):
    """Wagtail's tests, and: an account of the post's employer may do what its owner may.

    Wagtail lets an "add only" user edit (and delete while a draft) just the pages they
    created; a post belongs to its employer, so a colleague who took over the recruiting
    carries on with it. Publishing still goes through moderation.
    """

    def _colleague(self) -> bool:
        if "add" not in self.permissions or not self.page.employer_id:
            return False
        if not hasattr(self, "_is_colleague"):
            from cms.selectors import employers_of

            self._is_colleague = employers_of(self.user).filter(pk=self.page.employer_id).exists()
        return self._is_colleague

    def can_edit(self):
        if super().can_edit():
            return True
        return self.user.is_active and not self.page_is_root and self._colleague()

    def can_delete(self, ignore_bulk=False):
        if super().can_delete(ignore_bulk=ignore_bulk):
            return True
        return (
            self.user.is_active
            and "change" not in self.permissions
            and not self.page.live
            and self.page.is_leaf()
            and self._colleague()
        )
