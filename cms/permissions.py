"""Page permissions of employers' accounts (用人单位): they see only the pages they own."""

from django.db.models import Q
from wagtail.permission_policies.pages import PagePermissionPolicy


class OwnPagesPermissionPolicy(PagePermissionPolicy):
    """Below a page where a user may only *add*, they see only the pages they own.

    Wagtail lets a user whose only permission on a page is "add" edit just the children
    they own (employers on the jobs index), yet its explorer, page search, history reports
    and page chooser list every child, drafts included. With this policy the other pages
    under such a page are not explorable for that user. A wider permission ("change",
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
        return ~below | Q(owner=user)

    def explorable_instances(self, user):
        pages = super().explorable_instances(user)
        visible = self.visible_q(user)
        return pages if visible is None else pages.filter(visible)
