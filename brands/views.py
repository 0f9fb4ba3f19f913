"""Cooperative-facing brand pages: ask to use a regional brand; the evidence files, after a permission check.

A cooperative user sees only its own cooperatives' authorisations (another's is a 404);
brand registration files are for platform staff. The public brand pages, which list
products, belong to the catalogue (``products.views``).
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, View

from brands import selectors, services
from brands.models import BrandAuthorisation, RegionalBrand
from core.access import is_platform_staff, refuse
from core.files import private_file_response
from core.forms import add_service_errors
from partners.access import CooperativeMemberMixin, scope_to_cooperatives


class BrandsMixin(CooperativeMemberMixin):
    refusal_message = _("Only cooperative staff can ask to use a regional brand.")

    def authorisations(self):
        return scope_to_cooperatives(
            BrandAuthorisation.objects.select_related("brand", "cooperative"), self.request.user, path="cooperative"
        )


class AuthorisationRequestForm(forms.Form):
    cooperative = forms.ModelChoiceField(label=_("Cooperative"), queryset=None)
    brand = forms.ModelChoiceField(label=_("Regional brand"), queryset=None)
    evidence = forms.FileField(
        label=_("Authorisation letter or licence"),
        help_text=_(
            "The holder's letter of authorisation (授权使用书) or the licence to use the mark (准用证): "
            "PDF, JPEG or PNG."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}),
    )

    def __init__(self, *args, cooperatives, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cooperative"].queryset = cooperatives
        if cooperatives.count() == 1:
            self.fields["cooperative"].initial = cooperatives.first()
        self.fields["brand"].queryset = selectors.live_brands().order_by("name")


def _stocked_products(cooperatives):
    """Products that ``cooperatives`` stock (through the partner app's stock records), by title."""
    from oscar.core.loading import get_model

    StockRecord = get_model("partner", "StockRecord")
    Product = StockRecord._meta.get_field("product").related_model
    return Product.objects.filter(stockrecords__partner__in=cooperatives, parent=None).distinct().order_by("title")


class ProductBrandForm(forms.Form):
    product = forms.ModelChoiceField(label=_("Product"), queryset=None)
    brand = forms.ModelChoiceField(label=_("Regional brand"), queryset=None)

    def __init__(self, *args, cooperatives, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = _stocked_products(cooperatives)
        authorised = selectors.live_authorisations().filter(cooperative__in=cooperatives).values("brand_id")
        self.fields["brand"].queryset = selectors.live_brands().filter(pk__in=authorised).order_by("name")


class AuthorisationListView(BrandsMixin, FormView):
    """The cooperative's authorisations and a form to ask for a new one (staff verify it in the admin queue)."""

    template_name = "brands/authorisations.html"
    form_class = AuthorisationRequestForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "cooperatives": self.cooperatives.filter(is_active=True)}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["authorisations"] = self.authorisations().order_by("-requested_at")
        cooperatives = self.cooperatives.filter(is_active=True)
        context["product_form"] = ProductBrandForm(cooperatives=cooperatives, prefix="link")
        context["product_links"] = selectors.product_links_of(cooperatives=cooperatives)
        return context

    def form_valid(self, form):
        try:
            services.brand_authorisation_request(
                brand=form.cleaned_data["brand"],
                cooperative=form.cleaned_data["cooperative"],
                evidence=form.cleaned_data["evidence"],
                requested_by=self.request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Your request was sent: platform staff will check the evidence."))
        return redirect("cooperatives:brand-authorisations")


class AuthorisationEvidenceView(BrandsMixin, View):
    def get(self, request, pk):
        authorisation = get_object_or_404(self.authorisations(), pk=pk)
        return private_file_response(authorisation.evidence, filename_stem=f"authorisation-{authorisation.pk}")


class BrandEvidenceView(View):
    """A brand's registration file, for platform staff only."""

    def get(self, request, pk):
        if not is_platform_staff(request.user):
            refuse(_("Only platform staff can open a brand's registration file."))
        brand = get_object_or_404(RegionalBrand, pk=pk)
        return private_file_response(brand.evidence, filename_stem=f"brand-{brand.slug}")


class ProductBrandView(BrandsMixin, View):
    """Put one of the cooperative's products under a brand it is authorised for, or take it off."""

    def post(self, request):
        cooperatives = self.cooperatives.filter(is_active=True)
        if "remove" in request.POST:
            link = get_object_or_404(selectors.product_links_of(cooperatives=cooperatives), pk=request.POST["remove"])
            services.product_brand_remove(product=link.product, brand=link.brand)
            messages.success(request, _("The product no longer carries the brand."))
            return redirect("cooperatives:brand-authorisations")
        form = ProductBrandForm(request.POST, cooperatives=cooperatives, prefix="link")
        if form.is_valid():
            try:
                services.product_brand_add(
                    product=form.cleaned_data["product"], brand=form.cleaned_data["brand"], user=request.user
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("The product now carries the brand."))
        else:
            messages.error(request, _("Choose one of your products and a brand you are authorised to use."))
        return redirect("cooperatives:brand-authorisations")
