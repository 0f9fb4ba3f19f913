"""Inspect a benchmark database and size its catalogue (runs in a Django subprocess).

``python -m bench.populate check``         JSON: pending migrations, seeded or not, product count.
``python -m bench.populate fill --target N [--posts P] [--projects Q]`` tops the catalogue up
(or trims it) to N products with bulk inserts, the jobs index to P open labor posts and the
project index to Q projects (default 2,000 each, ``cms.bulk``; slugs ``bench-<n>``), then
prints JSON with the counts and the URLs to benchmark.

The settings module comes from DJANGO_SETTINGS_MODULE (``python -m bench`` passes ``bench.settings``).
"""

import argparse
import json
import random
import sys
import time
import warnings
from decimal import Decimal

BENCH_UPC_PREFIX = "BENCH-"
BENCH_SLUG_PREFIX = "bench-"  # labor posts and projects added by the benchmark
BATCH_SIZE = 2000
DEFAULT_PAGES = 2_000  # open labor posts and projects, whatever the catalogue size


def _setup() -> None:
    import django

    django.setup()


def pending_migrations() -> int:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def is_seeded() -> bool:
    """seed_demo runs in one transaction, so its last rows present means all of it is."""
    from django.contrib.auth import get_user_model
    from oscar.core.loading import get_model

    from marketplace.demo import data

    Product = get_model("catalogue", "Product")
    upcs = [row[0] for row in data.PRODUCTS]
    last_email = data.ROLE_USERS[-1][1]
    return (
        Product.objects.filter(upc__in=upcs).count() == len(upcs)
        and get_user_model().objects.filter(email=last_email).exists()
    )


def check() -> dict:
    pending = pending_migrations()
    if pending:
        return {"pending_migrations": pending, "seeded": False, "products": None}
    from oscar.core.loading import get_model

    return {
        "pending_migrations": 0,
        "seeded": is_seeded(),
        "products": get_model("catalogue", "Product").objects.count(),
    }


# --------------------------------------------------------------------------- filling


def _next_bench_index() -> int:
    from oscar.core.loading import get_model

    Product = get_model("catalogue", "Product")
    last = (
        Product.objects.filter(upc__startswith=BENCH_UPC_PREFIX).order_by("-upc").values_list("upc", flat=True).first()
    )
    return int(last.removeprefix(BENCH_UPC_PREFIX)) + 1 if last else 1


def top_up(count: int, *, seed: int = 2026) -> None:
    """Add ``count`` farm products, each with a stock record, a category and a few certificates."""
    from django.db import transaction
    from oscar.core.loading import get_model

    from core.slugs import pinyin_slugify
    from marketplace.demo import data

    Product = get_model("catalogue", "Product")
    ProductClass = get_model("catalogue", "ProductClass")
    ProductCategory = get_model("catalogue", "ProductCategory")
    Category = get_model("catalogue", "Category")
    Partner = get_model("partner", "Partner")
    StockRecord = get_model("partner", "StockRecord")
    Certification = get_model("partner", "Certification")
    ProductCertification = Product.certifications.through

    product_class = ProductClass.objects.get(slug="farm-produce")
    partners = list(Partner.objects.filter(is_active=True).order_by("pk"))
    categories = list(Category.objects.filter(depth=1).order_by("path"))
    if not partners or not categories:
        raise SystemExit("The database has no cooperatives or no categories: run seed_demo first.")
    certificates = {partner.pk: [] for partner in partners}
    for certificate in Certification.objects.valid().filter(holder__in=partners).order_by("pk"):
        certificates[certificate.holder_id].append(certificate.pk)
    # Titles, specifications and prices modelled on the demo's own products.
    models = []
    for _upc, title, _category, _coop, price, stock, storage, shelf_life, spec, _schemes in data.PRODUCTS:
        models.append(
            (title, pinyin_slugify(title)[:200] or "product", Decimal(price), stock, storage, shelf_life, spec)
        )

    # Shown in the shop as soon as they exist: listed (where the catalogue has a listing
    # workflow) with the price the platform reviewed.
    field_names = {field.name for field in Product._meta.get_fields()}
    listed = {}
    if "listing_status" in field_names:
        from products.models import ListingStatus

        listed["listing_status"] = ListingStatus.LISTED

    rng = random.Random(seed)
    start = _next_bench_index()
    for batch_start in range(start, start + count, BATCH_SIZE):
        indexes = range(batch_start, min(batch_start + BATCH_SIZE, start + count))
        rows = []
        for index in indexes:
            title, slug, price, stock, storage, shelf_life, spec = models[index % len(models)]
            partner = partners[rng.randrange(len(partners))]
            rows.append((index, title, slug, price, stock, storage, shelf_life, spec, partner))
        with transaction.atomic():
            products = Product.objects.bulk_create(
                [
                    Product(
                        upc=f"{BENCH_UPC_PREFIX}{index:07d}",
                        title=f"{title} 第{index}批",
                        slug=f"{slug}-{index}",
                        product_class=product_class,
                        structure=Product.STANDALONE,
                        is_public=True,
                        description=f"{title}，由{partner.name}供货。规格：{spec}。（基准测试数据）",
                        origin_county_id=partner.county_id,
                        storage_type=storage,
                        shelf_life_days=shelf_life,
                        specification=spec,
                        traceability_code=f"GX-BENCH-{index:07d}",
                        **listed,
                        **({"reviewed_price": price} if "reviewed_price" in field_names else {}),
                    )
                    for index, title, slug, price, stock, storage, shelf_life, spec, partner in rows
                ],
                batch_size=BATCH_SIZE,
            )
            stockrecords, links, certs = [], [], []
            for product, (index, _t, _s, price, stock, _st, _sl, _sp, partner) in zip(products, rows, strict=True):
                stockrecords.append(
                    StockRecord(
                        product=product,
                        partner=partner,
                        partner_sku=f"{BENCH_UPC_PREFIX}{index:07d}",
                        price_currency="CNY",
                        price=price,
                        num_in_stock=stock,
                    )
                )
                links.append(ProductCategory(product=product, category=categories[rng.randrange(len(categories))]))
                held = certificates[partner.pk]
                for certificate_id in rng.sample(held, rng.randint(0, min(2, len(held)))):
                    certs.append(ProductCertification(product_id=product.pk, certification_id=certificate_id))
            StockRecord.objects.bulk_create(stockrecords, batch_size=BATCH_SIZE)
            ProductCategory.objects.bulk_create(links, batch_size=BATCH_SIZE)
            ProductCertification.objects.bulk_create(certs, batch_size=BATCH_SIZE)


def trim(count: int) -> None:
    """Remove the ``count`` most recently added benchmark products (never the demo's own)."""
    from django.db import transaction
    from oscar.core.loading import get_model

    Product = get_model("catalogue", "Product")
    ids = list(
        Product.objects.filter(upc__startswith=BENCH_UPC_PREFIX).order_by("-upc").values_list("pk", flat=True)[:count]
    )
    if len(ids) < count:
        raise SystemExit(f"Cannot trim {count} products: only {len(ids)} were added by the benchmark.")
    warnings.filterwarnings("ignore", message="remove is not implemented")  # Haystack's simple backend
    for chunk_start in range(0, len(ids), 500):
        chunk = ids[chunk_start : chunk_start + 500]
        with transaction.atomic():
            Product.objects.filter(pk__in=chunk).delete()


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


# --------------------------------------------------------------------------- labor posts and projects


def _indexes():
    from cms.models import LaborPostIndexPage, ProjectIndexPage

    jobs = LaborPostIndexPage.objects.live().order_by("path").first()
    projects = ProjectIndexPage.objects.live().order_by("path").first()
    if jobs is None or projects is None:
        raise SystemExit("The database has no jobs or no project index: run seed_demo first.")
    return jobs, projects


def _open_posts(jobs):
    from cms import selectors

    return selectors.open_labor_posts().child_of(jobs)


def _live_projects(projects):
    from cms.models import ProjectPage

    return ProjectPage.objects.live().child_of(projects)


def _trim_pages(queryset, count: int) -> int:
    """Delete up to ``count`` of the benchmark's pages in ``queryset``, newest first; how many went."""
    from wagtail.models import Page

    ids = list(
        queryset.filter(slug__startswith=BENCH_SLUG_PREFIX).order_by("-path").values_list("pk", flat=True)[:count]
    )
    if ids:
        Page.objects.filter(pk__in=ids).delete()  # treebeard's delete: the index's numchild follows
    return len(ids)


def fill_pages(*, posts: int, projects: int) -> dict:
    """Bring the jobs index to ``posts`` open labor posts and the project index to ``projects``
    projects: adds the difference in bulk (``cms.bulk``), or removes benchmark pages when there
    are more (the demo's own pages stay). A target of 0 leaves that index as it is."""
    from django.db import transaction
    from oscar.core.loading import get_model

    from cms import bulk, selectors
    from cms.models import Employer

    County = get_model("partner", "County")
    jobs, project_index = _indexes()
    before = {"labor_posts": _open_posts(jobs).count(), "projects": _live_projects(project_index).count()}
    counties = list(County.objects.order_by("pk"))
    with transaction.atomic():
        if posts and before["labor_posts"] < posts:
            employers = list(Employer.objects.order_by("pk"))
            if not employers:
                raise SystemExit("The database has no employers: run seed_demo first.")
            bulk.bulk_labor_posts(
                jobs,
                posts - before["labor_posts"],
                employers=employers,
                campaign=selectors.current_campaign(),
                home_counties=counties,
                slug_prefix=BENCH_SLUG_PREFIX,
            )
        elif posts and before["labor_posts"] > posts:
            _trim_pages(_open_posts(jobs), before["labor_posts"] - posts)
        if projects and before["projects"] < projects:
            # The demo's project pictures, so that a page of benchmark projects shows as many images.
            images = sorted(set(_live_projects(project_index).exclude(image=None).values_list("image_id", flat=True)))
            bulk.bulk_projects(
                project_index,
                projects - before["projects"],
                counties=counties,
                images=images,
                slug_prefix=BENCH_SLUG_PREFIX,
            )
        elif projects and before["projects"] > projects:
            _trim_pages(_live_projects(project_index), before["projects"] - projects)
    return {
        "labor_posts_before": before["labor_posts"],
        "labor_posts": _open_posts(jobs).count(),
        "projects_before": before["projects"],
        "projects": _live_projects(project_index).count(),
    }


def bench_urls() -> dict[str, str]:
    """The pages to load, found in the database."""
    import math
    from urllib.parse import urlencode

    from oscar.core.loading import get_model

    from cms.models import PAGE_SIZE, CountyPage

    Product = get_model("catalogue", "Product")
    Category = get_model("catalogue", "Category")
    # The first top-level category in tree order: the same page at every catalogue size.
    category = Category.objects.filter(depth=1, is_public=True).order_by("path").first()
    product = Product.objects.filter(upc="BM-001").first() or Product.objects.browsable().order_by("pk").first()
    county = CountyPage.objects.live().filter(slug="bama").first() or CountyPage.objects.live().order_by("pk").first()
    jobs, projects = _indexes()
    found = {"category": category, "product": product, "county page": county}
    missing = [name for name, obj in found.items() if obj is None]
    if missing:
        raise SystemExit("Missing in the database: " + ", ".join(missing))
    # Beyond the first page: a filtered jobs list (a COUNT of the matching posts, then page 2)
    # and the project list's last page (the deepest OFFSET).
    jobs_filtered = urlencode({"sector": "electronics", "lodging": "lodging", "page": 2})
    last_page = max(1, math.ceil(_live_projects(projects).count() / PAGE_SIZE))
    return {
        "trivial": "/bench/trivial/",
        "home": "/",
        "catalogue": "/shop/catalogue/",
        "category": category.get_absolute_url(),
        "product": product.get_absolute_url(),
        "county": county.get_url(),
        "jobs": jobs.get_url(),
        "jobs filtered": f"{jobs.get_url()}?{jobs_filtered}",
        "projects": projects.get_url(),
        "projects last": f"{projects.get_url()}?page={last_page}",
    }


def shop_visible_count() -> int:
    """Products the shop lists, by the shop's own definition when it has one."""
    try:
        from products.selectors import browsable_products
    except ImportError:
        from oscar.core.loading import get_model

        return get_model("catalogue", "Product").objects.browsable().filter(is_public=True).count()
    return browsable_products().count()


def fill(target: int, *, posts: int = DEFAULT_PAGES, projects: int = DEFAULT_PAGES) -> dict:
    from oscar.core.loading import get_model

    Product = get_model("catalogue", "Product")
    started = time.perf_counter()
    before = Product.objects.count()
    if before < target:
        top_up(target - before)
    elif before > target:
        trim(before - target)
    after = Product.objects.count()
    pages_started = time.perf_counter()
    pages = fill_pages(posts=posts, projects=projects)
    pages_seconds = time.perf_counter() - pages_started
    pages_changed = (pages["labor_posts"], pages["projects"]) != (pages["labor_posts_before"], pages["projects_before"])
    if after != before or pages_changed:
        analyze()
    return {
        "products_before": before,
        "products": after,
        "browsable": shop_visible_count(),
        **pages,
        "pages_seconds": round(pages_seconds, 2),
        "seconds": round(time.perf_counter() - started, 2),
        "urls": bench_urls(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.populate")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("check")
    fill_parser = sub.add_parser("fill")
    fill_parser.add_argument("--target", type=int, required=True)
    fill_parser.add_argument("--posts", type=int, default=DEFAULT_PAGES, help="open labor posts (0: as seeded)")
    fill_parser.add_argument("--projects", type=int, default=DEFAULT_PAGES, help="live projects (0: as seeded)")
    args = parser.parse_args(argv)
    _setup()
    result = check() if args.command == "check" else fill(args.target, posts=args.posts, projects=args.projects)
    sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
