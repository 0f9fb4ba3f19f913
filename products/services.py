"""Writes of the catalogue.

Sections: bulk import (商品批量导入). Listing state and everything else that changes what
the shop shows or sells is ``products.visibility``'s.
"""

from __future__ import annotations

import logging
import posixpath
import uuid
from collections import defaultdict
from dataclasses import dataclass
from typing import IO

from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop
from oscar.checks import use_productcategory_materialised_view
from oscar.core.loading import get_model
from oscar.core.utils import slugify

from core.outbox import outbox_enqueue
from products import imports, visibility
from products.imports import ImageArchive, ImportFileError, Problem, ProductRow, RowChecker
from products.models import ImportMode, ImportStatus, ListingStatus, ProductCertification

Partner = get_model("partner", "Partner")
Product = get_model("catalogue", "Product")
ProductCategory = get_model("catalogue", "ProductCategory")
ProductClass = get_model("catalogue", "ProductClass")
ProductImage = get_model("catalogue", "ProductImage")
ProductImport = get_model("catalogue", "ProductImport")
StockRecord = get_model("partner", "StockRecord")

logger = logging.getLogger(__name__)


# =========================================================================== bulk import (商品批量导入)
# Rows are keyed by SKU (StockRecord.partner_sku) within one cooperative, so applying the
# same file twice changes nothing. New products start "under review" and hidden; an
# update keeps the listing status and only writes what changed. Price re-review is the
# listing rules' business (products/receivers.py): a stock record whose price changes is
# saved on its own so that its post_save receivers run; stock-only changes go in bulk and
# tell ``products.visibility`` themselves which products became available or sold out, as
# do new certificate links (a lapsed one takes a product out of the shop). Each chunk's
# transaction announces its products once, when it commits.

IMPORT_CHUNK_ROWS = 500
IMPORTED_IMAGE_PREFIX = "import-"


@dataclass
class ImportCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, other: ImportCounts) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged


def _stored_name(upload_name: str) -> str:
    """A random folder keeps uploads unguessable while the cooperative still sees its own file name."""
    return f"{uuid.uuid4().hex}/{posixpath.basename((upload_name or 'upload').replace(chr(92), '/'))}"


def product_import_create(
    *, partner: Partner, uploaded_by, source: IO[bytes], images: IO[bytes] | None = None, mode: str
) -> ProductImport:
    """Store an upload and enqueue ``import_products_task`` once the transaction commits.

    The caller has checked that ``uploaded_by`` may import for ``partner`` and that the
    files are readable (``products.imports``); the task checks every row again.
    Side effects: the files in storage, a pending ``ProductImport``, a Celery task.
    """
    from products.tasks import import_products_task

    if mode not in ImportMode.values:
        raise ValueError(f"unknown import mode {mode!r}")
    with transaction.atomic():
        product_import = ProductImport(partner=partner, uploaded_by=uploaded_by, mode=mode)
        product_import.source.save(_stored_name(getattr(source, "name", "")), source, save=False)
        if images:
            product_import.images.save(_stored_name(getattr(images, "name", "")), images, save=False)
        product_import.save()
        outbox_enqueue(task=import_products_task, args=(product_import.pk,))
    return product_import


def product_import_run(*, import_id: int) -> ProductImport | None:
    """Process a pending import: check every row and apply the valid ones (or none, by mode).

    Idempotent: only a pending import is claimed, so a second run of a done or failed
    import does nothing. An import found "running" was interrupted (its worker died; the
    broker redelivered the task) and is marked failed rather than left running. Any
    error marks the import failed with a message. Side effects: products, stock records,
    categories, certificate links and pictures of the import's cooperative; the import.
    """
    claimed = ProductImport.objects.filter(pk=import_id, status=ImportStatus.PENDING).update(
        status=ImportStatus.RUNNING, processed_rows=0
    )
    product_import = ProductImport.objects.select_related("partner").filter(pk=import_id).first()
    if product_import is None:
        logger.warning("Product import %s does not exist", import_id)
        return None
    if not claimed:
        if product_import.status == ImportStatus.RUNNING:
            _import_fail(product_import, _stopped_problem(product_import, interrupted=True))
        return product_import
    archive = None
    try:
        with product_import.source.open("rb") as handle:
            data = handle.read(imports.MAX_FILE_BYTES + 1)
        if product_import.images:
            images_file = product_import.images.open("rb")
            archive = ImageArchive(images_file, size=product_import.images.size)
        product_import_process(product_import=product_import, source=data, images=archive)
    except ImportFileError as error:
        _import_fail(product_import, error.problem)
    except Exception:
        logger.exception("Product import %s failed", import_id)
        _import_fail(product_import, _stopped_problem(product_import, interrupted=False))
    finally:
        if archive is not None:
            archive.close()
        if product_import.images:
            product_import.images.close()
    return product_import


def _stopped_problem(product_import: ProductImport, *, interrupted: bool) -> Problem:
    if product_import.mode == ImportMode.ALL_OR_NOTHING:
        if interrupted:
            return Problem(gettext_noop("The import was interrupted and nothing was applied; upload the file again."))
        return Problem(
            gettext_noop(
                "The import stopped because of an unexpected error and nothing was applied; try again, "
                "and tell the platform if it happens again."
            )
        )
    if interrupted:
        return Problem(
            gettext_noop(
                "The import was interrupted. Rows applied before the interruption are kept; "
                "upload the file again to finish (applied rows will show as unchanged)."
            )
        )
    return Problem(
        gettext_noop(
            "The import stopped because of an unexpected error. Rows applied before it are kept; "
            "try again, and tell the platform if it happens again."
        )
    )


def product_import_process(
    *, product_import: ProductImport, source: bytes, images: ImageArchive | None = None
) -> ProductImport:
    """Check and apply ``source`` for a running import, synchronously (the task's core; the benchmark's too).

    Raises :class:`ImportFileError` when the file as a whole is refused. Progress
    (``processed_rows``) is saved every ``IMPORT_CHUNK_ROWS`` rows. In "valid rows" mode
    each chunk's valid rows are applied in their own transaction; in "all or nothing"
    mode every row is checked first and the rows are applied in one transaction only if
    none is wrong.
    """
    partner = product_import.partner
    table = imports.read_table(source)
    lookups = imports.load_lookups(partner=partner, table=table)
    checker = RowChecker(partner=partner, table=table, lookups=lookups, images=images)
    product_class = _import_product_class()
    problems: list[Problem] = []
    counts = ImportCounts()
    product_import.total_rows = len(table.rows)
    product_import.processed_rows = 0
    _import_save_progress(product_import, counts, problems)

    valid_rows: list[ProductRow] = []
    for start in range(0, len(table.rows), IMPORT_CHUNK_ROWS):
        chunk = table.rows[start : start + IMPORT_CHUNK_ROWS]
        chunk_valid = []
        for number, cells in chunk:
            row, row_problems = checker.check(number, cells)
            if row is not None:
                chunk_valid.append(row)
            problems.extend(row_problems)
        if product_import.mode == ImportMode.VALID_ROWS:
            with transaction.atomic():
                _lock_partner(partner)
                counts.add(_apply_rows(partner, chunk_valid, images, product_class))
                product_import.processed_rows += len(chunk)
                _import_save_progress(product_import, counts, problems)
        else:
            valid_rows.extend(chunk_valid)
            product_import.processed_rows += len(chunk)
            _import_save_progress(product_import, counts, problems)

    if product_import.mode == ImportMode.ALL_OR_NOTHING and not problems:
        with transaction.atomic():
            _lock_partner(partner)
            for start in range(0, len(valid_rows), IMPORT_CHUNK_ROWS):
                counts.add(_apply_rows(partner, valid_rows[start : start + IMPORT_CHUNK_ROWS], images, product_class))
    _refresh_category_view()
    product_import.status = ImportStatus.DONE
    product_import.finished_at = timezone.now()
    _import_save_progress(product_import, counts, problems, final=True)
    return product_import


def _import_product_class():
    product_class, _ = ProductClass.objects.get_or_create(
        slug="farm-produce", defaults={"name": "农产品", "requires_shipping": True, "track_stock": True}
    )
    return product_class


def _lock_partner(partner: Partner) -> None:
    """Serialise imports of one cooperative (PostgreSQL row lock; SQLite writers queue anyway)."""
    list(Partner.objects.select_for_update().filter(pk=partner.pk).values_list("pk", flat=True))


def _stored_problems(problems: list[Problem]) -> list[dict]:
    stored = [problem.as_dict() for problem in problems[: imports.MAX_PROBLEMS]]
    if len(problems) > imports.MAX_PROBLEMS:
        stored.append(
            Problem(
                gettext_noop("%(count)s more problems are not listed; fix the ones above and upload again."),
                {"count": len(problems) - imports.MAX_PROBLEMS},
            ).as_dict()
        )
    return stored


def _import_save_progress(
    product_import: ProductImport, counts: ImportCounts, problems: list[Problem], *, final: bool = False
) -> None:
    product_import.created_count = counts.created
    product_import.updated_count = counts.updated
    product_import.unchanged_count = counts.unchanged
    product_import.errors = _stored_problems(problems)
    fields = ["total_rows", "processed_rows", "created_count", "updated_count", "unchanged_count", "errors"]
    if final:
        fields += ["status", "finished_at"]
    product_import.save(update_fields=fields)


def _import_fail(product_import: ProductImport, problem: Problem) -> None:
    """Mark the import failed with ``problem`` first among its problems; keeps the counts it reached."""
    product_import.refresh_from_db()
    product_import.status = ImportStatus.FAILED
    product_import.finished_at = timezone.now()
    product_import.errors = [problem.as_dict(), *(product_import.errors or [])]
    product_import.save(update_fields=["status", "finished_at", "errors"])


def _refresh_category_view() -> None:
    # Oscar refreshes its product-category view on each ProductCategory signal, which bulk writes skip.
    if use_productcategory_materialised_view():
        with connection.cursor() as cursor:
            cursor.execute("REFRESH MATERIALIZED VIEW CONCURRENTLY catalogue_product_category_hierarchy;")


def _image_file(images: ImageArchive, row: ProductRow) -> ContentFile:
    """The picture under a name of its content's digest, with the extension of the verified type."""
    extension = images.extensions.get(row.image_member.filename, "jpg")
    return ContentFile(
        images.read(row.image_member), name=f"{IMPORTED_IMAGE_PREFIX}{row.image_digest[:24]}.{extension}"
    )


def _apply_rows(partner: Partner, rows: list[ProductRow], images: ImageArchive | None, product_class) -> ImportCounts:
    """Create or update the products of checked ``rows``: a handful of queries per chunk, plus pictures.

    Must run inside a transaction. Existing records are read again here (not trusted
    from before the transaction), so two imports of one cooperative cannot both create a SKU.
    """
    counts = ImportCounts()
    if not rows:
        return counts
    now = timezone.now()
    records = {
        record.partner_sku: record
        for record in StockRecord.objects.filter(partner=partner, partner_sku__in=[row.sku for row in rows])
        .select_related("product")
        .order_by("pk")
    }
    product_ids = [record.product_id for record in records.values()]
    categories: dict[int, set[int]] = defaultdict(set)
    for product_id, category_id in ProductCategory.objects.filter(product_id__in=product_ids).values_list(
        "product_id", "category_id"
    ):
        categories[product_id].add(category_id)
    certificates: dict[int, set[int]] = defaultdict(set)
    for product_id, certification_id in ProductCertification.objects.filter(product_id__in=product_ids).values_list(
        "product_id", "certification_id"
    ):
        certificates[product_id].add(certification_id)
    pictures: dict[int, list[ProductImage]] = defaultdict(list)
    if any(row.image_digest for row in rows):
        for image in ProductImage.objects.filter(product_id__in=product_ids).order_by("display_order", "pk"):
            pictures[image.product_id].append(image)

    new_rows = [row for row in rows if row.sku not in records]
    new_products = [
        Product(
            structure=Product.STANDALONE,
            product_class=product_class,
            slug=slugify(row.product_fields["title"])[:255],
            is_public=False,
            listing_status=ListingStatus.REVIEW,
            **row.product_fields,
        )
        for row in new_rows
    ]
    Product.objects.bulk_create(new_products)
    StockRecord.objects.bulk_create(
        StockRecord(
            product=product,
            partner=partner,
            partner_sku=row.sku,
            price_currency="CNY",
            price=row.price,
            num_in_stock=row.stock,
        )
        for row, product in zip(new_rows, new_products, strict=True)
    )
    new_links = [
        ProductCategory(product=product, category_id=row.category_id)
        for row, product in zip(new_rows, new_products, strict=True)
    ]
    new_certificates = [
        ProductCertification(product=product, certification_id=certification_id)
        for row, product in zip(new_rows, new_products, strict=True)
        for certification_id in row.certificate_ids
    ]
    for row, product in zip(new_rows, new_products, strict=True):
        if row.image_digest:
            ProductImage.objects.create(product=product, display_order=0, original=_image_file(images, row))
    counts.created = len(new_rows)

    changed_products = []
    changed_fields: set[str] = set()
    restocked = []
    stock_changes: list[tuple[int, bool, bool]] = []
    moved_products = []
    linked_products = []
    for row in rows:
        record = records.get(row.sku)
        if record is None:
            continue
        product = record.product
        changed = False
        fields = [name for name, value in row.product_fields.items() if getattr(product, name) != value]
        if fields:
            for name in fields:
                setattr(product, name, row.product_fields[name])
            product.date_updated = now
            changed_fields.update(fields)
            changed_products.append(product)
            changed = True
        if record.price != row.price or record.num_in_stock != row.stock or record.price_currency != "CNY":
            price_changed = record.price != row.price
            had_stock = visibility.in_stock(num_in_stock=record.num_in_stock, num_allocated=record.num_allocated)
            record.price, record.num_in_stock, record.price_currency = row.price, row.stock, "CNY"
            if price_changed or record.low_stock_threshold is not None:
                # Saved one by one so that post_save receivers see it: the listing rules'
                # price re-review and availability, Oscar's low-stock alerts.
                record.save(update_fields=["price", "num_in_stock", "price_currency", "date_updated"])
            else:
                record.date_updated = now
                restocked.append(record)
                has_stock = visibility.in_stock(num_in_stock=record.num_in_stock, num_allocated=record.num_allocated)
                stock_changes.append((product.pk, had_stock, has_stock))
            changed = True
        if row.category_id not in categories[product.pk]:
            moved_products.append(product.pk)
            new_links.append(ProductCategory(product=product, category_id=row.category_id))
            changed = True
        missing = [pk for pk in row.certificate_ids if pk not in certificates[product.pk]]
        if missing:
            new_certificates.extend(ProductCertification(product=product, certification_id=pk) for pk in missing)
            linked_products.append(product.pk)
            changed = True
        if row.image_digest and not any(
            IMPORTED_IMAGE_PREFIX + row.image_digest[:24] in image.original.name for image in pictures[product.pk]
        ):
            _replace_imported_picture(product, pictures[product.pk], _image_file(images, row))
            changed = True
        if changed:
            counts.updated += 1
        else:
            counts.unchanged += 1

    _update_rows(Product, changed_products, [*sorted(changed_fields), "date_updated"])
    _update_rows(StockRecord, restocked, ["num_in_stock", "price_currency", "date_updated"])
    if moved_products:
        # The file names the product's category: a product that moved leaves its old ones.
        ProductCategory.objects.filter(product_id__in=moved_products).delete()
    ProductCategory.objects.bulk_create(new_links)
    ProductCertification.objects.bulk_create(new_certificates)
    visibility.stock_written(changes=stock_changes)
    visibility.certificates_linked(product_ids=linked_products)
    return counts


def _update_rows(model, objects: list, field_names: list[str]) -> None:
    """``UPDATE … WHERE id = %s`` for each object, sent with one ``executemany``.

    Django's ``bulk_update`` builds a CASE expression per object and field: seconds of
    Python for a few thousand rows. Like it, this sends no signals.
    """
    if not objects:
        return
    fields = [model._meta.get_field(name) for name in field_names]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    # Table and column names come from the model, values go as parameters.
    sql = f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE {quote(model._meta.pk.column)} = %s"  # noqa: S608
    params = [
        [field.get_db_prep_save(getattr(obj, field.attname), connection) for field in fields] + [obj.pk]
        for obj in objects
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _replace_imported_picture(product, current: list, picture: ContentFile) -> None:
    """The imported picture becomes the primary one; an earlier imported picture goes, others stay."""
    for image in current:
        if posixpath.basename(image.original.name).startswith(IMPORTED_IMAGE_PREFIX):
            # Its file and thumbnails go once the rows are gone for good (core.files, see products.receivers).
            ProductImage.objects.filter(pk=image.pk).delete()
    kept = [image for image in current if not posixpath.basename(image.original.name).startswith(IMPORTED_IMAGE_PREFIX)]
    for order, image in enumerate(kept, start=1):
        if image.display_order != order:
            ProductImage.objects.filter(pk=image.pk).update(display_order=order)
    ProductImage.objects.create(product=product, display_order=0, original=picture)
