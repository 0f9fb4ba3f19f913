from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LaborConfig(AppConfig):
    """Labor cooperation (劳务协作): job seekers' applications to labor posts, outcomes, statistics."""

    name = "labor"
    label = "labor"
    verbose_name = _("Labor cooperation")

    def ready(self):
        from wagtail.models.reference_index import ReferenceIndex

        # Applications protect their post (its outcomes are statistics): indexed, Wagtail's delete
        # screen says a post with applications cannot be deleted instead of failing on the database.
        ReferenceIndex.register_model(self.get_model("JobApplication"))
