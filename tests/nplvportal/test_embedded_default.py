"""Settings follow the environment: embedded defaults with none, PostgreSQL and Redis when configured,
and production-safe security when DEBUG is off."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import json, django
django.setup()
from django.conf import settings
from nplvportal.celery import app
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "eager": app.conf.task_always_eager,
    "broker": app.conf.broker_url,
    "cache": settings.CACHES["default"]["BACKEND"],
    "cache_location": settings.CACHES["default"].get("LOCATION"),
    "secure_cookies": settings.SESSION_COOKIE_SECURE,
    "hsts": settings.SECURE_HSTS_SECONDS,
    "language": settings.LANGUAGE_CODE,
    "time_zone": settings.TIME_ZONE,
}))
"""


def _settings_with(env: dict[str, str]) -> dict:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL", "DEBUG", "SECRET_KEY"}
    }
    clean.update({"DJANGO_SETTINGS_MODULE": "nplvportal.settings", **env})
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=clean, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        return {"error": result.stderr}
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_no_configuration_means_sqlite_eager_tasks_and_a_local_cache():
    found = _settings_with({"DEBUG": "true"})
    assert found["engine"] == "django.db.backends.sqlite3"
    assert found["eager"] is True
    assert found["cache"].endswith("LocMemCache")
    assert (found["language"], found["time_zone"]) == ("nl", "Europe/Amsterdam")


def test_database_and_broker_urls_switch_to_postgresql_redis_and_a_shared_cache():
    found = _settings_with(
        {
            "DEBUG": "true",
            "DATABASE_URL": "postgres://u@db.example:5432/nplv",
            "CELERY_BROKER_URL": "redis://redis.example:6379/0",
        }
    )
    assert found["engine"] == "django.db.backends.postgresql"
    assert found["eager"] is False
    assert found["broker"] == "redis://redis.example:6379/0"
    assert found["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert found["cache_location"] == "redis://redis.example:6379/0"


def test_debug_off_requires_a_secret_key_and_is_secure_by_default():
    missing = _settings_with({"DEBUG": "false"})
    assert "SECRET_KEY is not set" in missing["error"]
    found = _settings_with({"DEBUG": "false", "SECRET_KEY": "x" * 50})
    assert found["secure_cookies"] is True
    assert found["hsts"] == 31536000


@pytest.mark.django_db
def test_responses_carry_a_content_security_policy_and_no_framing(client):
    response = client.get("/accounts/login/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
