from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from oscar.apps.partner.admin import *  # noqa: F403

from core.files import generated_name
from core.personal_data import PersonalDataAdminMixin, mask_phone
from core.uploads import is_new_upload, validate_document
from core.widgets import PrivateFileInput
from partners import certifications, services
from partners.models import Certification, CertificationScheme, County


@admin.register(County)
class CountyAdmin(admin.ModelAdmin):
    list_display = ("name", "prefecture", "assistance_level", "regional_key_assistance", "guangdong_partner", "border")
    list_filter = (
        "prefecture",
        "assistance_level",
        "regional_key_assistance",
        "old_revolutionary_area",
        "border",
        "ethnic_autonomous",
        "source_confidence",
    )
    search_fields = ("name", "slug", "prefecture", "guangdong_partner")
    prepopulated_fields = {"slug": ("name",)}


class CertificationAdminForm(forms.ModelForm):
    """The scan links to the permission-checked download (private storage has no URL)."""

    class Meta:
        model = Certification
        fields = (
            "scheme",
            "number",
            "holder",
            "issuer",
            "valid_from",
            "valid_until",
            "verified",
            "verified_by",
            "verified_at",
            "scan",
        )
        widgets = {"scan": PrivateFileInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "scan" in self.fields and self.instance.pk and self.instance.scan:
            self.fields["scan"].widget.download_url = reverse(
                "cooperatives:certificate-scan", kwargs={"pk": self.instance.pk}
            )

    def clean_scan(self):
        scan = self.cleaned_data.get("scan")
        if is_new_upload(scan):
            scan.name = generated_name(validate_document(scan), prefix="certificate")
        return scan

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("scheme") and cleaned.get("number"):
            draft = Certification(
                scheme=cleaned["scheme"],
                number=certifications.normalise_number(cleaned["number"]),
                valid_from=cleaned.get("valid_from"),
                valid_until=cleaned.get("valid_until"),
            )
            try:
                certifications.validate_certification(draft)
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    if field in self.fields and field not in self.errors:
                        self.add_error(field, errors)
        return cleaned


@admin.register(CertificationScheme)
class CertificationSchemeAdmin(admin.ModelAdmin):
    """Schemes are data: staff add one (圳品 …), name it in three languages and record recognitions (互认)."""

    list_display = ("code", "name", "name_hant", "name_en", "per_batch", "active", "position")
    list_editable = ("position", "active")

    def get_readonly_fields(self, request, obj=None):
        return ("code",) if obj else ()

    def has_delete_permission(self, request, obj=None):
        return obj is not None and not obj.certifications.exists() and super().has_delete_permission(request, obj)


@admin.register(Certification)
class CertificationAdmin(admin.ModelAdmin):
    form = CertificationAdminForm
    list_display = ("number", "scheme", "holder", "valid_from", "valid_until", "verified")
    list_filter = ("scheme", "verified")
    search_fields = ("number", "holder__name")
    autocomplete_fields = ("holder",)

    def save_model(self, request, obj, form, change):
        """Through the service: listings follow the dates, a replaced scan is deleted after commit.

        Staff who tick "verified" while changing a certificate here verify the new version.
        """
        verified = obj.verified
        certifications.certification_save(certification=obj)
        if verified and not obj.verified:
            certifications.certification_verify(certification=obj, staff=request.user)


class CooperativeAdminForm(forms.ModelForm):
    """Suspending a cooperative (unticking "active") needs the reason, shown to its people and kept."""

    def clean(self):
        cleaned = super().clean()
        suspending = self.instance.pk and "is_active" in self.changed_data and not cleaned.get("is_active")
        if suspending and not (cleaned.get("suspension_reason") or "").strip():
            self.add_error("suspension_reason", _("Give the reason for suspending the cooperative."))
        return cleaned


class CooperativeAdmin(PersonalDataAdminMixin, PartnerAdmin):  # noqa: F405
    """Cooperatives (Oscar partners): the contact person's name and mobile number are personal data.

    The number is shown masked and never looked up, searched or filtered; it comes from the
    cooperative's application, where staff see it in the review screens.
    """

    form = CooperativeAdminForm
    personal_fields = ("contact_name", "contact_phone")
    exclude = ("contact_phone",)
    readonly_fields = ("masked_contact_phone", "suspended_at")
    list_display = ("name", "code", "county", "is_active", "suspended_at")
    list_filter = ("is_active",)

    @admin.display(description=_("contact phone"))
    def masked_contact_phone(self, obj) -> str:
        return mask_phone(obj.contact_phone)

    def save_model(self, request, obj, form, change):
        """A change of "active" goes through the service, which tells the catalogue."""
        active, reason = obj.is_active, obj.suspension_reason
        if change and "is_active" in form.changed_data:
            obj.is_active = form.initial["is_active"]
            obj.suspension_reason = form.initial.get("suspension_reason", "")
        super().save_model(request, obj, form, change)
        if change:
            services.cooperative_activation_set(cooperative=obj, active=active, reason=reason)


admin.site.unregister(Partner)  # noqa: F405
admin.site.register(Partner, CooperativeAdmin)  # noqa: F405
