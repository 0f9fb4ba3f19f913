from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from oscar.apps.partner.admin import *  # noqa: F403

from core.personal_data import PersonalDataAdminMixin, mask_phone
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


class CooperativeAdmin(PersonalDataAdminMixin, PartnerAdmin):  # noqa: F405
    """Cooperatives (Oscar partners): the contact person's name and mobile number are personal data.

    The number is shown masked and never looked up, searched or filtered; it comes from the
    cooperative's application, where staff see it in the review screens.
    """

    personal_fields = ("contact_name", "contact_phone")
    exclude = ("contact_phone",)
    readonly_fields = ("masked_contact_phone",)

    @admin.display(description=_("contact phone"))
    def masked_contact_phone(self, obj) -> str:
        return mask_phone(obj.contact_phone)


admin.site.unregister(Partner)  # noqa: F405
admin.site.register(Partner, CooperativeAdmin)  # noqa: F405
