"""The Celery application, configured from Django settings (``CELERY_`` names).

Production settings unless DJANGO_SETTINGS_MODULE says otherwise (``make worker`` and CI
name theirs)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings.production")

app = Celery("marketplace")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Certificate jobs live beside the certificate services rather than in partners/tasks.py.
app.autodiscover_tasks(["partners"], related_name="certification_tasks")
