"""Staff screens for regional brands: brands, the queue of authorisations to verify, revocations.

Every change goes through ``brands.services``: the admin adds no rule of its own.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from brands import services
from brands.models import BrandAuthorisation, ProductBrand, RegionalBrand
from core.files import generated_name
from core.uploads import is_new_upload, validate_document
from core.widgets import PrivateFileInput


class RegionalBrandAdminForm(forms.ModelForm):
    class Meta:
        model = RegionalBrand
        fields = (
            "name",
            "slug",
            "registration_number",
            "holder",
            "region",
            "description",
            "evidence",
            "valid_from",
            "valid_until",
        )
        widgets = {"evidence": PrivateFileInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        self.fields["slug"].help_text = _("Left empty, it is made from the name in pinyin.")
        if self.instance.pk and self.instance.evidence:
            self.fields["evidence"].widget.download_url = reverse(
                "cooperatives:brand-evidence", kwargs={"pk": self.instance.pk}
            )

    def clean_evidence(self):
        evidence = self.cleaned_data.get("evidence")
        if is_new_upload(evidence):
            evidence.name = generated_name(validate_document(evidence), prefix="brand")
        return evidence

    def clean_registration_number(self):
        number = services.normalise_registration_number(self.cleaned_data.get("registration_number", ""))
        services.validate_registration_number(number)
        return number


@admin.register(RegionalBrand)
class RegionalBrandAdmin(admin.ModelAdmin):
    form = RegionalBrandAdminForm
    list_display = ("name", "registration_number", "holder", "valid_from", "valid_until", "verified")
    list_filter = ("verified", "region")
    search_fields = ("name", "slug", "registration_number", "holder")
    filter_horizontal = ("region",)
    readonly_fields = ("verified", "verified_by", "verified_at")
    actions = ["verify"]

    def save_model(self, request, obj, form, change):
        """Through the service (number, dates, verified again after a change); the region follows."""
        services.regional_brand_save(brand=obj)

    @admin.action(description=_("Verify the selected brands"))
    def verify(self, request, queryset):
        for brand in queryset:
            services.regional_brand_verify(brand=brand, staff=request.user)
        self.message_user(request, _("Brands verified."), messages.SUCCESS)


class RevokeActionForm(ActionForm):
    reason = forms.CharField(label=_("Reason (to revoke)"), required=False)


class BrandAuthorisationAdminForm(forms.ModelForm):
    class Meta:
        model = BrandAuthorisation
        fields = ("brand", "cooperative", "evidence")
        widgets = {"evidence": PrivateFileInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.evidence:
            self.fields["evidence"].widget.download_url = reverse(
                "cooperatives:brand-authorisation-evidence", kwargs={"pk": self.instance.pk}
            )

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk and cleaned.get("brand") and cleaned.get("cooperative"):
            try:
                services.brand_authorisation_check(brand=cleaned["brand"], cooperative=cleaned["cooperative"])
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned


@admin.register(BrandAuthorisation)
class BrandAuthorisationAdmin(admin.ModelAdmin):
    """The queue: filter by status "awaiting verification", check the evidence, verify or revoke."""

    form = BrandAuthorisationAdminForm
    action_form = RevokeActionForm
    list_display = ("brand", "cooperative", "status", "requested_at", "verified_at", "revoked_at")
    list_filter = ("status", "brand")
    search_fields = ("brand__name", "cooperative__name")
    autocomplete_fields = ("cooperative",)
    readonly_fields = (
        "status",
        "requested_by",
        "requested_at",
        "verified_by",
        "verified_at",
        "revoked_by",
        "revoked_at",
        "revocation_reason",
    )
    actions = ["verify", "revoke"]

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return (*fields, "brand", "cooperative", "evidence") if obj else fields

    def save_model(self, request, obj, form, change):
        """A new authorisation is a request through the service (region and uniqueness checked)."""
        if change:
            return
        created = services.brand_authorisation_request(
            brand=obj.brand,
            cooperative=obj.cooperative,
            evidence=form.cleaned_data.get("evidence") or None,
            requested_by=request.user,
        )
        obj.pk = created.pk

    @admin.action(description=_("Verify the selected authorisations"))
    def verify(self, request, queryset):
        self._each(
            request, queryset, lambda item: services.brand_authorisation_verify(authorisation=item, staff=request.user)
        )

    @admin.action(description=_("Revoke the selected authorisations (give the reason)"))
    def revoke(self, request, queryset):
        reason = request.POST.get("reason", "")
        self._each(
            request,
            queryset,
            lambda item: services.brand_authorisation_revoke(authorisation=item, staff=request.user, reason=reason),
        )

    def _each(self, request, queryset, action):
        done = 0
        for authorisation in queryset.select_related("brand", "cooperative"):
            try:
                action(authorisation)
                done += 1
            except ValidationError as error:
                self.message_user(request, f"{authorisation}: {' '.join(error.messages)}", messages.ERROR)
        if done:
            self.message_user(request, _("%(count)d authorisations changed.") % {"count": done}, messages.SUCCESS)


class ProductBrandAdminForm(forms.ModelForm):
    class Meta:
        model = ProductBrand
        fields = ("product", "brand")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("product") and cleaned.get("brand"):
            try:
                services.product_brand_check(product=cleaned["product"], brand=cleaned["brand"])
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned


@admin.register(ProductBrand)
class ProductBrandAdmin(admin.ModelAdmin):
    """Products sold under a brand; added only through the service (authorisation checked)."""

    list_display = ("product", "brand", "added_at")
    list_filter = ("brand",)
    search_fields = ("product__title", "brand__name")
    autocomplete_fields = ("product",)
    form = ProductBrandAdminForm

    def save_model(self, request, obj, form, change):
        link = services.product_brand_add(product=obj.product, brand=obj.brand, user=request.user)
        obj.pk = link.pk

    def delete_model(self, request, obj):
        services.product_brand_remove(product=obj.product, brand=obj.brand)

    def has_change_permission(self, request, obj=None):
        return False
