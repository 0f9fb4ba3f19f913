"""Shared fixtures: temporary media, factories, service checks."""

import pytest


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def _required(reason: str):
    """Skip, or fail when the CI run said the service must be there."""
    import os

    if os.environ.get("REQUIRE_SERVICES"):
        pytest.fail(reason + " (REQUIRE_SERVICES is set)")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _service_markers(request):
    if request.node.get_closest_marker("postgres"):
        from django.db import connection

        if connection.vendor != "postgresql":
            _required("needs PostgreSQL: run with DATABASE_URL=postgres://…")


@pytest.fixture
def celery_worker_app():
    """The Celery app pointed at a real broker with a running worker (TEST_CELERY_BROKER_URL)."""
    import os

    from marketplace.celery import app

    broker = os.environ.get("TEST_CELERY_BROKER_URL")
    if not broker:
        _required("needs a Celery worker: set TEST_CELERY_BROKER_URL and start `celery -A marketplace worker`")
    previous = (app.conf.task_always_eager, app.conf.broker_url, app.conf.result_backend)
    app.conf.update(task_always_eager=False, broker_url=broker, result_backend=broker)
    try:
        replies = app.control.ping(timeout=5.0)
        if not replies:
            _required(f"no Celery worker answers on {broker}")
        yield app
    finally:
        app.conf.update(task_always_eager=previous[0], broker_url=previous[1], result_backend=previous[2])
