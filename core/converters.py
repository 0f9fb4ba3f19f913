"""Database ids in URLs: ``<id:pk>`` instead of ``<int:pk>``.

Django's ``int`` converter takes any run of digits, and a lookup through a foreign key with a
number beyond 64 bits fails in the database driver (SQLite's OverflowError, PostgreSQL's
"out of range") instead of finding nothing: ``/labor/apply/999…9/`` answered 500. An id that
no row can have does not match the URL at all, so the visitor gets the ordinary 404.

``CoreConfig.ready()`` registers the converter once; URL modules write ``<id:pk>``.
``database_id_urls()`` gives the same treatment to URL patterns written by others (Oscar's).
"""

from django.urls import URLPattern, URLResolver
from django.urls.resolvers import RoutePattern

#: The largest primary key PostgreSQL's bigint and SQLite's INTEGER can hold.
MAX_DATABASE_ID = 2**63 - 1


class DatabaseIdConverter:
    """ASCII digits naming a possible row: 1 to 19 digits, at most ``MAX_DATABASE_ID``."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_DATABASE_ID:
            raise ValueError("beyond the range of database ids")  # no match: 404
        return number

    def to_url(self, value) -> str:
        return str(int(value))


def parse_database_id(value: str) -> int | None:
    """``value`` as a database id (what ``<id:…>`` accepts), or None: for ids from a query string."""
    text = str(value)
    if not (text.isascii() and text.isdigit()):
        return None
    try:
        return DatabaseIdConverter().to_python(text)
    except ValueError:
        return None


def database_id_urls(patterns: list) -> list:
    """``patterns`` (and everything they include) with ``<int:…>`` read as ``<id:…>``.

    For URL modules we do not write, such as Oscar's apps; names, namespaces and views are kept.
    """
    converted = []
    for entry in patterns:
        pattern = entry.pattern
        if isinstance(pattern, RoutePattern) and "<int:" in pattern._route:
            pattern = RoutePattern(
                pattern._route.replace("<int:", "<id:"), name=pattern.name, is_endpoint=pattern._is_endpoint
            )
        if isinstance(entry, URLResolver):
            converted.append(
                URLResolver(
                    pattern,
                    database_id_urls(entry.url_patterns),
                    entry.default_kwargs,
                    app_name=entry.app_name,
                    namespace=entry.namespace,
                )
            )
        elif isinstance(entry, URLPattern):
            converted.append(URLPattern(pattern, entry.callback, entry.default_args, entry.name))
        else:
            converted.append(entry)
    return converted
