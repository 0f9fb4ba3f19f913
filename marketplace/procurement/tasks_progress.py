"""Background work of the progress area: the subtree spreadsheet (预留份额进度导出)."""

import logging

from celery import shared_task

from marketplace.procurement import exports

logger = logging.getLogger(__name__)


@shared_task(name="marketplace.procurement.tasks_progress.generate_progress_export_task")
def generate_progress_export_task(export_id: int, language: str = "zh-hans") -> str:
    """Build one progress spreadsheet (see ``exports.progress_export_generate``).

    Side effects: the file in private storage, the export's status and progress. A failure is
    recorded on the export (status "failed" with the error) and re-raised for the worker's log.
    """
    try:
        export = exports.progress_export_generate(export_id=export_id, language=language)
    except Exception as error:
        logger.exception("progress export %s failed", export_id)
        exports.progress_export_mark_failed(export_id=export_id, error=str(error) or error.__class__.__name__)
        raise
    return export.status if export else "missing"
