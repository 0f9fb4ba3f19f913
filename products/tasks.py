"""Background work of the catalogue."""

from celery import shared_task

from products import services, visibility


@shared_task(name="products.tasks.import_products_task")
def import_products_task(import_id: int) -> dict:
    """Check and apply an uploaded product file (商品批量导入), see ``services.product_import_run``.

    Side effects: the cooperative's products, stock records, pictures; the import's status,
    progress and report. Idempotent: a done, failed or missing import is left as it is.
    """
    product_import = services.product_import_run(import_id=import_id)
    if product_import is None:
        return {"import": import_id, "status": "missing"}
    return {
        "import": import_id,
        "status": product_import.status,
        "created": product_import.created_count,
        "updated": product_import.updated_count,
        "unchanged": product_import.unchanged_count,
    }


@shared_task(name="products.tasks.sync_certified_listings_task")
def sync_certified_listings_task() -> dict[str, int]:
    """Write down today's certificate lapses and renewals in product listings (nightly, see CELERY_BEAT_SCHEDULE).

    Side effects: the listing state of the products concerned and, after commit,
    ``product_visibility_changed`` for them. Idempotent. Returns how many were delisted and restored.
    """
    return visibility.listings_sync()
