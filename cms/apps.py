from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Content")

    def ready(self):
        from django.db.models.signals import post_delete, post_save
        from wagtail.models import Locale, Page
        from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

        from cms import site_cache

        for signal in (page_published, page_unpublished, post_page_move, page_slug_changed):
            signal.connect(site_cache.invalidate, dispatch_uid=f"site-chrome-{id(signal)}")
        post_delete.connect(site_cache.invalidate, sender=Page, dispatch_uid="site-chrome-page-delete")
        post_save.connect(site_cache.invalidate, sender=Locale, dispatch_uid="site-chrome-locale-save")
        post_delete.connect(site_cache.invalidate, sender=Locale, dispatch_uid="site-chrome-locale-delete")
        # County names appear in the project filter kept with the chrome.
        post_save.connect(site_cache.invalidate, sender="partner.County", dispatch_uid="site-chrome-county-save")

        from wagtail.signals import copy_for_translation_done

        from cms.traditional import convert_translated_copy

        copy_for_translation_done.connect(convert_translated_copy, dispatch_uid="traditional-copy")

        from cms.models import LaborPostIndexPage

        # A jobs index created after the migration (seed_demo, a new site) is open to employers' posts too.
        post_save.connect(_jobs_index_created, sender=LaborPostIndexPage, dispatch_uid="jobs-index-employers")


def _jobs_index_created(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        from cms.services import employer_group_grant_posting

        employer_group_grant_posting(index_page=instance)
