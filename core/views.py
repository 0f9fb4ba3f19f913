"""Serving uploaded media in development the way the production proxy is told to (see README)."""

import posixpath

from django.views.static import serve

# Pictures are shown; anything else under /media/ (an attribute file, an old upload) is downloaded.
INLINE_MEDIA_EXTENSIONS = {".jpg", ".jpeg", ".png", ".webp", ".gif"}
MEDIA_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


def media_headers(response, path: str):
    """``nosniff`` and a sandbox on every media file; ``attachment`` on everything but pictures."""
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = MEDIA_CSP
    if posixpath.splitext(path)[1].lower() not in INLINE_MEDIA_EXTENSIONS:
        response["Content-Disposition"] = "attachment"
    return response


def serve_media(request, path: str, document_root=None):
    """django.views.static.serve (DEBUG only) with the headers the production proxy adds."""
    return media_headers(serve(request, path, document_root=document_root), path)
