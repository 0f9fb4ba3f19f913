"""Shared fixtures: temporary media, factories, service checks."""

import pytest


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private-media")


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request to /zh-hant/ leaves its language
    active in the thread, which would change reverse() and gettext in the next test."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _broker_not_resting():
    """A broker or Redis that failed in one test must not be left alone (core.outbox, core.cache) in the next."""
    from core import cache, outbox

    outbox._broker_resting.clear()
    cache._resting.clear()
    yield
    outbox._broker_resting.clear()
    cache._resting.clear()


def _required(reason: str):
    """Skip, or fail when the CI run said the service must be there."""
    import os

    if os.environ.get("REQUIRE_SERVICES"):
        pytest.fail(reason + " (REQUIRE_SERVICES is set)")
    pytest.skip(reason)


def pytest_collection_modifyitems(config, items):
    """Skip tests whose service is absent before their database is set up.

    Skipped from a fixture, a transactional test has already been given the database and
    flushes it on teardown, which leaves the kept test database broken for a browser journey
    running after it in the same process. With REQUIRE_SERVICES (CI) nothing is skipped
    here: the fixtures below fail instead.
    """
    import os

    from django.conf import settings

    if os.environ.get("REQUIRE_SERVICES"):
        return
    on_postgres = "postgresql" in settings.DATABASES["default"]["ENGINE"]
    for item in items:
        if item.get_closest_marker("celery") and not os.environ.get("TEST_CELERY_BROKER_URL"):
            item.add_marker(pytest.mark.skip(reason="needs a Celery worker: set TEST_CELERY_BROKER_URL"))
        elif item.get_closest_marker("postgres") and not on_postgres:
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL: run with DATABASE_URL=postgres://…"))


@pytest.fixture(autouse=True)
def _service_markers(request):
    if request.node.get_closest_marker("postgres"):
        from django.db import connection

        if connection.vendor != "postgresql":
            _required("needs PostgreSQL: run with DATABASE_URL=postgres://…")


@pytest.fixture
def celery_worker_app():
    """A Celery client on the broker of a running worker (TEST_CELERY_BROKER_URL).

    A separate client app, configured like ours, so the project's app (eager in tests)
    is left untouched; tasks are sent by name.
    """
    import os

    from celery import Celery
    from django.conf import settings

    broker = os.environ.get("TEST_CELERY_BROKER_URL")
    if not broker:
        _required("needs a Celery worker: set TEST_CELERY_BROKER_URL and start `celery -A marketplace worker`")
    client = Celery("marketplace-tests", broker=broker, backend=broker, set_as_current=False)
    client.conf.update(
        task_serializer="json",
        accept_content=["json"],
        result_serializer="json",
        broker_transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS,
    )
    try:
        if not client.control.ping(timeout=5.0):
            _required(f"no Celery worker answers on {broker}")
        # Eager tasks run in threads by earlier tests (concurrent checkouts) toggle Celery's
        # process-wide "inside a task" flag without a lock and can leave it set; this test
        # process is never inside a task, so waiting for a result is allowed here.
        from celery.result import allow_join_result

        with allow_join_result():
            yield client
    finally:
        client.close()


@pytest.fixture
def staff(db):
    """A member of the platform staff (平台工作人员)."""
    from tests.factories import UserFactory

    return UserFactory(email="staff@platform.example.cn", is_staff=True)
