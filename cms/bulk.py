"""Fast creation of many live pages under one index (批量建页), for large test and benchmark sites.

Adding pages one by one (``add_child`` then ``save_revision().publish()``) costs a dozen
queries and a revision per page: a minute or more for thousands. Here the page tree is written
directly, as treebeard and Wagtail would write it, in a few batched statements:

* ``wagtailcore_page`` rows with ``bulk_create``: materialised paths continuing after the
  parent's last child (treebeard's ``steplen`` 4, base-36 steps), depth, ``url_path``,
  ``draft_title``, a fresh ``translation_key``, the parent's locale, the specific content
  type, live and published;
* the specific model's own rows (multi-table inheritance, which ``bulk_create`` refuses) in
  batched ``INSERT`` statements, as ``Model.save`` writes one;
* many-to-many links through their through tables;
* the parent's ``numchild``.

No revisions, log entries, search index or reference index entries are written and no
signals are sent: the pages render, route, filter and paginate like published ones, and an
editor who opens one in the admin edits the page itself (Wagtail falls back to it when a
page has no revision). Slugs are ``<prefix><number>``, numbered after the highest one with
that prefix under the parent, so calling again adds more rather than clashing.
"""

import datetime
from collections import Counter
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import connections, models, router, transaction
from django.db.models import F
from django.utils import timezone
from wagtail.models import Page

from cms.models import (
    GUANGDONG_CITIES,
    BoardLodging,
    CooperationForm,
    LaborPostPage,
    PayUnit,
    ProjectPage,
    ProjectStatus,
    Sector,
)

#: Rows per INSERT where the database sets no lower limit (SQLite's limit on parameters is lower).
BATCH_SIZE = 500
#: Pages added together are published this far apart, the last one at ``published_at``, as if
#: published one after the other: lists ordered by publication time have no ties to sort.
PUBLISHED_EVERY = datetime.timedelta(minutes=1)

JOB_TITLES = {
    Sector.MANUFACTURING: ("注塑普工", "家具厂木工", "包装工"),
    Sector.ELECTRONICS: ("电子厂普工", "SMT操作员", "电池产线操作工"),
    Sector.CONSTRUCTION: ("建筑施工员", "钢筋工"),
    Sector.LOGISTICS: ("物流分拣员", "仓库理货员"),
    Sector.SERVICES: ("餐饮厨房帮工", "酒店客房服务员"),
    Sector.AGRICULTURE: ("现代农业基地农工", "水果分拣包装工"),
    Sector.CARE: ("养老护理员", "家政服务员"),
}
SECTORS = list(Sector)
PAY_UNITS = [PayUnit.MONTH, PayUnit.DAY, PayUnit.MONTH, PayUnit.HOUR, PayUnit.MONTH, PayUnit.PIECE]
LODGINGS = list(BoardLodging)
FORMS = list(CooperationForm)
#: Short names of the forms of cooperation for generated titles (the labels are translated per visitor).
FORM_NAMES = {
    CooperationForm.INDUSTRY: "产业协作",
    CooperationForm.LABOR: "劳务协作",
    CooperationForm.CONSUMPTION: "消费协作",
    CooperationForm.TALENT: "人才协作",
    CooperationForm.INFRASTRUCTURE: "基础设施协作",
    CooperationForm.SOCIAL: "社会事业协作",
    CooperationForm.SOCIAL_FORCES: "社会力量协作",
    CooperationForm.REGIONAL: "区域战略协作",
}
SIDES = ("协作办", "人力资源和社会保障局", "商务局", "农业农村局", "工商联", "国资企业")


def _pk(value) -> int:
    return getattr(value, "pk", value)


def _last_step(parent: Page, using: str) -> int:
    """The step (position) of ``parent``'s last child in the tree, 0 when it has none."""
    last = (
        Page.objects.using(using)
        .filter(path__startswith=parent.path, depth=parent.depth + 1)
        .order_by("-path")
        .values_list("path", flat=True)
        .first()
    )
    return Page._str2int(last[-Page.steplen :]) if last else 0


def _insert_rows(model: type[models.Model], objs: list, using: str) -> None:
    """INSERT the rows of ``model``'s own table for ``objs``, batched.

    ``QuerySet._insert`` is the call ``Model.save`` makes for one row; ``bulk_create`` cannot be
    used because it refuses models with multi-table inheritance.
    """
    fields = list(model._meta.local_concrete_fields)
    size = max(1, min(BATCH_SIZE, connections[using].ops.bulk_batch_size(fields, objs)))
    for start in range(0, len(objs), size):
        model._base_manager.using(using)._insert(objs[start : start + size], fields=fields, using=using, raw=True)


def bulk_add_live_children(
    parent: Page, pages: Sequence[Page], *, published_at: datetime.datetime | None = None
) -> list[Page]:
    """Insert ``pages`` (unsaved, one specific page model, title and slug set) as live children of ``parent``.

    In one transaction, with the parent row locked as treebeard does when it adds a child. A page
    without ``first_published_at`` gets ``published_at`` (default: now) less ``PUBLISHED_EVERY``
    for each page after it in ``pages``. The pages come back saved, with their ids.

    Raises ``ValueError`` for a slug already used under ``parent`` (or twice in ``pages``), for a
    model that does not inherit from ``Page`` directly, and when the parent has no room for that
    many more children (treebeard's path overflow). Side effects: the rows listed in the
    module's docstring; nothing else.
    """
    pages = list(pages)
    if not pages:
        return []
    model = type(pages[0])
    if any(type(page) is not model for page in pages):
        raise ValueError("All pages must be of one page model.")
    if model is not Page and model._meta.get_parent_list() != [Page]:
        raise ValueError(f"{model.__name__} must inherit from Page directly.")
    published_at = published_at or timezone.now()
    using = router.db_for_write(Page)
    content_type = ContentType.objects.db_manager(using).get_for_model(model)
    with transaction.atomic(using=using):
        parent_row = Page.objects.using(using).select_for_update().get(pk=parent.pk)
        depth = parent_row.depth + 1
        taken = set(
            Page.objects.using(using)
            .filter(path__startswith=parent_row.path, depth=depth)
            .values_list("slug", flat=True)
        )
        slugs = [page.slug for page in pages]
        clashes = (taken & set(slugs)) | {slug for slug, times in Counter(slugs).items() if times > 1}
        if clashes:
            raise ValueError(f"Slugs already used under {parent_row.url_path}: {sorted(clashes)[:5]}")
        first = _last_step(parent_row, using) + 1
        if first + len(pages) - 1 >= len(Page.alphabet) ** Page.steplen:
            raise ValueError(f"No room for {len(pages)} more children under {parent_row.url_path}.")
        rows = []
        for position, page in enumerate(pages):
            step = first + position
            page.path = Page._get_path(parent_row.path, depth, step)
            page.depth = depth
            page.numchild = 0
            page.url_path = f"{parent_row.url_path}{page.slug}/"
            page.draft_title = page.title
            page.locale_id = parent_row.locale_id
            page.content_type_id = content_type.pk
            page.live = True
            page.has_unpublished_changes = False
            page.first_published_at = page.first_published_at or (
                published_at - PUBLISHED_EVERY * (len(pages) - 1 - position)
            )
            page.last_published_at = page.last_published_at or page.first_published_at
            rows.append(Page(**{field.attname: getattr(page, field.attname) for field in Page._meta.concrete_fields}))
        Page.objects.using(using).bulk_create(rows, batch_size=BATCH_SIZE)
        if any(row.pk is None for row in rows):  # a database that does not return ids from a bulk insert
            children = Page.objects.using(using).filter(path__startswith=parent_row.path, depth=depth)
            ids = dict(children.values_list("path", "pk"))
            for row in rows:
                row.pk = ids[row.path]
        for page, row in zip(pages, rows, strict=True):
            page.id = row.pk
            if model is not Page:
                setattr(page, model._meta.pk.attname, row.pk)
        if model is not Page:
            _insert_rows(model, pages, using)
        Page.objects.using(using).filter(pk=parent_row.pk).update(numchild=F("numchild") + len(pages))
    parent.numchild = parent_row.numchild + len(pages)
    for page in pages:
        page._state.adding = False
        page._state.db = using
    return pages


def _link(model: type[models.Model], field_name: str, links: Iterable[tuple[int, int]]) -> None:
    """Rows of a (parental) many-to-many field's through table, as (page id, target id) pairs."""
    field = model._meta.get_field(field_name)
    through = field.remote_field.through
    source = through._meta.get_field(field.m2m_field_name()).attname
    target = through._meta.get_field(field.m2m_reverse_field_name()).attname
    through.objects.bulk_create(
        [through(**{source: page_id, target: target_id}) for page_id, target_id in links], batch_size=BATCH_SIZE
    )


def _next_number(parent: Page, slug_prefix: str) -> int:
    """1 + the highest number of a ``<slug_prefix><number>`` slug under ``parent``."""
    numbers = [
        int(slug[len(slug_prefix) :])
        for slug in Page.objects.child_of(parent).filter(slug__startswith=slug_prefix).values_list("slug", flat=True)
        if slug[len(slug_prefix) :].isdigit()
    ]
    return max(numbers, default=0) + 1


def _pay(n: int, unit: str) -> tuple[Decimal, Decimal]:
    if unit == PayUnit.MONTH:
        low = 3800 + (n * 130) % 2400
        return Decimal(low), Decimal(low + 800 + (n * 70) % 2000)
    if unit == PayUnit.DAY:
        low = 180 + (n * 7) % 120
        return Decimal(low), Decimal(low + 40 + (n * 3) % 80)
    if unit == PayUnit.HOUR:
        low = 18 + n % 10
        return Decimal(low), Decimal(low + 4 + n % 6)
    return Decimal("0.50"), Decimal("0.80") + Decimal(n % 5) / 10


def bulk_labor_posts(
    index: Page,
    count: int,
    *,
    employers: Sequence,
    campaign=None,
    home_counties: Sequence = (),
    slug_prefix: str = "post-",
    today: datetime.date | None = None,
    published_at: datetime.datetime | None = None,
) -> list[LaborPostPage]:
    """``count`` open job posts (招聘岗位) under the jobs index ``index``, live and published.

    Fields vary with the post's number, the same way on every call: sector and job title,
    city, pay and pay unit (month, day, hour, piece), board and lodging, organised transport,
    the target groups, openings, employer (cycling through ``employers``), every other post in
    ``campaign`` if given, one or two of ``home_counties``. Every post is open today: valid
    from up to 44 days ago until 30 to 329 days ahead, and it expires (``expire_at``) at the end
    of its last valid day, as the page editor sets it. Side effects: see ``bulk_add_live_children``,
    plus the ``home_counties`` links.
    """
    if not employers:
        raise ValueError("At least one employer is needed.")
    today = today or timezone.localdate()
    employer_ids = [_pk(employer) for employer in employers]
    county_ids = [_pk(county) for county in home_counties]
    start = _next_number(index, slug_prefix)
    pages, links = [], []
    for n in range(start, start + count):
        sector = SECTORS[n % len(SECTORS)]
        titles = JOB_TITLES[sector]
        job_title = titles[(n // 3) % len(titles)]
        # The city changes every seven posts, the sector with each: every city has every sector.
        city = GUANGDONG_CITIES[(n // len(SECTORS)) % len(GUANGDONG_CITIES)]
        unit = PAY_UNITS[n % len(PAY_UNITS)]
        pay_min, pay_max = _pay(n, unit)
        post = LaborPostPage(
            title=f"{job_title}（{city}）{n}号",
            slug=f"{slug_prefix}{n}",
            employer_id=employer_ids[n % len(employer_ids)],
            job_title=job_title,
            sector=sector,
            openings=5 + (n * 7) % 116,
            requirements="18至50周岁，身体健康，能适应倒班；无经验可培训上岗。",
            job_content=f"从事{job_title}工作，按国家规定缴纳社会保险。",
            work_city=city,
            work_location=f"{city}第{1 + n % 9}工业园",
            pay_min=pay_min,
            pay_max=pay_max,
            pay_unit=unit,
            board_lodging=LODGINGS[(n // 3) % len(LODGINGS)],
            organised_transport=n % 3 == 0,
            for_poverty_alleviated=n % 4 != 3,
            for_low_income=n % 5 == 0,
            campaign_id=_pk(campaign) if campaign is not None and n % 2 == 0 else None,
            valid_from=today - datetime.timedelta(days=n % 45),
            valid_until=today + datetime.timedelta(days=30 + (n * 11) % 300),
        )
        post.expire_at = post.closes_at
        pages.append(post)
    with transaction.atomic(using=router.db_for_write(Page)):
        bulk_add_live_children(index, pages, published_at=published_at)
        if county_ids:
            for post_number, post in enumerate(pages, start=start):
                chosen = {county_ids[post_number % len(county_ids)]}
                if post_number % 3 == 0:
                    chosen.add(county_ids[(post_number + 1) % len(county_ids)])
                links += [(post.pk, county_id) for county_id in sorted(chosen)]
            _link(LaborPostPage, "home_counties", links)
    return pages


def _project_period(n: int, today: datetime.date) -> tuple[datetime.date, datetime.date | None, str]:
    """Start, end and status: starts spread from January five years ago to a year ahead; every
    tenth project has no end date; the status follows the dates."""
    first = datetime.date(today.year - 5, 1, 1)
    start = first + datetime.timedelta(days=(n * 97) % ((today - first).days + 365))
    end = None if n % 10 == 0 else start + datetime.timedelta(days=180 + (n * 53) % 1100)
    if start > today:
        status = ProjectStatus.PLANNED
    elif end is not None and end < today:
        status = ProjectStatus.COMPLETED
    else:
        status = ProjectStatus.ONGOING
    return start, end, status


def bulk_projects(
    index: Page,
    count: int,
    *,
    counties: Sequence = (),
    images: Sequence = (),
    slug_prefix: str = "project-",
    today: datetime.date | None = None,
    published_at: datetime.datetime | None = None,
) -> list[ProjectPage]:
    """``count`` cooperation projects (协作项目) under the project index ``index``, live and published.

    Fields vary with the project's number, the same way on every call: the form of cooperation
    (all eight in turn), the Guangdong side, funding, jobs and households, one to three of
    ``counties``, the image (cycling through ``images``, none if empty), and the period, from
    which the status follows (see ``_project_period``). Side effects: see
    ``bulk_add_live_children``, plus the ``counties`` links.
    """
    today = today or timezone.localdate()
    county_ids = [_pk(county) for county in counties]
    image_ids = [_pk(image) for image in images]
    start = _next_number(index, slug_prefix)
    pages, links = [], []
    for n in range(start, start + count):
        form = FORMS[n % len(FORMS)]
        city = GUANGDONG_CITIES[(n * 5) % len(GUANGDONG_CITIES)]
        side = f"{city}{SIDES[n % len(SIDES)]}"
        begins, ends, status = _project_period(n, today)
        pages.append(
            ProjectPage(
                title=f"{side}{FORM_NAMES[form]}项目{n}号",
                slug=f"{slug_prefix}{n}",
                cooperation_form=form,
                guangdong_side=side,
                funding_wan=Decimal(50 + (n * 37) % 5000),
                start_date=begins,
                end_date=ends,
                status=status,
                jobs_created=(n * 13) % 500,
                households_linked=(n * 29) % 2000,
                summary=f"{side}与广西帮扶县开展{FORM_NAMES[form]}，带动脱贫人口增收。",
                image_id=image_ids[n % len(image_ids)] if image_ids else None,
            )
        )
    with transaction.atomic(using=router.db_for_write(Page)):
        bulk_add_live_children(index, pages, published_at=published_at)
        if county_ids:
            for number, project in enumerate(pages, start=start):
                chosen = {county_ids[(number * (k + 3)) % len(county_ids)] for k in range(1 + number % 3)}
                links += [(project.pk, county_id) for county_id in sorted(chosen)]
            _link(ProjectPage, "counties", links)
    return pages
