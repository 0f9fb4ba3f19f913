"""Oscar's dashboard product form with the certified-product fields."""

from django import forms
from django.utils.translation import gettext_lazy as _
from oscar.apps.dashboard.catalogue import forms as oscar_forms
from oscar.core.loading import get_model

County = get_model("partner", "County")
Certification = get_model("partner", "Certification")


class ProductForm(oscar_forms.ProductForm):
    class Meta(oscar_forms.ProductForm.Meta):
        fields = [
            *oscar_forms.ProductForm.Meta.fields,
            "origin_county",
            "certifications",
            "storage_type",
            "shelf_life_days",
            "specification",
            "traceability_code",
        ]
        widgets = {**oscar_forms.ProductForm.Meta.widgets, "certifications": forms.CheckboxSelectMultiple}

    def __init__(self, product_class, *args, user=None, **kwargs):
        super().__init__(product_class, *args, **kwargs)
        self.fields["origin_county"].queryset = County.objects.exclude(assistance_level="none")
        self.fields["origin_county"].required = True
        certificates = Certification.objects.select_related("holder")
        if user is not None and not user.is_staff:
            certificates = certificates.filter(holder__users=user)
        self.fields["certifications"].queryset = certificates
        self.fields["certifications"].help_text = _(
            "Only your cooperative's certificates. The product leaves the shop while one of them has lapsed."
        )
