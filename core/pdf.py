"""PDF documents (ReportLab): what a document may fetch, and text that is only text.

ReportLab reads a ``Paragraph``'s text as markup: ``<img src=…>`` in a product title would make the
server fetch that address (or read that file) while building the PDF, and ``<a href=…>`` would put
a link in a contract. Every text that people typed goes through ``pdf_text``; and no document
fetches anything at all (``pdf_fetching_refused``, run when the app loads).
"""

from __future__ import annotations

from xml.sax.saxutils import escape


def pdf_text(value) -> str:
    """``value`` as literal text inside a ReportLab ``Paragraph`` (``<``, ``>`` and ``&`` escaped)."""
    return escape("" if value is None else str(value))


def pdf_fetching_refused() -> None:
    """No URL scheme and no host is trusted: a document never loads anything from a link or a path."""
    from reportlab import rl_config

    rl_config.trustedSchemes = []
    rl_config.trustedHosts = []
