"""Celery wiring: settings, beat schedule, and a real worker doing real work."""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from cms.tasks import publish_scheduled_pages_task
from marketplace.celery import app
from tests.factories import add_page, build_site, labor_post


def test_celery_reads_django_settings():
    assert app.conf.task_serializer == "json"
    assert app.conf.accept_content == ["json"]
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    visibility = settings.CELERY_REDIS_VISIBILITY_TIMEOUT
    assert visibility > settings.CELERY_TASK_TIME_LIMIT
    assert app.conf.broker_transport_options["visibility_timeout"] == visibility
    assert app.conf.result_backend_transport_options["visibility_timeout"] == visibility
    assert "cms.tasks.publish_scheduled_pages_task" in {entry["task"] for entry in app.conf.beat_schedule.values()}


def test_every_scheduled_task_is_registered():
    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks, entry["task"]


def _expired_post():
    """A live post whose last valid day was yesterday: saving it set ``expire_at`` to that day's end."""
    site = build_site(posts=0, projects=0)
    today = timezone.localdate()
    page = labor_post(
        employer=site["employer"],
        slug="expired-job",
        valid_from=today - datetime.timedelta(days=10),
        valid_until=today - datetime.timedelta(days=1),
    )
    return add_page(site["job_index"], page)


@pytest.mark.django_db
def test_publish_scheduled_task_unpublishes_expired_posts_eagerly():
    post = _expired_post()
    assert post.live
    publish_scheduled_pages_task.delay()
    post.refresh_from_db()
    assert not post.live and post.expired


@pytest.mark.celery
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_worker_unpublishes_expired_posts(celery_worker_app):
    post = _expired_post()
    result = celery_worker_app.send_task("cms.tasks.publish_scheduled_pages_task")
    result.get(timeout=60)
    post.refresh_from_db()
    assert not post.live and post.expired
