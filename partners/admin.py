from django.contrib import admin
from oscar.apps.partner.admin import *  # noqa: F403

from partners.models import Certification, County


@admin.register(County)
class CountyAdmin(admin.ModelAdmin):
    list_display = ("name", "prefecture", "assistance_level", "guangdong_partner", "border", "source_confidence")
    list_filter = ("prefecture", "assistance_level", "border", "ethnic_autonomous", "source_confidence")
    search_fields = ("name", "slug", "prefecture", "guangdong_partner")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Certification)
class CertificationAdmin(admin.ModelAdmin):
    list_display = ("number", "scheme", "holder", "valid_from", "valid_until", "verified")
    list_filter = ("scheme", "verified")
    search_fields = ("number", "holder__name")
    autocomplete_fields = ("holder",)
