"""Wagtail pages: home, counties, cooperation projects, labor posts, campaigns, news.

One page type does one job; parent and subpage types are explicit.
"""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from phonenumber_field.modelfields import PhoneNumberField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, PublishingPanel
from wagtail.admin.widgets import AdminDateTimeInput
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index
from wagtail.url_routing import RouteResult

from cms.admin_forms import LaborPostPageForm, PageForm
from cms.blocks import RICH_TEXT_FEATURES, BodyBlock, DocumentBlock
from cms.i18n import children_in_visitor_locale, default_language_page, locale_ids
from cms.rich_text import sanitise_rich_text

PAGE_SIZE = 12
CHINA_TZ = ZoneInfo("Asia/Shanghai")


def paginate(request, queryset, per_page: int = PAGE_SIZE):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


class SingleChildTypeRoutingMixin:
    """Route to a child page in one query, with the relations its template shows.

    Wagtail's default routing fetches the child as a plain ``Page`` and then again
    as its specific class; index pages whose children are all of one type can do
    both at once and ``select_related`` what the child's page needs. In a translated
    index, a child not translated yet is the default-language one (see ``cms.i18n``).
    """

    child_page_model: str = ""
    child_select_related: tuple[str, ...] = ()

    def route(self, request, path_components):
        if not path_components:
            return super().route(request, path_components)
        from django.apps import apps
        from django.http import Http404

        model = apps.get_model(self.child_page_model)
        child = (
            model.objects.child_of(self)
            .select_related(*self.child_select_related)
            .filter(slug=path_components[0])
            .first()
        )
        if child is None:
            child = self._default_language_child(model, path_components[0])
            if child is None:
                raise Http404
        else:
            child._cached_parent_obj = self  # as Wagtail's own routing does: get_parent() costs no query
        return child.route(request, path_components[1:])

    def _default_language_child(self, model, slug: str):
        """In a translated index, the default-language page at ``slug`` not translated here (one query)."""
        from django.db.models.functions import Substr

        _active, default = locale_ids()
        if default is None or self.locale_id == default:
            return None
        source_paths = Page.objects.filter(translation_key=self.translation_key, locale_id=default).values("path")
        return (
            model.objects.select_related(*self.child_select_related)
            .filter(slug=slug, depth=self.depth + 1, locale_id=default)
            .annotate(parent_path=Substr("path", 1, len(self.path)))
            .filter(parent_path__in=source_paths)
            .first()
        )


class HomePage(Page):
    """The platform's front page (首页)."""

    hero_title = models.CharField(_("hero title"), max_length=120, blank=True)
    hero_text = models.TextField(_("hero text"), blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("hero_title"),
        FieldPanel("hero_text"),
        FieldPanel("body"),
    ]
    subpage_types = [
        "cms.CountyIndexPage",
        "cms.ProjectIndexPage",
        "cms.LaborPostIndexPage",
        "cms.CampaignIndexPage",
        "cms.NewsIndexPage",
        "cms.StandardPage",
    ]
    max_count = 1

    base_form_class = PageForm

    class Meta:
        verbose_name = _("home page")

    def route(self, request, path_components):
        """Route in this language's tree; a page not translated (or not live) in it is served
        from the default language's tree under the same path (see ``cms.i18n``)."""
        from django.http import Http404

        try:
            return super().route(request, path_components)
        except Http404:
            source = default_language_page(self)
            if source.pk == self.pk:
                raise
            return source.route(request, path_components)

    def get_context(self, request, *args, **kwargs):
        from cms import selectors
        from products.selectors import featured_products

        context = super().get_context(request, *args, **kwargs)
        context.update(
            featured_counties=selectors.featured_county_pages(limit=6),
            products=featured_products(limit=8),
            projects=selectors.live_projects()[:4],
            labor_posts=selectors.open_labor_posts()[:5],
            campaign=selectors.current_campaign(),
            news=selectors.latest_news(limit=4),
        )
        return context


class StandardPage(Page):
    """A plain content page (about, policy, help)."""

    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro")]
    subpage_types = ["cms.StandardPage"]

    base_form_class = PageForm

    class Meta:
        verbose_name = _("standard page")


# --------------------------------------------------------------------------- counties


class CountyIndexPage(SingleChildTypeRoutingMixin, Page):
    """All assisted counties, grouped by prefecture (帮扶县)."""

    child_page_model = "cms.CountyPage"
    child_select_related = ("county", "image")

    intro = models.TextField(_("introduction"), blank=True)
    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.CountyPage"]
    max_count = 1

    base_form_class = PageForm

    class Meta:
        verbose_name = _("county index page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["county_pages"] = (
            children_in_visitor_locale(self, CountyPage.objects.live())
            .select_related("county", "image")
            .order_by("county__prefecture", "title")
        )
        return context


class CountyPage(Page):
    """One assisted county's story, with its cooperatives, products, projects and jobs pulled live."""

    # One page per county and language: the Traditional and English translations are pages too.
    county = models.ForeignKey(
        "partner.County", verbose_name=_("county"), on_delete=models.PROTECT, related_name="pages"
    )
    intro = models.TextField(_("introduction"), blank=True)
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("county"),
        FieldPanel("intro"),
        FieldPanel("image"),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [index.SearchField("intro")]
    parent_page_types = ["cms.CountyIndexPage"]
    subpage_types = []

    base_form_class = PageForm

    class Meta:
        verbose_name = _("county page")

    def clean(self):
        super().clean()
        # The locale lives on Wagtail's page table, so a database constraint cannot span it.
        others = CountyPage.objects.filter(county_id=self.county_id, locale_id=self.locale_id).exclude(pk=self.pk)
        if self.county_id and others.exists():
            raise ValidationError({"county": _("This county already has a page in this language.")})

    def get_context(self, request, *args, **kwargs):
        from cms import selectors
        from products.selectors import county_products

        context = super().get_context(request, *args, **kwargs)
        county = self.county
        local_labor_posts, labor_posts = selectors.open_labor_posts_of_county(county=county)
        context.update(
            cooperatives=county.cooperatives.filter(is_active=True).order_by("name"),
            products=county_products(county=county, limit=12),
            projects=selectors.live_projects().filter(counties=county)[:6],
            labor_posts=labor_posts,
            local_labor_posts=local_labor_posts,
        )
        return context


# --------------------------------------------------------------------------- projects


class CooperationForm(models.TextChoices):
    """The eight forms of 粤桂协作."""

    INDUSTRY = "industry", _("Industrial cooperation")
    LABOR = "labor", _("Labor cooperation")
    CONSUMPTION = "consumption", _("Consumption cooperation")
    TALENT = "talent", _("Talent cooperation")
    INFRASTRUCTURE = "infrastructure", _("Infrastructure cooperation")
    SOCIAL = "social", _("Social undertakings cooperation")
    SOCIAL_FORCES = "social_forces", _("Social forces cooperation")
    REGIONAL = "regional", _("Regional strategy cooperation")


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ONGOING = "ongoing", _("Under way")
    COMPLETED = "completed", _("Completed")


class ProjectIndexPage(SingleChildTypeRoutingMixin, Page):
    """Cooperation projects (协作项目), filterable by form, county, status and year."""

    child_page_model = "cms.ProjectPage"
    child_select_related = ("image",)

    intro = models.TextField(_("introduction"), blank=True)
    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.ProjectPage"]
    max_count = 1

    base_form_class = PageForm

    class Meta:
        verbose_name = _("project index page")

    def get_context(self, request, *args, **kwargs):
        from cms import selectors
        from cms.forms import ProjectFilterForm

        context = super().get_context(request, *args, **kwargs)
        form = ProjectFilterForm(request.GET, **selectors.project_filter_choices(index=self))
        filters = form.filters()
        projects = selectors.live_projects_matching(index=self, **filters)
        context.update(projects=paginate(request, projects), filter_form=form, filters=filters)
        return context


class ProjectPage(Page):
    """One cooperation project (协作项目) between Guangdong and Guangxi."""

    cooperation_form = models.CharField(_("form of cooperation"), max_length=20, choices=CooperationForm.choices)
    guangdong_side = models.CharField(_("Guangdong side"), max_length=128, help_text=_("City, district or enterprise."))
    counties = ParentalManyToManyField("partner.County", verbose_name=_("Guangxi counties"), blank=True)
    funding_wan = models.DecimalField(
        _("funding (10,000 yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=ProjectStatus.choices, default=ProjectStatus.ONGOING)
    jobs_created = models.PositiveIntegerField(_("jobs created"), default=0)
    households_linked = models.PositiveIntegerField(_("households linked"), default=0)
    summary = models.TextField(_("summary"))
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    products = ParentalManyToManyField(
        "catalogue.Product",
        verbose_name=_("products sold"),
        blank=True,
        help_text=_("For consumption cooperation: the products this project sells. Only those on sale are shown."),
    )

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("cooperation_form"), FieldPanel("status")]),
        FieldPanel("guangdong_side"),
        FieldPanel("counties"),
        FieldRowPanel([FieldPanel("funding_wan"), FieldPanel("start_date"), FieldPanel("end_date")]),
        FieldRowPanel([FieldPanel("jobs_created"), FieldPanel("households_linked")]),
        FieldPanel("summary"),
        FieldPanel("image"),
        FieldPanel("body"),
        InlinePanel("gallery_images", label=_("gallery")),
        InlinePanel("updates", label=_("progress updates")),
        FieldPanel("products"),
    ]
    search_fields = Page.search_fields + [index.SearchField("summary"), index.SearchField("guangdong_side")]
    parent_page_types = ["cms.ProjectIndexPage"]
    subpage_types = []

    base_form_class = PageForm

    class Meta:
        verbose_name = _("cooperation project")

    def clean(self):
        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date cannot be before the start date.")})

    def get_context(self, request, *args, **kwargs):
        from cms import selectors

        context = super().get_context(request, *args, **kwargs)
        context.update(
            gallery=selectors.gallery_of(self),
            products_on_sale=selectors.products_on_sale_of(self),
        )
        return context


class ProjectGalleryImage(Orderable):
    """A picture of a project's gallery (项目图集), with a caption that also serves as its alt text."""

    page = ParentalKey(ProjectPage, on_delete=models.CASCADE, related_name="gallery_images")
    image = models.ForeignKey(
        "wagtailimages.Image", verbose_name=_("image"), on_delete=models.CASCADE, related_name="+"
    )
    caption = models.CharField(
        _("caption"), max_length=255, help_text=_("What the picture shows; read aloud to people who cannot see it.")
    )

    panels = [FieldPanel("image"), FieldPanel("caption")]

    class Meta(Orderable.Meta):
        verbose_name = _("gallery picture")


class ProjectUpdate(Orderable):
    """A dated progress update (进展) of a project."""

    page = ParentalKey(ProjectPage, on_delete=models.CASCADE, related_name="updates")
    date = models.DateField(_("date"))
    text = models.TextField(_("text"))

    panels = [FieldPanel("date"), FieldPanel("text")]

    class Meta(Orderable.Meta):
        verbose_name = _("progress update")


# --------------------------------------------------------------------------- labor posts


class Employer(index.Indexed, models.Model):
    """An employer posting jobs (用人单位): a Guangdong firm, or a Guangxi workshop, project office,
    enterprise or cooperative; a snippet, registered in ``cms.wagtail_hooks``."""

    name = models.CharField(_("name"), max_length=128)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    city = models.CharField(_("city"), max_length=32)
    address = models.CharField(_("address"), max_length=255, blank=True)
    contact_name = models.CharField(_("contact name"), max_length=64)
    contact_phone = PhoneNumberField(_("contact phone"), region="CN")
    description = models.TextField(_("description"), blank=True)
    users = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff accounts"),
        blank=True,
        related_name="employers",
        help_text=_("People of this employer who post jobs and see the applications to them."),
    )
    cooperative = models.OneToOneField(
        "partner.Partner",
        verbose_name=_("cooperative"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="employer",
        help_text=_(
            "Set when this employer is a cooperative posting seasonal work: its people post for it "
            "while they work for the cooperative."
        ),
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("credit_code"),
        FieldRowPanel([FieldPanel("city"), FieldPanel("address")]),
        FieldRowPanel([FieldPanel("contact_name"), FieldPanel("contact_phone")]),
        FieldPanel("description"),
        FieldPanel("users"),
        FieldPanel("cooperative"),
    ]
    # The id filters the chooser of an employer's account to its own (cms.selectors.employers_for_user).
    search_fields = [index.SearchField("name"), index.AutocompleteField("name"), index.FilterField("id")]

    class Meta:
        ordering = ("name",)
        verbose_name = _("employer")
        verbose_name_plural = _("employers")

    def __str__(self) -> str:
        return self.name


class ForbiddenTermCategory(models.TextChoices):
    """What a forbidden wording is: discrimination of one kind, or hype (违规用语的类别)."""

    GENDER = "gender", _("gender discrimination")
    ETHNICITY = "ethnicity", _("ethnic discrimination")
    RELIGION = "religion", _("religious discrimination")
    REGION = "region", _("discrimination by household registration or region")
    IDENTITY = "identity", _("discrimination by identity")
    HYPE = "hype", _("hype (exaggerated pay or hiring promises)")


class ForbiddenTerm(models.Model):
    """Wording a job post may not contain (违规用语), kept by staff in the Wagtail admin.

    The rules on online job posts (人社部《关于规范网络平台招聘类信息发布的通知》) forbid
    discrimination by gender, ethnicity, religion, 户籍 or region and identity, and
    "高薪/保录" hype. Terms are matched as written (full-width letters and spaces folded),
    so keep them specific: "男性优先", not "男性".
    """

    term = models.CharField(_("term"), max_length=32, unique=True)
    category = models.CharField(_("category"), max_length=12, choices=ForbiddenTermCategory.choices)
    active = models.BooleanField(_("active"), default=True, help_text=_("Only active terms are checked."))

    panels = [FieldPanel("term"), FieldPanel("category"), FieldPanel("active")]

    class Meta:
        ordering = ("category", "term")
        verbose_name = _("forbidden term")
        verbose_name_plural = _("forbidden terms")

    def __str__(self) -> str:
        return self.term


class PayUnit(models.TextChoices):
    MONTH = "month", _("per month")
    DAY = "day", _("per day")
    HOUR = "hour", _("per hour")
    PIECE = "piece", _("per piece")


class BoardLodging(models.TextChoices):
    BOTH = "both", _("Board and lodging provided")
    LODGING = "lodging", _("Lodging provided")
    BOARD = "board", _("Meals provided")
    NONE = "none", _("Neither provided")


class Sector(models.TextChoices):
    MANUFACTURING = "manufacturing", _("Manufacturing")
    ELECTRONICS = "electronics", _("Electronics")
    CONSTRUCTION = "construction", _("Construction")
    LOGISTICS = "logistics", _("Logistics")
    SERVICES = "services", _("Services and catering")
    AGRICULTURE = "agriculture", _("Agriculture")
    CARE = "care", _("Domestic and care work")


GUANGDONG_CITIES = [
    "广州市", "深圳市", "珠海市", "汕头市", "佛山市", "韶关市", "湛江市", "肇庆市", "江门市", "茂名市", "惠州市",
    "梅州市", "汕尾市", "河源市", "阳江市", "清远市", "东莞市", "中山市", "潮州市", "揭阳市", "云浮市",
]  # fmt: skip


class LaborPostKind(models.TextChoices):
    """Where and how a post employs people: outbound to Guangdong, or near home in Guangxi (就地就近就业)."""

    OUTBOUND = "outbound", _("Work in Guangdong")
    WORKSHOP = "workshop", _("Assistance workshop")  # 帮扶车间
    WORK_RELIEF = "work_relief", _("Work-for-relief project")  # 以工代赈
    COOPERATIVE_SEASONAL = "cooperative_seasonal", _("Seasonal work at a cooperative")
    LOCAL_ENTERPRISE = "local_enterprise", _("Local enterprise")  # 龙头企业, 安置区就业
    PUBLIC_WELFARE = "public_welfare", _("Public-welfare post")  # 公益岗位: allocated, no applications


#: Kinds whose place is a Guangxi county and town.
LOCAL_KINDS = frozenset(LaborPostKind.values) - {LaborPostKind.OUTBOUND}

#: A county counts as a key-assistance county (重点帮扶县) as ``partner.County.is_key_assistance`` says,
#: written as a condition on a post's work county for the jobs filter.
KEY_ASSISTANCE_COUNTY = models.Q(work_county__assistance_level="national") | models.Q(
    work_county__regional_key_assistance=True
)


class LaborPostIndexPage(SingleChildTypeRoutingMixin, Page):
    """Jobs for rural workers (劳务协作岗位): in Guangdong and near home in Guangxi, with filters."""

    child_page_model = "cms.LaborPostPage"
    child_select_related = ("employer", "campaign", "work_county")

    intro = models.TextField(_("introduction"), blank=True)
    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.LaborPostPage"]
    max_count = 1

    base_form_class = PageForm

    class Meta:
        verbose_name = _("labor post index page")

    def get_context(self, request, *args, **kwargs):
        from cms import selectors
        from cms.forms import LaborPostFilterForm

        context = super().get_context(request, *args, **kwargs)
        form = LaborPostFilterForm(
            request.GET, campaigns=selectors.campaign_choices(), counties=selectors.labor_filter_counties()
        )
        filters = form.filters()
        posts = selectors.open_labor_posts_matching(index=self, **filters)
        context.update(posts=paginate(request, posts, per_page=20), filter_form=form, filters=filters)
        return context


class LaborPostPage(Page):
    """One job post (招聘岗位) with every field the recruitment rules require."""

    employer = models.ForeignKey(Employer, verbose_name=_("employer"), on_delete=models.PROTECT, related_name="posts")
    kind = models.CharField(
        _("kind of job"), max_length=24, choices=LaborPostKind.choices, default=LaborPostKind.OUTBOUND, db_index=True
    )
    job_title = models.CharField(_("job title"), max_length=64)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    openings = models.PositiveIntegerField(_("number of openings"))
    requirements = models.TextField(_("requirements"))
    job_content = models.TextField(_("job content"))
    work_city = models.CharField(
        _("work city in Guangdong"),
        max_length=16,
        choices=[(c, c) for c in GUANGDONG_CITIES],
        blank=True,
        help_text=_("For work in Guangdong only."),
    )
    work_county = models.ForeignKey(
        "partner.County",
        verbose_name=_("work county in Guangxi"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="local_labor_posts",
        help_text=_("For jobs near home in Guangxi only."),
    )
    work_town = models.CharField(
        _("township"), max_length=32, blank=True, help_text=_("The township (乡镇) of a job in Guangxi.")
    )
    work_location = models.CharField(_("work location"), max_length=255)
    pay_min = models.DecimalField(_("minimum pay"), max_digits=9, decimal_places=2)
    pay_max = models.DecimalField(_("maximum pay"), max_digits=9, decimal_places=2)
    pay_unit = models.CharField(_("pay unit"), max_length=8, choices=PayUnit.choices, default=PayUnit.MONTH)
    board_lodging = models.CharField(
        _("board and lodging"), max_length=10, choices=BoardLodging.choices, default=BoardLodging.BOTH
    )
    organised_transport = models.BooleanField(_("organised point-to-point transport"), default=False)
    for_poverty_alleviated = models.BooleanField(_("for poverty-alleviated workers"), default=True)
    for_low_income = models.BooleanField(_("for rural low-income people"), default=False)
    home_counties = ParentalManyToManyField(
        "partner.County", verbose_name=_("recruiting from counties"), blank=True, related_name="labor_posts"
    )
    campaign = models.ForeignKey(
        "cms.CampaignPage",
        verbose_name=_("campaign"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="posts",
    )
    township_contact_name = models.CharField(
        _("township office contact"),
        max_length=64,
        blank=True,
        help_text=_("Public-welfare posts: who at the township (乡镇) office answers questions."),
    )
    township_contact_phone = PhoneNumberField(_("township office phone"), region="CN", blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(
        _("valid until"),
        help_text=_("The post closes and is unpublished automatically at the end of this day (Beijing time)."),
    )

    content_panels = Page.content_panels + [
        FieldPanel("employer"),
        FieldPanel("kind"),
        FieldRowPanel([FieldPanel("job_title"), FieldPanel("sector"), FieldPanel("openings")]),
        FieldPanel("requirements"),
        FieldPanel("job_content"),
        MultiFieldPanel(
            [
                FieldPanel("work_city"),
                FieldRowPanel([FieldPanel("work_county"), FieldPanel("work_town")]),
                FieldPanel("work_location"),
            ],
            heading=_("Place of work"),
        ),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("township_contact_name"), FieldPanel("township_contact_phone")])],
            heading=_("Public-welfare posts: township contact"),
        ),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("pay_min"), FieldPanel("pay_max"), FieldPanel("pay_unit")])],
            heading=_("Basic pay"),
        ),
        FieldRowPanel([FieldPanel("board_lodging"), FieldPanel("organised_transport")]),
        FieldRowPanel([FieldPanel("for_poverty_alleviated"), FieldPanel("for_low_income")]),
        FieldPanel("home_counties"),
        FieldPanel("campaign"),
        FieldRowPanel([FieldPanel("valid_from"), FieldPanel("valid_until")]),
    ]
    # The expiry comes from "valid until" (see clean()), so the schedule offers only the go-live time.
    settings_panels = [
        PublishingPanel(
            children=[
                FieldPanel(
                    "go_live_at",
                    widget=AdminDateTimeInput(
                        js_overlay_parent_selector="#schedule-publishing-dialog",
                        attrs={
                            "data-controller": "w-action",
                            "data-action": "w-dialog:hidden->w-action#reset",
                            "data-w-dialog-target": "notify",
                        },
                    ),
                )
            ]
        ),
        *Page.settings_panels[1:],
    ]
    base_form_class = LaborPostPageForm
    search_fields = Page.search_fields + [index.SearchField("job_title"), index.SearchField("job_content")]
    parent_page_types = ["cms.LaborPostIndexPage"]
    subpage_types = []

    #: Fields checked for forbidden wording (违规用语), in the order their errors are shown.
    WORDING_FIELDS = ("title", "job_title", "requirements", "job_content")

    class Meta:
        verbose_name = _("labor post")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind=LaborPostKind.OUTBOUND, work_county__isnull=True, work_town="")
                    & ~models.Q(work_city="")
                )
                | (
                    ~models.Q(kind=LaborPostKind.OUTBOUND)
                    & models.Q(work_county__isnull=False, work_city="")
                    & ~models.Q(work_town="")
                ),
                name="labor_post_place_follows_kind",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind=LaborPostKind.PUBLIC_WELFARE)
                | (~models.Q(township_contact_name="") & ~models.Q(township_contact_phone="")),
                name="labor_post_public_welfare_has_township_contact",
            ),
        ]

    def clean(self):
        super().clean()
        errors = {}
        for field, messages in self.place_errors().items():
            errors.setdefault(field, []).extend(messages)
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            errors["valid_until"] = [_("'Valid until' cannot be before 'valid from'.")]
        if self.pay_min is not None and self.pay_max is not None and self.pay_max < self.pay_min:
            errors["pay_max"] = [_("The maximum pay cannot be below the minimum pay.")]
        for field, messages in self.forbidden_wording_errors().items():
            errors.setdefault(field, []).extend(messages)
        if self.valid_until and self.go_live_at and self.go_live_at > self.closes_at:
            errors["go_live_at"] = [_("The post would go live after it closes: choose a time within its validity.")]
        if errors:
            raise ValidationError(errors)
        if self.valid_until:
            # Wagtail's publish_scheduled (Celery beat, cms.tasks) unpublishes the post at this time.
            self.expire_at = self.closes_at

    def place_errors(self) -> dict[str, list[str]]:
        """The place must follow the kind: a Guangdong city for work in Guangdong; a Guangxi county and
        township for a job near home; the township office's contact for a public-welfare post; a
        cooperative's own employer account, in its county, for seasonal work at a cooperative."""
        errors: dict[str, list[str]] = {}

        def add(field: str, message) -> None:
            errors.setdefault(field, []).append(message)

        self.work_town = " ".join((self.work_town or "").split())
        if self.kind == LaborPostKind.OUTBOUND:
            if not self.work_city:
                add("work_city", _("Choose the city in Guangdong where the job is."))
            elif self.work_city not in GUANGDONG_CITIES:
                add("work_city", _("Choose one of Guangdong's cities."))
            if self.work_county_id:
                add("work_county", _("A job in Guangdong has no Guangxi county: leave it empty."))
            if self.work_town:
                add("work_town", _("A job in Guangdong has no Guangxi township: leave it empty."))
            return errors
        if self.work_city:
            add("work_city", _("A job near home in Guangxi has no Guangdong city: leave it empty."))
        if not self.work_county_id:
            add("work_county", _("Choose the Guangxi county where the job is."))
        if not self.work_town:
            add("work_town", _("Enter the township (乡镇) where the job is."))
        if self.kind == LaborPostKind.PUBLIC_WELFARE:
            if not (self.township_contact_name or "").strip():
                add("township_contact_name", _("Public-welfare posts name the township office's contact."))
            if not self.township_contact_phone:
                add("township_contact_phone", _("Public-welfare posts give the township office's phone number."))
        if self.kind == LaborPostKind.COOPERATIVE_SEASONAL and self.employer_id:
            cooperative = self.employer.cooperative
            if cooperative is None:
                add("employer", _("Seasonal work at a cooperative is posted by the cooperative's own account."))
            elif not cooperative.is_active:
                add("employer", _("This cooperative is suspended and cannot post jobs."))
            elif self.work_county_id and cooperative.county_id and self.work_county_id != cooperative.county_id:
                add(
                    "work_county",
                    _("Seasonal work at %(cooperative)s is in its county, %(county)s.")
                    % {"cooperative": cooperative.name, "county": cooperative.county.name},
                )
        return errors

    @property
    def is_local(self) -> bool:
        """A job near home in Guangxi (就地就近就业), not in Guangdong."""
        return self.kind != LaborPostKind.OUTBOUND

    @property
    def takes_applications(self) -> bool:
        """Public-welfare posts (公益岗位) are allocated by the authorities: information only, no applications."""
        return self.kind != LaborPostKind.PUBLIC_WELFARE

    @property
    def in_key_assistance_county(self) -> bool:
        """A job near home in a key-assistance county (重点帮扶县)."""
        return bool(self.work_county_id and self.work_county.is_key_assistance)

    @property
    def place_parts(self) -> list[str]:
        """The place the Chinese way, largest first: 广西 百色市 田阳区 那坡镇 / 广东 深圳市."""
        if self.is_local and self.work_county_id:
            county = self.work_county
            return [str(_("Guangxi")), county.prefecture, county.name, self.work_town]
        return [str(_("Guangdong")), self.work_city]

    @property
    def place(self) -> str:
        return " ".join(part for part in self.place_parts if part)

    def permissions_for_user(self, user):
        from cms.permissions import EmployerPostPermissionTester

        return EmployerPostPermissionTester(user, self)

    def forbidden_wording_errors(self) -> dict[str, list[str]]:
        """One message per field and kind of forbidden wording found, quoting the words."""
        from cms import selectors

        found = selectors.forbidden_wording({name: getattr(self, name) or "" for name in self.WORDING_FIELDS})
        labels = dict(ForbiddenTermCategory.choices)
        separator = pgettext("list separator", ", ")
        errors: dict[str, list[str]] = {}
        for field, by_category in found.items():
            for category, terms in by_category.items():
                quoted = separator.join(pgettext("quoted wording", "“%(term)s”") % {"term": t} for t in terms)
                message = ngettext(
                    "%(terms)s is %(kind)s, which job posts may not contain. Please remove or rephrase it.",
                    "%(terms)s are %(kind)s, which job posts may not contain. Please remove or rephrase them.",
                    len(terms),
                ) % {"terms": quoted, "kind": labels[category]}
                errors.setdefault(field, []).append(message)
        return errors

    @property
    def closes_at(self) -> datetime.datetime:
        """The end of the last valid day, 23:59:59 Beijing time (as ``validThrough`` in the JSON-LD)."""
        return datetime.datetime.combine(self.valid_until, datetime.time(23, 59, 59), tzinfo=CHINA_TZ)

    @property
    def is_open(self) -> bool:
        return self.valid_until >= timezone.localdate()

    @property
    def is_closed(self) -> bool:
        """Past its validity, or unpublished at its expiry: the post answers 410 Gone."""
        return self.expired or not self.is_open

    def route(self, request, path_components):
        # Wagtail answers 404 for an unpublished page; a post that was published and has
        # since closed is routed anyway, so that serve() can say it is gone (410).
        if not path_components and not self.live and self.first_published_at is not None and self.is_closed:
            return RouteResult(self)
        return super().route(request, path_components)

    def serve(self, request, *args, **kwargs):
        if self.is_closed and not getattr(request, "is_preview", False):
            return self.serve_closed(request)
        return super().serve(request, *args, **kwargs)

    def serve_closed(self, request):
        """410 Gone: the post has closed; up to five similar open posts instead."""
        from cms import selectors

        context = super().get_context(request)
        context["similar_posts"] = selectors.similar_open_labor_posts(post=self, limit=5)
        return TemplateResponse(request, "cms/labor_post_closed.html", context, status=410)

    def job_posting(self, request=None) -> dict:
        """schema.org ``JobPosting`` for search engines, with ``validThrough``."""
        unit = {"month": "MONTH", "day": "DAY", "hour": "HOUR", "piece": "PIECE"}[self.pay_unit]
        return {
            "@context": "https://schema.org/",
            "@type": "JobPosting",
            "title": self.job_title,
            "description": f"{self.job_content}\n\n{self.requirements}",
            "datePosted": self.valid_from.isoformat(),
            "validThrough": f"{self.valid_until.isoformat()}T23:59:59+08:00",
            "employmentType": "TEMPORARY"
            if self.kind in (LaborPostKind.COOPERATIVE_SEASONAL, LaborPostKind.WORK_RELIEF)
            else "FULL_TIME",
            "totalJobOpenings": self.openings,
            "hiringOrganization": {"@type": "Organization", "name": self.employer.name},
            "jobLocation": {"@type": "Place", "address": self.postal_address()},
            "baseSalary": {
                "@type": "MonetaryAmount",
                "currency": "CNY",
                "value": {
                    "@type": "QuantitativeValue",
                    "minValue": str(self.pay_min),
                    "maxValue": str(self.pay_max),
                    "unitText": unit,
                },
            },
        }

    def postal_address(self) -> dict:
        """schema.org ``PostalAddress`` of the place: 广东省 + city, or 广西壮族自治区 + prefecture + county + town."""
        if self.is_local and self.work_county_id:
            county = self.work_county
            return {
                "@type": "PostalAddress",
                "addressRegion": "广西壮族自治区",
                "addressLocality": county.prefecture,
                "streetAddress": f"{county.name}{self.work_town}{self.work_location}",
                "addressCountry": "CN",
            }
        return {
            "@type": "PostalAddress",
            "addressRegion": "广东省",
            "addressLocality": self.work_city,
            "streetAddress": self.work_location,
            "addressCountry": "CN",
        }

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["job_posting"] = self.job_posting(request)
        return context


# --------------------------------------------------------------------------- campaigns and news


class CampaignIndexPage(Page):
    intro = models.TextField(_("introduction"), blank=True)
    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.CampaignPage"]
    max_count = 1

    base_form_class = PageForm

    class Meta:
        verbose_name = _("campaign index page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        campaigns = children_in_visitor_locale(self, CampaignPage.objects.live())
        context["campaigns"] = campaigns.order_by("-start_date", "-pk")
        return context


class CampaignPage(Page):
    """A recruitment campaign (春风行动, 就业援助月, 金秋招聘月) with its date window."""

    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    intro = models.TextField(_("introduction"))
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
        FieldPanel("intro"),
        FieldPanel("body"),
    ]
    parent_page_types = ["cms.CampaignIndexPage"]
    subpage_types = []

    base_form_class = PageForm

    class Meta:
        verbose_name = _("campaign")

    def clean(self):
        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date cannot be before the start date.")})

    def get_context(self, request, *args, **kwargs):
        from cms import selectors

        context = super().get_context(request, *args, **kwargs)
        context["posts"] = selectors.of_campaign(selectors.open_labor_posts(), self.pk)[:50]
        return context


class NewsIndexPage(Page):
    intro = models.TextField(_("introduction"), blank=True)
    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.NewsPage"]
    max_count = 1

    base_form_class = PageForm

    class Meta:
        verbose_name = _("news index page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        articles = children_in_visitor_locale(self, NewsPage.objects.live())
        context["articles"] = paginate(request, articles.order_by("-date", "-pk"))
        return context


class NewsPage(Page):
    """News or a policy notice (新闻, 政策), with attached documents."""

    date = models.DateField(_("date"), default=timezone.localdate)
    intro = models.TextField(_("summary"))
    body = RichTextField(_("body"), features=RICH_TEXT_FEATURES, blank=True)
    documents = StreamField([("document", DocumentBlock())], verbose_name=_("documents"), blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("date"),
        FieldPanel("intro"),
        FieldPanel("body"),
        FieldPanel("documents"),
    ]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["cms.NewsIndexPage"]
    subpage_types = []

    base_form_class = PageForm

    class Meta:
        verbose_name = _("news article")

    def clean(self):
        super().clean()
        # The admin's editor already keeps only these features; text saved by code
        # (imports, the shell) is cleaned here, as Wagtail renders stored HTML as it is.
        self.body = sanitise_rich_text(self.body, features=RICH_TEXT_FEATURES)
