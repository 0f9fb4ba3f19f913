"""Production settings fail fast without their services and pass `check --deploy` with them;
the entry points that start production processes default to production settings."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "marketplace.settings.production",
    "DJANGO_SECRET_KEY": "x" * 64 + "-a-long-random-production-secret",
    "DJANGO_ALLOWED_HOSTS": "yuegui.example.cn",
    "DATABASE_URL": "sqlite:////tmp/prod-check.sqlite3",
    "EMAIL_URL": "smtp+tls://noreply%40yuegui.example.cn:secret@smtp.example.cn:587",
    "CACHE_URL": "redis://127.0.0.1:6379/1",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    "DJANGO_SITE_URL": "https://yuegui.example.cn",
}
SERVICE_VARIABLES = ("DATABASE_URL", "CACHE_URL", "REDIS_URL", "EMAIL_URL", "TEST_EMAIL_URL")


def run_python(*args, env, cwd=ROOT):
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "CELERY_")) and key not in SERVICE_VARIABLES
    }
    clean.update(env)
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, env=clean, capture_output=True, text=True, timeout=120, check=False
    )


def run_manage(*args, env):
    return run_python("manage.py", *args, env=env)


def without(*names) -> dict:
    return {key: value for key, value in PRODUCTION_ENV.items() if key not in names}


@pytest.mark.parametrize(
    "missing",
    [
        "DJANGO_SECRET_KEY",
        "DJANGO_ALLOWED_HOSTS",
        "DATABASE_URL",
        "EMAIL_URL",
        "CACHE_URL",
        "CELERY_BROKER_URL",
        "DJANGO_SITE_URL",
    ],
)
def test_production_refuses_to_start_without_a_required_variable(missing):
    result = run_manage("check", env=without(missing))
    assert result.returncode != 0
    assert f"Set the {missing} environment variable" in result.stderr
    assert result.stderr.count("Set the ") == 1


def test_every_missing_variable_is_named_at_once():
    result = run_manage("check", env={"DJANGO_SETTINGS_MODULE": "marketplace.settings.production"})
    assert result.returncode != 0
    for name in PRODUCTION_ENV.keys() - {"DJANGO_SETTINGS_MODULE"}:
        assert f"Set the {name} environment variable" in result.stderr, name


@pytest.mark.parametrize(
    ("variable", "value", "check"),
    [
        ("EMAIL_URL", "consolemail://", "core.E001"),
        ("EMAIL_URL", "filemail:///tmp/mail", "core.E001"),
        ("CACHE_URL", "locmemcache://", "core.E002"),
        ("CACHE_URL", "dummycache://", "core.E002"),
        ("CELERY_TASK_ALWAYS_EAGER", "true", "core.E004"),
        ("DJANGO_SITE_URL", "http://127.0.0.1:8000", "core.E005"),
        ("DJANGO_SITE_URL", "http://yuegui.example.cn", "core.E005"),
    ],
)
def test_production_refuses_services_unfit_for_it_naming_the_variable(variable, value, check):
    result = run_manage("check", env={**PRODUCTION_ENV, variable: value})
    assert result.returncode != 0
    assert f"({check}) {variable}:" in result.stderr
    assert result.stderr.count("(core.E") == 1


def test_production_check_deploy_is_clean():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_seed_demo_refuses_production_settings():
    result = run_manage("seed_demo", env=PRODUCTION_ENV)
    assert result.returncode != 0
    assert "refuses to run with production settings" in result.stderr


def test_production_sessions_are_cached_in_the_shared_cache_and_backed_by_the_database():
    result = run_manage(
        "shell", "-c", "from django.conf import settings; print(settings.SESSION_ENGINE)", env=PRODUCTION_ENV
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "django.contrib.sessions.backends.cached_db"


def test_development_sessions_stay_in_the_database_with_the_per_process_cache():
    result = run_manage("shell", "-c", "from django.conf import settings; print(settings.SESSION_ENGINE)", env={})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "django.contrib.sessions.backends.db"


SHOW_SETTINGS = "from django.conf import settings; print(settings.SETTINGS_MODULE, settings.DEBUG, settings.SITE_URL)"


@pytest.mark.parametrize("module", ["marketplace.wsgi", "marketplace.asgi"])
def test_web_entry_points_default_to_production_settings(module):
    env = without("DJANGO_SETTINGS_MODULE")
    result = run_python("-c", f"import {module}; {SHOW_SETTINGS}", env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["marketplace.settings.production", "False", "https://yuegui.example.cn"]

    missing = run_python("-c", f"import {module}", env=without("DJANGO_SETTINGS_MODULE", "DJANGO_SECRET_KEY"))
    assert missing.returncode != 0 and "Set the DJANGO_SECRET_KEY environment variable" in missing.stderr

    # gunicorn runs no system checks: the entry point does
    unsafe = run_python("-c", f"import {module}", env={**env, "EMAIL_URL": "consolemail://"})
    assert unsafe.returncode != 0 and "EMAIL_URL: e-mail would not leave the machine" in unsafe.stderr


def test_the_celery_app_defaults_to_production_settings():
    show = "from marketplace.celery import app; import os; print(os.environ['DJANGO_SETTINGS_MODULE'])"
    result = run_python("-c", show, env=without("DJANGO_SETTINGS_MODULE"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "marketplace.settings.production"
    worker_settings = run_python("-c", f"{show}; {SHOW_SETTINGS}", env=without("DJANGO_SETTINGS_MODULE", "EMAIL_URL"))
    assert worker_settings.returncode != 0 and "Set the EMAIL_URL environment variable" in worker_settings.stderr


def test_manage_py_stays_on_the_development_settings():
    result = run_manage("shell", "-c", SHOW_SETTINGS, env={})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split()[:2] == ["marketplace.settings.dev", "True"]


def test_every_other_process_starter_names_its_settings():
    """The worker of `make worker` (development), the CI worker (tests) and the benchmark's
    gunicorn (bench.settings) must not fall back to the production default."""
    makefile = (ROOT / "Makefile").read_text()
    worker = makefile.split("\nworker:")[1].split("\n\n")[0]
    assert "DJANGO_SETTINGS_MODULE=$${DJANGO_SETTINGS_MODULE:-marketplace.settings.dev}" in worker
    ci = (ROOT / ".ci" / "run").read_text()
    assert "DJANGO_SETTINGS_MODULE=marketplace.settings.test \\" in ci.split("celery -A marketplace worker")[0]
    bench = (ROOT / "bench" / "databases.py").read_text()
    assert "DJANGO_SETTINGS_MODULE=settings" in bench
