"""SQL queries per page, counted in-process with Django's test client.

``python -m bench.queries '{"home": "/", ...}'`` requests every page three times as one
anonymous visitor (cookies kept, like a browser): the first fills caches and sets
the visitor's cookies, the second is one more warm-up (with the per-site cache on,
a page that set a cookie on the first request is only stored by the second), the
third is the one counted. Prints JSON, one entry per page. Runs under
DJANGO_SETTINGS_MODULE (``bench.settings``, against the benchmark database).
"""

import json
import sys

WRITE_PREFIXES = ("INSERT", "UPDATE", "DELETE")


def _writes(queries: list[dict]) -> list[str]:
    return [query["sql"] for query in queries if query["sql"].lstrip().upper().startswith(WRITE_PREFIXES)]


def count(urls: dict[str, str]) -> dict[str, dict]:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    results = {}
    for name, url in urls.items():
        with CaptureQueriesContext(connection) as cold:
            first = client.get(url)
        client.get(url)
        with CaptureQueriesContext(connection) as warm:
            last = client.get(url)
        warm_writes = _writes(warm.captured_queries)
        results[name] = {
            "url": url,
            "status": last.status_code,
            "first_status": first.status_code,
            "queries": len(warm.captured_queries),
            "writes": len(warm_writes),
            "write_sql": [sql[:200] for sql in warm_writes],
            "first_queries": len(cold.captured_queries),
            "first_writes": len(_writes(cold.captured_queries)),
            "bytes": len(last.content),
            "set_cookies": sorted(last.cookies.keys()),
            "vary": last.headers.get("Vary", ""),
            "cache_control": last.headers.get("Cache-Control", ""),
        }
    return results


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        sys.stderr.write("usage: python -m bench.queries '<JSON object of page name to URL>'\n")
        return 2
    sys.stdout.write(json.dumps(count(json.loads(argv[0])), ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
