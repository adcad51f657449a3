"""Production settings: deploy checks, security headers, structured logs, error reporting."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.system

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "csboard.settings.production",
    "SECRET_KEY": "a-long-random-production-secret-for-the-deploy-check-0123456789",
    "ALLOWED_HOSTS": "csboard.example.com",
    "DATABASE_URL": "sqlite:////tmp/csboard-deploy-check.sqlite3",
    "REDIS_URL": "redis://redis.example.internal:6379/0",
}


def _environment(**env):
    # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for Playwright, and `make test` exports the
    # HOST and PORT of `make run` (SITE_URL's default follows them); a deployment sets neither.
    left_out = {"DJANGO_ALLOW_ASYNC_UNSAFE", "HOST", "PORT"}
    inherited = {k: v for k, v in os.environ.items() if k not in left_out}
    return {**inherited, **PRODUCTION_ENV, **env}


def _run(*args, **env):
    environment = _environment(**env)
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=environment, capture_output=True, text=True
    )


def test_the_deploy_check_is_clean_under_production_settings():
    result = _run("manage.py", "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("setting", ["SECRET_KEY", "REDIS_URL"])
def test_production_refuses_to_start_without_a_required_setting(setting):
    environment = {k: v for k, v in _environment().items() if k != setting}

    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
    )

    assert result.returncode != 0
    assert setting in result.stderr


def test_production_refuses_an_empty_redis_url():
    result = _run("manage.py", "check", REDIS_URL="")

    assert result.returncode != 0
    assert "REDIS_URL" in result.stderr


def test_production_keeps_cache_channel_layer_and_celery_broker_in_redis():
    # Several web processes and workers share all three only through Redis.
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "layer = s.CHANNEL_LAYERS['default']; "
        "hosts = [host['address'] for host in layer['CONFIG']['hosts']]; "
        "print(json.dumps([s.CACHES['default'], layer['BACKEND'], hosts, s.CELERY_BROKER_URL]))"
    )

    result = _run("-c", code)

    cache, layer, hosts, broker = json.loads(result.stdout.strip().splitlines()[-1])
    redis = PRODUCTION_ENV["REDIS_URL"]
    assert cache == {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis}
    assert layer == "channels_redis.core.RedisChannelLayer"
    assert hosts == [redis]
    assert broker == redis


def test_an_empty_variable_leaves_the_setting_at_its_default():
    # docker-compose.yml passes optional settings through as `${VAR:-}`, empty when unset.
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.SITE_URL, s.STORAGES['default']['BACKEND'], s.SENTRY_DSN]))"
    )

    result = _run("-c", code, SITE_URL="", AWS_STORAGE_BUCKET_NAME="", SENTRY_DSN="")

    site_url, storage, sentry_dsn = json.loads(result.stdout.strip().splitlines()[-1])
    assert site_url == "http://localhost:8000"
    assert storage == "django.core.files.storage.FileSystemStorage"
    assert sentry_dsn == ""


def test_production_logs_are_json_lines():
    code = "import logging, django; django.setup(); logging.getLogger('csboard').warning('hello')"

    result = _run("-c", code)

    record = json.loads(result.stderr.strip().splitlines()[-1])
    assert record["message"] == "hello"
    assert record["level"] == "WARNING"


def test_errors_are_reported_to_sentry_when_a_dsn_is_set():
    code = "import django, sentry_sdk; django.setup(); print(sentry_sdk.get_client().is_active())"

    result = _run("-c", code, SENTRY_DSN="https://public@sentry.example.com/1")

    assert result.stdout.strip().endswith("True"), result.stderr


@pytest.mark.django_db
def test_pages_carry_the_security_headers(client):
    response = client.get("/accounts/login/")

    csp = response["Content-Security-Policy"]
    script_src = next(part for part in csp.split(";") if part.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_no_page_template_has_an_inline_script():
    inline = []
    for template in (ROOT / "templates").rglob("*.html"):
        html = template.read_text()
        for chunk in html.split("<script")[1:]:
            if "src=" not in chunk.split(">", 1)[0]:
                inline.append(str(template.relative_to(ROOT)))
    assert inline == []
