"""Factories for tests: small, explicit, independent of the demo data."""

import datetime
import io
from decimal import Decimal

import factory
from django.core.files.base import ContentFile
from django.utils import timezone
from oscar.core.loading import get_model
from PIL import Image
from wagtail.models import Page

from cms import models as cms

County = get_model("partner", "County")
Partner = get_model("partner", "Partner")
Certification = get_model("partner", "Certification")
StockRecord = get_model("partner", "StockRecord")
Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")
ProductCategory = get_model("catalogue", "ProductCategory")
ProductImage = get_model("catalogue", "ProductImage")
Category = get_model("catalogue", "Category")


def jpeg_bytes(size=(40, 40), colour=(30, 120, 60)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="JPEG")
    return buffer.getvalue()


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "accounts.User"
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    first_name = "测试"
    password = factory.django.Password("test-pass-123")


class CountyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = County
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"测试{n}县")
    slug = factory.Sequence(lambda n: f"ceshi{n}")
    prefecture = "百色市"
    assistance_level = "national"
    former_poverty_county = True
    counts_for_reserved_share = True
    guangdong_partner = "深圳市"


class CooperativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"测试农民专业合作社{n}")
    code = factory.Sequence(lambda n: f"coop-{n}")
    kind = "cooperative"
    county = factory.SubFactory(CountyFactory)
    households_linked = 120
    farmer_linkage = "保底收购，带动脱贫户增收。"


def scheme(code: str = "green_food"):
    """A certification scheme row (a transactional test's flush removes the migration's)."""
    from partners.models import CertificationScheme
    from partners.scheme_defaults import schemes_ensure

    found = CertificationScheme.objects.filter(code=code).first()
    if found is None:
        schemes_ensure()
        found = CertificationScheme.objects.get(code=code)
    return found


class CertificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certification

    scheme = factory.LazyFunction(scheme)
    number = factory.Sequence(lambda n: f"GF4510222{n:05d}")
    holder = factory.SubFactory(CooperativeFactory)
    issuer = "中国绿色食品发展中心"
    valid_from = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    valid_until = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=700))
    verified = True


class ProductClassFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductClass
        django_get_or_create = ("slug",)

    name = "农产品"
    slug = "farm-produce"
    requires_shipping = True
    track_stock = True


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"分类{n}")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return model_class.add_root(**kwargs)


class ProductFactory(factory.django.DjangoModelFactory):
    """A bare public standalone product; ``make_product`` adds stock, image and category."""

    class Meta:
        model = Product

    title = factory.Sequence(lambda n: f"测试香猪肉{n}")
    upc = factory.Sequence(lambda n: f"UPC-{n:06d}")
    product_class = factory.SubFactory(ProductClassFactory)
    structure = "standalone"
    is_public = True
    listing_status = "listed"
    description = "产自帮扶县的认证农产品。"
    storage_type = "ambient"
    specification = "1千克/袋"
    origin_county = factory.SubFactory(CountyFactory)


def make_product(
    *, cooperative=None, category=None, price="58.00", stock=100, with_image=True, certifications=(), **fields
):
    """A listed product: stock record with a cooperative, optional image, category and certificates."""
    cooperative = cooperative or CooperativeFactory()
    fields.setdefault("origin_county", cooperative.county)
    product = ProductFactory(**fields)
    StockRecord.objects.create(
        product=product,
        partner=cooperative,
        partner_sku=product.upc,
        price_currency="CNY",
        price=Decimal(price),
        num_in_stock=stock,
    )
    if category is not None:
        ProductCategory.objects.create(product=product, category=category)
    if with_image:
        ProductImage.objects.create(product=product, original=ContentFile(jpeg_bytes(), name=f"{product.upc}.jpg"))
    if certifications:
        product.certifications.set(certifications)
    return product


def home_page() -> cms.HomePage:
    """The home page the data migration creates (rebuilt if a transactional test flushed it)."""
    home = cms.HomePage.objects.filter(depth=2).first()
    if home is None:
        from wagtail.models import Locale, Site

        Locale.objects.get_or_create(language_code="zh-hans")
        root = Page.get_first_root_node() or Page.add_root(title="Root", slug="root")
        home = root.add_child(instance=cms.HomePage(title="粤桂协作消费帮扶平台", slug="home"))
        Site.objects.update_or_create(is_default_site=True, defaults={"hostname": "localhost", "root_page": home})
    return home


def add_page(parent: Page, page: Page) -> Page:
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def build_site(*, counties=1, posts=1, projects=1):
    """A small page tree like the real site's, built from factories."""
    home = home_page()
    county_index = add_page(home, cms.CountyIndexPage(title="帮扶县", slug="counties", show_in_menus=True))
    project_index = add_page(home, cms.ProjectIndexPage(title="协作项目", slug="projects", show_in_menus=True))
    job_index = add_page(home, cms.LaborPostIndexPage(title="广东岗位", slug="jobs", show_in_menus=True))
    campaign_index = add_page(home, cms.CampaignIndexPage(title="招聘活动", slug="campaigns", show_in_menus=True))
    news_index = add_page(home, cms.NewsIndexPage(title="新闻与政策", slug="news", show_in_menus=True))
    county_pages = [
        add_page(county_index, cms.CountyPage(title=county.name, slug=county.slug, county=county, intro="县情介绍"))
        for county in [CountyFactory() for _ in range(counties)]
    ]
    today = timezone.localdate()
    campaign = add_page(
        campaign_index,
        cms.CampaignPage(
            title="春风行动",
            slug="spring",
            start_date=today - datetime.timedelta(days=3),
            end_date=today + datetime.timedelta(days=60),
            intro="岗位对接与点对点输送。",
        ),
    )
    employer = cms.Employer.objects.create(
        name="东莞测试电子有限公司", city="东莞市", contact_name="李经理", contact_phone="13800138000"
    )
    post_pages = []
    for n in range(posts):
        page = labor_post(employer=employer, campaign=campaign, slug=f"job-{n}", title=f"电子厂普工{n}")
        page.home_counties.set([county_pages[0].county])
        post_pages.append(add_page(job_index, page))
    project_pages = []
    for n in range(projects):
        page = cms.ProjectPage(
            title=f"协作项目{n}",
            slug=f"project-{n}",
            cooperation_form="consumption",
            guangdong_side="深圳市",
            summary="消费协作项目。",
            status="ongoing",
            funding_wan=Decimal("100.00"),
        )
        page.counties.set([county_pages[0].county])
        project_pages.append(add_page(project_index, page))
    news = add_page(news_index, cms.NewsPage(title="政策解读", slug="policy", intro="摘要", body="<p>正文</p>"))
    return {
        "home": home,
        "county_index": county_index,
        "county_pages": county_pages,
        "project_index": project_index,
        "projects": project_pages,
        "job_index": job_index,
        "posts": post_pages,
        "campaign": campaign,
        "news_index": news_index,
        "news": news,
        "employer": employer,
    }


def labor_post(*, employer, campaign=None, slug="job", title="电子厂普工", **overrides) -> cms.LaborPostPage:
    today = timezone.localdate()
    values = {
        "title": title,
        "slug": slug,
        "employer": employer,
        "job_title": title,
        "sector": "electronics",
        "openings": 50,
        "requirements": "18至45周岁，身体健康。",
        "job_content": "电子产品组装。",
        "work_city": "东莞市",
        "work_location": "长安镇",
        "pay_min": Decimal("4800"),
        "pay_max": Decimal("6500"),
        "pay_unit": "month",
        "board_lodging": "both",
        "organised_transport": True,
        "campaign": campaign,
        "valid_from": today - datetime.timedelta(days=1),
        "valid_until": today + datetime.timedelta(days=30),
    }
    values.update(overrides)
    return cms.LaborPostPage(**values)


# --------------------------------------------------------------------------- budget units
def credit_code(n: int, *, division: str = "440300") -> str:
    """A valid unified social credit code (GB 32100) of an agency (机关, ``11``) in ``division``."""
    from partners.validators import credit_code_check_character

    first17 = f"11{division}{n:09d}"
    return first17 + credit_code_check_character(first17)


JURISDICTION_ROWS = {
    "national": ("全国", None, 0),
    "guangxi": ("广西壮族自治区", "national", 10),
    "guangdong": ("广东省", "national", 20),
    "shenzhen": ("深圳市", "guangdong", 30),
}


def jurisdiction(code: str = "shenzhen"):
    """The jurisdiction row ``code`` (a migration's data; transactional tests flush it), with those above."""
    from marketplace.procurement.models import Jurisdiction

    name, parent, position = JURISDICTION_ROWS[code]
    if parent:
        jurisdiction(parent)
    return Jurisdiction.objects.get_or_create(
        code=code, defaults={"name": name, "parent_id": parent, "position": position}
    )[0]


def share_ratio(code: str, year: int, ratio: str, category: str = ""):
    from marketplace.procurement.models import ShareRatio

    return ShareRatio.objects.update_or_create(
        jurisdiction=jurisdiction(code),
        year=year,
        category=category,
        defaults={"minimum_ratio": Decimal(ratio), "confidence": "report"},
    )[0]


_unit_numbers = iter(range(1, 10**8))


def budget_unit(name: str = "", *, parent=None, jurisdiction_code: str = "shenzhen", **fields):
    """A budget unit saved through ``units.unit_save`` (its hierarchy path is kept there)."""
    from marketplace.procurement.models import BudgetUnit
    from marketplace.procurement.units import unit_save

    n = next(_unit_numbers)
    fields.setdefault("category", "school")
    fields.setdefault("city", "深圳市")
    unit = BudgetUnit(
        name=name or f"测试单位{n}",
        credit_code=fields.pop("credit_code", None) or credit_code(n + 500000),
        jurisdiction=jurisdiction(jurisdiction_code),
        parent=parent,
        **fields,
    )
    return unit_save(unit=unit)


def unit_member(unit, email: str | None = None, *, roles=("buyer",), contractor: str = "", user=None):
    """A person with ``roles`` (manager, buyer, approver, finance) in ``unit``."""
    from marketplace.procurement.units import membership_set

    user = user or UserFactory(email=email or f"member{next(_unit_numbers)}@unit.example.cn")
    membership_set(unit=unit, user=user, contractor=contractor, **dict.fromkeys(roles, True))
    return user
