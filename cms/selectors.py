"""Reads for the CMS pages. Each returns a queryset shaped for its template."""

from django.db.models import Case, When
from django.utils import timezone

from cms.models import CampaignPage, CountyPage, LaborPostPage, NewsPage, ProjectPage
from partners.models import AssistanceLevel


def live_projects():
    return ProjectPage.objects.live().select_related("image").order_by("-first_published_at", "-pk")


def open_labor_posts():
    """Published posts whose validity window includes today, newest first."""
    today = timezone.localdate()
    return (
        LaborPostPage.objects.live()
        .filter(valid_from__lte=today, valid_until__gte=today)
        .select_related("employer")
        .order_by("-valid_from", "-pk")
    )


def current_campaign():
    """The campaign running today, else the next one to start, else the latest."""
    today = timezone.localdate()
    campaigns = CampaignPage.objects.live()
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
        CountyPage.objects.live()
        .select_related("county", "image")
        .annotate(rank=rank)
        .order_by("rank", "county__prefecture", "title")[:limit]
    )


def latest_news(*, limit: int):
    return NewsPage.objects.live().order_by("-date", "-pk")[:limit]
