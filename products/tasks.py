"""Background work of the catalogue."""

from celery import shared_task

from products import services


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
