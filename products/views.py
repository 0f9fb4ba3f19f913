"""Storefront views of the catalogue, listed straight from the database.

Oscar's own browse and category pages are Haystack searches: with the simple
backend they list nothing, with Whoosh they cost over a hundred queries per page.
These views keep Oscar's URLs and names and read through ``products.selectors``
so a page costs the same number of queries whatever the catalogue's size.
"""

from urllib.parse import unquote

from django.core.paginator import InvalidPage, Paginator
from django.db.models import Q
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, TemplateView
from oscar.apps.catalogue import views as oscar_views
from oscar.core.loading import get_model

from core.access import is_platform_staff
from partners.access import scope_to_cooperatives
from partners.selectors import PRIORITY_CHOICES, priority_county_q
from products import selectors
from products.models import StorageType

Category = get_model("catalogue", "Category")
County = get_model("partner", "County")
Partner = get_model("partner", "Partner")


class ProductListMixin:
    """Filters shared by the catalogue, category and cooperative pages."""

    template_name = "oscar/catalogue/browse.html"
    paginate_by = 24

    def base_queryset(self):
        return selectors.browsable_products()

    def filtered_queryset(self):
        queryset = self.base_queryset()
        params = self.request.GET
        self.selected = {}
        if county := params.get("county"):
            queryset = queryset.filter(origin_county__slug=county)
            self.selected["county"] = county
        self.schemes = selectors.badge_schemes()
        if (scheme := params.get("cert")) in {option.code for option in self.schemes}:
            queryset = selectors.with_valid_certification(queryset, scheme=scheme)
            self.selected["cert"] = scheme
        if (priority := params.get("priority")) in dict(PRIORITY_CHOICES):
            queryset = queryset.filter(priority_county_q(priority, path="origin_county__"))
            self.selected["priority"] = priority
        if brand := params.get("brand"):
            queryset = selectors.with_live_brand(queryset, slug=brand)
            self.selected["brand"] = brand
        if (storage := params.get("storage")) in StorageType.values:
            queryset = queryset.filter(storage_type=storage)
            self.selected["storage"] = storage
        return queryset

    def paginate(self, queryset):
        paginator = Paginator(queryset, self.paginate_by)
        try:
            return paginator.page(self.request.GET.get("page") or 1)
        except InvalidPage:
            raise Http404(_("That page does not exist.")) from None

    def listing_context(self):
        page = self.paginate(self.filtered_queryset())
        return {
            "products": page.object_list,
            "page_obj": page,
            "paginator": page.paginator,
            "counties": selectors.counties_with_products(),
            "schemes": [(option.code, option.display_name) for option in self.schemes],
            "brands": selectors.brands_with_products(),
            "storage_types": StorageType.choices,
            "priorities": PRIORITY_CHOICES,
            "selected": self.selected,
            "category_tree": selectors.category_tree(),
        }


class CatalogueView(ProductListMixin, TemplateView):
    """All listed products (商城), filterable by county, certification and storage."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.listing_context())
        context["summary"] = _("All products")
        return context


class ProductSearchView(ProductListMixin, TemplateView):
    """Oscar's search address (/shop/search/?q=…): products the shop shows whose title, description,
    county or cooperative contains the words, with the catalogue's filters.

    Haystack's simple backend scanned every product, delisted or suspended ones included.
    """

    MAX_WORDS = 8

    def base_queryset(self):
        self.query = " ".join((self.request.GET.get("q") or "").split())[:100]
        queryset = selectors.browsable_products()
        for word in self.query.split()[: self.MAX_WORDS]:
            queryset = queryset.filter(
                Q(title__icontains=word)
                | Q(description__icontains=word)
                | Q(origin_county__name__icontains=word)
                | Q(stockrecords__partner__name__icontains=word)
            )
        return queryset.distinct()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.listing_context())
        context["query"] = self.query
        context["summary"] = (
            _("Products matching “%(query)s”") % {"query": self.query} if self.query else _("All products")
        )
        return context


class ProductCategoryView(ProductListMixin, TemplateView):
    """Products of one category and its sub-categories."""

    def get(self, request, *args, **kwargs):
        self.category = get_object_or_404(Category, pk=kwargs["pk"])
        expected = self.category.get_absolute_url()
        if unquote(expected) != unquote(request.path):
            return HttpResponsePermanentRedirect(expected)
        return super().get(request, *args, **kwargs)

    def base_queryset(self):
        return selectors.browsable_products().filter(categories__in=self.category.get_descendants_and_self()).distinct()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.listing_context())
        context["category"] = self.category
        context["summary"] = self.category.name
        return context


class CooperativeView(ProductListMixin, DetailView):
    """A cooperative's profile (合作社): county, farmer linkage, its products."""

    template_name = "oscar/catalogue/cooperative.html"
    context_object_name = "cooperative"
    slug_field = "code"
    slug_url_kwarg = "code"

    def get_queryset(self):
        return Partner.objects.filter(is_active=True).select_related("county")

    def base_queryset(self):
        return selectors.browsable_products().filter(stockrecords__partner=self.object).distinct()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.listing_context())
        context["certifications"] = selectors.valid_certifications_of(self.object)
        context["summary"] = self.object.name
        return context


class BrandIndexView(TemplateView):
    """Regional public brands (区域公用品牌): each links to its page."""

    template_name = "products/brands/index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["brands"] = selectors.brand_index()
        return context


class BrandDetailView(ProductListMixin, TemplateView):
    """One regional brand: holder, registration, region, the cooperatives authorised and their products."""

    template_name = "products/brands/detail.html"

    def get(self, request, *args, slug: str = "", **kwargs):
        self.brand = selectors.brand_for_page(slug)
        if self.brand is None:
            raise Http404(_("No such regional brand."))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = self.paginate(selectors.brand_products(brand=self.brand))
        context.update(
            {
                "brand": self.brand,
                "cooperatives": selectors.authorised_cooperatives(brand=self.brand),
                "products": page.object_list,
                "page_obj": page,
                "paginator": page.paginator,
            }
        )
        return context


class ProductDetailView(oscar_views.ProductDetailView):
    """Oscar's product page, with everything it shows fetched up front."""

    def get_queryset(self):
        return selectors.product_for_detail()

    def is_viewable(self, product, request):
        """Listed products for everyone; others only for staff and the product's cooperative."""
        if is_platform_staff(request.user) or selectors.product_is_visible(product):
            return True
        return scope_to_cooperatives(product.stockrecords.all(), request.user).exists()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["cooperative"] = selectors.cooperative_of(self.object)
        context["trace_qr"] = selectors.trace_qr_data_uri(self.object, self.request)
        return context


class SchemesView(TemplateView):
    """What each badge means (认证标志说明) and the recognitions staff recorded for it (互认)."""

    template_name = "products/schemes.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["schemes"] = selectors.badge_schemes()
        return context


class TraceView(TemplateView):
    """Public trace page (溯源) opened from the QR code on a product: who, where, certificates.

    Only a product the shop may show gets the full page. One that is not on sale (draft,
    delisted, a lapsed certificate) gets a "not on sale" page with its name and county —
    what the packaging shows anyway — and a link to the shop; an unknown code, a "not found"
    page. Both answer 404: nothing is on sale at that address now, and either may change
    (a renewal relists a product), so 410 Gone would say too much.
    """

    def get(self, request, *args, code: str = "", **kwargs):
        product, on_sale = selectors.trace_page_product(code)
        if product is None:
            return render(request, "products/trace_unknown.html", {"code": code[:80]}, status=404)
        if not on_sale:
            return render(request, "products/trace_not_on_sale.html", {"product": product}, status=404)
        context = {
            "product": product,
            "cooperative": selectors.cooperative_of(product),
            "certifications": list(product.valid_certifications),
        }
        return render(request, "products/trace.html", context)
