"""Files in storage: names we generate, and deletion of replaced or removed files after commit.

A file is deleted only once the change that stopped naming it has committed: a rolled-back
transaction keeps its row, so it must keep the file that row names. Outside a transaction
(autocommit) the change is already saved when this runs, so the file goes at once.
"""

import logging
import secrets

from django.db import models, transaction
from django.db.models.signals import post_delete, post_save, pre_save

logger = logging.getLogger(__name__)


def generated_name(extension: str, *, prefix: str = "") -> str:
    """An unguessable file name ending in ``extension``: an uploader's own name is neither kept nor trusted."""
    extension = (extension or "").lower().lstrip(".") or "bin"
    token = secrets.token_urlsafe(18)
    return f"{prefix}-{token}.{extension}" if prefix else f"{token}.{extension}"


def _delete_now(storage, name: str, thumbnails: bool) -> None:
    try:
        if thumbnails:
            _delete_thumbnails(storage, name)
        storage.delete(name)
    except Exception:
        # The change is saved; a file we cannot remove must not turn it into an error page.
        logger.exception("could not delete the stored file %s", name)


def _delete_thumbnails(storage, name: str) -> None:
    """Thumbnails sorl-thumbnail made of the picture, and their key-value entries."""
    from django.apps import apps

    if not apps.is_installed("sorl.thumbnail"):
        return
    from sorl.thumbnail import delete
    from sorl.thumbnail.images import ImageFile

    delete(ImageFile(name, storage), delete_file=False)


def delete_after_commit(storage, name: str | None, *, thumbnails: bool = False, using: str | None = None) -> None:
    """Delete ``name`` from ``storage`` once the current transaction has committed.

    ``thumbnails`` also removes the thumbnails made of a picture. A missing file is not an error.
    """
    if not name:
        return
    transaction.on_commit(lambda: _delete_now(storage, name, thumbnails), using=using)


def _file_fields(model) -> list[models.FileField]:
    return [field for field in model._meta.concrete_fields if isinstance(field, models.FileField)]


def _is_picture(field) -> bool:
    return isinstance(field, models.ImageField)


def _files_deleted(sender, instance, using=None, **kwargs) -> None:
    for field in _file_fields(sender):
        field_file = getattr(instance, field.attname)
        if field_file and field_file.name:
            delete_after_commit(field_file.storage, field_file.name, thumbnails=_is_picture(field), using=using)


def _files_before_save(sender, instance, raw=False, using=None, **kwargs) -> None:
    """Remember the stored names of files about to be replaced or cleared (one query, only then)."""
    if raw or instance.pk is None:
        return
    changing = [
        field
        for field in _file_fields(sender)
        if not getattr(instance, field.attname).name or not getattr(instance, field.attname)._committed
    ]
    if not changing:
        return
    before = (
        sender._base_manager.using(using).filter(pk=instance.pk).values(*[field.attname for field in changing]).first()
    )
    if before:
        instance._files_replaced = [(field, before[field.attname]) for field in changing if before[field.attname]]


def _files_after_save(sender, instance, raw=False, using=None, **kwargs) -> None:
    for field, old_name in instance.__dict__.pop("_files_replaced", []):
        if getattr(instance, field.attname).name != old_name:
            delete_after_commit(field.storage, old_name, thumbnails=_is_picture(field), using=using)


def remove_files_with_rows(*model_classes) -> None:
    """Delete a row's files after the deletion commits (cascades and bulk deletes included)."""
    for model in model_classes:
        post_delete.connect(_files_deleted, sender=model, dispatch_uid=f"core-files-deleted-{model._meta.label}")


def remove_replaced_files(*model_classes) -> None:
    """Delete the previous file of a row saved with a new or cleared one, after commit.

    For models whose write paths are not ours (Oscar's dashboard formsets, the Django admin):
    our own services replace files explicitly with :func:`delete_after_commit`.
    """
    for model in model_classes:
        label = model._meta.label
        pre_save.connect(_files_before_save, sender=model, dispatch_uid=f"core-files-before-save-{label}")
        post_save.connect(_files_after_save, sender=model, dispatch_uid=f"core-files-after-save-{label}")


# First bytes of the types shown in the browser; anything else is only ever downloaded.
_INLINE_SIGNATURES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
)


def private_file_response(field_file, *, filename_stem: str):
    """A stored private file for a view that has checked permission.

    The type comes from the file's first bytes, never from its name: a PDF, JPEG or PNG is
    shown in the browser, anything else is an attachment. ``nosniff``, no caching, and a
    sandbox for pictures, so nothing stored can run as a page of this site.
    """
    from django.http import FileResponse, Http404

    if not field_file or not field_file.name:
        raise Http404
    try:
        handle = field_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    head = handle.read(8)
    handle.seek(0)
    content_type, extension = next(
        ((kind, ext) for magic, kind, ext in _INLINE_SIGNATURES if head.startswith(magic)),
        ("application/octet-stream", "bin"),
    )
    inline = content_type != "application/octet-stream"
    response = FileResponse(
        handle, as_attachment=not inline, filename=f"{filename_stem}.{extension}", content_type=content_type
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    if content_type != "application/pdf":  # Chromium's PDF viewer does not run in a sandbox
        response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
    return response
