"""Reads for the CMS pages. Each returns a queryset shaped for its template."""

import re
import unicodedata
from decimal import ROUND_CEILING, Decimal

from django.db.models import Case, IntegerField, Max, Min, Prefetch, Q, QuerySet, When
from django.utils import timezone

from cms.i18n import children_in_visitor_locale, in_visitor_locale
from cms.models import (
    KEY_ASSISTANCE_COUNTY,
    BoardLodging,
    CampaignPage,
    CountyPage,
    Employer,
    ForbiddenTerm,
    LaborPostIndexPage,
    LaborPostKind,
    LaborPostPage,
    NewsPage,
    PayUnit,
    ProjectIndexPage,
    ProjectPage,
)
from core.access import is_platform_staff
from partners.models import AssistanceLevel, County

#: Place filter values beside a Guangdong city or a Guangxi prefecture: the whole province or region.
ALL_GUANGDONG = "guangdong"
ALL_GUANGXI = "guangxi"

#: Nearness to the job seeker's home county, as the jobs list groups it (本县 / 本市 / 其他).
SAME_COUNTY, SAME_PREFECTURE, ELSEWHERE = 0, 1, 2

#: Pay conversion to a month (劳社部发〔2008〕3号): 21.75 paid days, 8 hours a day.
PAID_DAYS_PER_MONTH = Decimal("21.75")
PAID_HOURS_PER_MONTH = PAID_DAYS_PER_MONTH * 8

#: Years offered in the project filter (a long programme would otherwise make a long list).
MAX_FILTER_YEARS = 15

#: Renditions of a project's gallery: the thumbnail shown and the picture it links to.
GALLERY_RENDITIONS = ("fill-320x240", "max-1200x1200")

#: Words before a term that say the post does *not* ask for it: "不限本地户籍", "无需本地户口".
NEGATIONS = ("不限", "不要求", "不需要", "不需", "无需", "不论", "无论", "不分")


def live_projects():
    """Published projects in the visitor's language, newest first."""
    projects = ProjectPage.objects.live().select_related("image").order_by("-first_published_at", "-pk")
    return in_visitor_locale(projects)


def live_projects_matching(
    *,
    index: ProjectIndexPage,
    cooperation_form: str = "",
    county: int | None = None,
    status: str = "",
    year: int | None = None,
) -> QuerySet[ProjectPage]:
    """Published projects under ``index`` matching the visitor's filters (协作项目筛选).

    ``year`` keeps projects running at some time in that year: started by its end and not
    ended before it began; a project without a start date has no period and is left out.
    """
    projects = children_in_visitor_locale(index, live_projects())
    if cooperation_form:
        projects = projects.filter(cooperation_form=cooperation_form)
    if county:
        projects = projects.filter(counties=county)
    if status:
        projects = projects.filter(status=status)
    if year:
        projects = projects.filter(start_date__year__lte=year).filter(
            Q(end_date__isnull=True) | Q(end_date__year__gte=year)
        )
    return projects


def project_filter_choices(*, index: ProjectIndexPage) -> dict:
    """Counties that have published projects under ``index``, grouped by prefecture, and the
    years those projects span (newest first; open-ended projects run to this year).

    Kept with the site chrome (two queries when publishing changed something, else none).
    """
    from cms import site_cache

    return site_cache.cached(
        f"project-filters:{index.pk}:{timezone.localdate().year}", lambda: _project_filter_choices(index)
    )


def _project_filter_choices(index: ProjectIndexPage) -> dict:
    from partners.models import County
    from partners.selectors import counties_grouped_by_prefecture

    projects = children_in_visitor_locale(index, ProjectPage.objects.live())
    counties = County.objects.filter(pk__in=projects.values("counties")).order_by("prefecture", "name")
    span = projects.aggregate(first=Min("start_date"), last_start=Max("start_date"), last_end=Max("end_date"))
    years: list[int] = []
    if span["first"]:
        ends = [span["last_start"].year, timezone.localdate().year] + (
            [span["last_end"].year] if span["last_end"] else []
        )
        last = max(ends)
        years = list(range(last, span["first"].year - 1, -1))[:MAX_FILTER_YEARS]
    return {"counties": counties_grouped_by_prefecture(counties), "years": years}


def gallery_of(project: ProjectPage) -> list:
    """The project's gallery pictures in order, their renditions fetched with them."""
    from wagtail.images import get_image_model

    images = get_image_model().objects.prefetch_renditions(*GALLERY_RENDITIONS)
    return list(project.gallery_images.prefetch_related(Prefetch("image", images)))


def products_on_sale_of(project: ProjectPage) -> list:
    """The products a (consumption) project sells that are on sale today, as shop cards show them."""
    from products.selectors import browsable_products

    ids = [product.pk for product in project.products.all()]
    return list(browsable_products().filter(pk__in=ids)) if ids else []


def open_labor_posts():
    """Published posts in the visitor's language whose validity window includes today, newest first."""
    today = timezone.localdate()
    posts = (
        LaborPostPage.objects.live()
        .filter(valid_from__lte=today, valid_until__gte=today)
        .select_related("employer", "work_county")
        .order_by("-valid_from", "-pk")
    )
    return in_visitor_locale(posts)


def open_labor_posts_of_county(*, county: County, limit: int = 6) -> tuple[list, list]:
    """(jobs near home whose place is ``county``, other jobs recruiting from it), open and published,
    at most ``limit`` of each, in one query for its county page."""
    local = Q(work_county=county) & ~Q(kind=LaborPostKind.OUTBOUND)
    posts = open_labor_posts().filter(local | Q(home_counties=county)).distinct()[: limit * 4]
    near, recruiting = [], []
    for post in posts:
        is_local = post.work_county_id == county.pk and post.kind != LaborPostKind.OUTBOUND
        (near if is_local else recruiting).append(post)
    return near[:limit], recruiting[:limit]


def labor_filter_counties() -> list[County]:
    """Assisted counties, by prefecture then name, for the "near my home county" filter (one query)."""
    from partners.selectors import assisted_counties

    return list(assisted_counties())


def open_labor_posts_matching(
    *,
    index: LaborPostIndexPage,
    city: str = "",
    home_county: County | None = None,
    kind: str = "",
    key_counties: bool = False,
    sector: str = "",
    min_monthly_pay: int | None = None,
    lodging: str = "",
    target: str = "",
    campaign: int | None = None,
) -> QuerySet[LaborPostPage]:
    """Open posts under ``index`` that match the job seeker's filters (岗位筛选).

    ``min_monthly_pay`` keeps posts whose maximum pay reaches it in a month: daily and hourly
    pay count 21.75 days or 174 hours a month; piece-rate posts have no monthly figure and are
    left out. ``lodging`` is "lodging" (lodging provided) or "both" (board and lodging);
    ``target`` is "poverty_alleviated" (脱贫劳动力) or "low_income" (农村低收入人口).

    ``city`` is a Guangdong city, a Guangxi prefecture, or all of Guangdong (``ALL_GUANGDONG``) or
    of Guangxi (``ALL_GUANGXI``: every job near home). ``home_county`` does not leave anything out:
    it sorts the jobs in the job seeker's own county first, then those in its prefecture, then the
    rest, and marks each post's group in ``nearness`` (``SAME_COUNTY``, ``SAME_PREFECTURE``,
    ``ELSEWHERE``); a seeker whose county has few jobs still sees the others, below.
    ``key_counties`` keeps jobs near home in key-assistance counties (重点帮扶县).
    """
    posts = children_in_visitor_locale(index, open_labor_posts())
    if city == ALL_GUANGDONG:
        posts = posts.filter(kind=LaborPostKind.OUTBOUND)
    elif city == ALL_GUANGXI:
        posts = posts.exclude(kind=LaborPostKind.OUTBOUND)
    elif city:
        posts = posts.filter(Q(work_city=city) | Q(work_county__prefecture=city))
    if kind:
        posts = posts.filter(kind=kind)
    if key_counties:
        posts = posts.exclude(kind=LaborPostKind.OUTBOUND).filter(KEY_ASSISTANCE_COUNTY)
    if home_county is not None:
        nearness = Case(
            When(work_county_id=home_county.pk, then=SAME_COUNTY),
            When(work_county__prefecture=home_county.prefecture, then=SAME_PREFECTURE),
            default=ELSEWHERE,
            output_field=IntegerField(),
        )
        posts = posts.annotate(nearness=nearness).order_by("nearness", "-valid_from", "-pk")
    if sector:
        posts = posts.filter(sector=sector)
    if min_monthly_pay:
        amount = Decimal(min_monthly_pay)

        def per(divisor: Decimal) -> Decimal:
            return (amount / divisor).quantize(Decimal("0.01"), rounding=ROUND_CEILING)

        posts = posts.filter(
            Q(pay_unit=PayUnit.MONTH, pay_max__gte=amount)
            | Q(pay_unit=PayUnit.DAY, pay_max__gte=per(PAID_DAYS_PER_MONTH))
            | Q(pay_unit=PayUnit.HOUR, pay_max__gte=per(PAID_HOURS_PER_MONTH))
        )
    if lodging == "both":
        posts = posts.filter(board_lodging=BoardLodging.BOTH)
    elif lodging == "lodging":
        posts = posts.filter(board_lodging__in=[BoardLodging.BOTH, BoardLodging.LODGING])
    if target == "poverty_alleviated":
        posts = posts.filter(for_poverty_alleviated=True)
    elif target == "low_income":
        posts = posts.filter(for_low_income=True)
    if campaign:
        posts = of_campaign(posts, campaign)
    return posts


def of_campaign(posts: QuerySet[LaborPostPage], campaign: int) -> QuerySet[LaborPostPage]:
    """``posts`` of the campaign page ``campaign`` or of any translation of it (a post names one of them)."""
    same_campaign = CampaignPage.objects.filter(pk=campaign).values("translation_key")
    return posts.filter(campaign__translation_key__in=same_campaign)


def similar_open_labor_posts(*, post: LaborPostPage, limit: int = 5) -> list[LaborPostPage]:
    """Open posts beside ``post`` in the same sector or place (city, or county near home), both first
    (相似岗位), in one query."""
    same_place = Q(work_county_id=post.work_county_id) if post.work_county_id else Q(work_city=post.work_city)
    if not (post.work_county_id or post.work_city):
        same_place = Q(pk__in=[])
    rank = Case(
        When(same_place & Q(sector=post.sector), then=0),
        When(sector=post.sector, then=1),
        default=2,
        output_field=IntegerField(),
    )
    posts = (
        children_in_visitor_locale(post.get_parent(), open_labor_posts())
        .exclude(translation_key=post.translation_key)
        .filter(Q(sector=post.sector) | same_place)
        .annotate(similarity=rank)
        .order_by("similarity", "-valid_from", "-pk")
    )
    return list(posts[:limit])


def campaign_choices() -> list[tuple[int, str]]:
    """Live recruitment campaigns (招聘活动) as (id, title), latest first, for the jobs filter."""
    campaigns = in_visitor_locale(CampaignPage.objects.live())
    return list(campaigns.order_by("-start_date", "-pk").values_list("pk", "title"))


def may_post_for_any_employer(user) -> bool:
    """Staff and editors who manage employers post for any; an employer's account only for its own."""
    return user.is_superuser or is_platform_staff(user) or user.has_perm("cms.change_employer")


def employers_of(user) -> QuerySet[Employer]:
    """The employers ``user`` works for (``Employer.users``), whatever else they may do.

    A cooperative's employer (seasonal work, 合作社季节性用工) is its people's only while they work
    for the cooperative and it is active (``partners.access.cooperatives_of``): someone who left the
    cooperative, or the people of a suspended one, no longer post or see applications for it.
    Ids from a subquery, not a join: the admin's employer chooser searches this queryset, and
    Wagtail's search filters only on indexed fields (the id is one, the staff accounts are not).
    """
    from partners.access import cooperatives_of

    if not (user.is_authenticated and user.is_active):
        return Employer.objects.none()
    own = Employer.objects.filter(users=user).filter(
        Q(cooperative__isnull=True) | Q(cooperative__in=cooperatives_of(user).values("pk"))
    )
    return Employer.objects.filter(pk__in=own.values("pk"))


def employers_for_user(user) -> QuerySet[Employer]:
    """Employers (用人单位) ``user`` may post jobs for and choose in the admin."""
    if may_post_for_any_employer(user):
        return Employer.objects.all()
    return employers_of(user)


def _fold(text: str) -> str:
    """Full-width to half-width, case folded, without spaces: "限 男性" and "限男性" read alike."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).casefold()


def _negated(before: str, term: str) -> bool:
    return before.endswith(NEGATIONS) or (term.startswith("限") and before.endswith("不"))


def forbidden_wording(texts: dict[str, str]) -> dict[str, dict[str, list[str]]]:
    """Active forbidden terms (违规用语) found in each text, by category: {field: {category: [term]}}.

    A term is not counted where the post says it does *not* ask for it ("不限本地户籍"), and a
    term that is part of a longer one also found ("限男性" of "仅限男性") is not repeated. One query.
    """
    terms = [
        (term, category, _fold(term))
        for term, category in ForbiddenTerm.objects.filter(active=True).values_list("term", "category")
    ]
    found: dict[str, dict[str, list[str]]] = {}
    for field, text in texts.items():
        folded = _fold(text)
        hits = []
        for term, category, key in terms:
            if not key:
                continue
            start = folded.find(key)
            while start != -1 and _negated(folded[:start], key):
                start = folded.find(key, start + 1)
            if start != -1:
                hits.append((term, category, key))
        for term, category, key in hits:
            if any(key != other and key in other for _t, _c, other in hits):
                continue
            found.setdefault(field, {}).setdefault(category, []).append(term)
    return found


def current_campaign():
    """The campaign running today, else the next one to start, else the latest."""
    today = timezone.localdate()
    campaigns = in_visitor_locale(CampaignPage.objects.live())
    return (
        campaigns.filter(start_date__lte=today, end_date__gte=today).order_by("end_date").first()
        or campaigns.filter(start_date__gt=today).order_by("start_date").first()
        or campaigns.order_by("-end_date").first()
    )


def featured_county_pages(*, limit: int):
    """County pages an editor illustrated first, then national key-assistance counties."""
    rank = Case(
        When(image__isnull=False, then=0),
        When(county__assistance_level=AssistanceLevel.NATIONAL, then=1),
        default=2,
    )
    return (
        in_visitor_locale(CountyPage.objects.live())
        .select_related("county", "image")
        .annotate(rank=rank)
        .order_by("rank", "county__prefecture", "title")[:limit]
    )


def latest_news(*, limit: int):
    return in_visitor_locale(NewsPage.objects.live()).order_by("-date", "-pk")[:limit]
