"""Oscar's dashboard forms: the product form with the certified-product fields; every picture checked.

Pictures (product images, attribute pictures, category images) go through
``core.uploads.SafeImageField``: size, pixel count from the header, real type, no SVG or
HTML, stored under a generated name with the verified type's extension.
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from oscar.apps.dashboard.catalogue import forms as oscar_forms
from oscar.core.loading import get_model

from core.uploads import SafeImageField
from partners.certifications import certificates_for
from products import selectors

County = get_model("partner", "County")
Certification = get_model("partner", "Certification")
Product = get_model("catalogue", "Product")
ProductImage = get_model("catalogue", "ProductImage")


def _safe_picture_field(field: forms.ImageField) -> SafeImageField:
    return SafeImageField(
        label=field.label,
        required=field.required,
        help_text=field.help_text,
        widget=field.widget,
        initial=field.initial,
    )


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
        self.fields["certifications"].queryset = (
            Certification.objects.select_related("holder") if user is None else certificates_for(user)
        )
        self.fields["certifications"].help_text = _(
            "Only your cooperative's certificates. The product leaves the shop while one of them has lapsed."
        )
        for name, field in list(self.fields.items()):
            if type(field) is forms.ImageField:  # picture attributes of the product class
                self.fields[name] = _safe_picture_field(field)

    def clean_traceability_code(self) -> str:
        code = self.cleaned_data.get("traceability_code", "")
        if selectors.trace_code_taken(code=code, exclude_pk=self.instance.pk):
            raise forms.ValidationError(
                _("Another product already uses this traceability code; check the code on your packaging."),
                code="trace_code_taken",
            )
        return code


class ProductImageForm(oscar_forms.ProductImageForm):
    class Meta(oscar_forms.ProductImageForm.Meta):
        field_classes = {"original": SafeImageField}


class ProductImageFormSet(
    forms.inlineformset_factory(Product, ProductImage, form=ProductImageForm, extra=2),
):
    """Oscar's image formset with checked pictures (the error shows on the picture's row)."""

    def __init__(self, product_class, user, *args, **kwargs):
        super().__init__(*args, **kwargs)


class CategoryForm(oscar_forms.CategoryForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "image" in self.fields:
            self.fields["image"] = _safe_picture_field(self.fields["image"])
