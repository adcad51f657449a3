"""docker-compose.yml: the stack scales out, passes its settings through and checks its health.
(scripts/check-compose.sh checks that Compose accepts the file.)"""

from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
APP_SERVICES = ["migrate", "web", "worker", "beat"]
PASSED_THROUGH = [
    "SENTRY_DSN",
    "SITE_URL",
    "DEFAULT_FROM_EMAIL",
    "API_USER_RATE",
    "API_ANON_RATE",
    "API_TOKEN_RATE",
    "API_FEEDBACK_RATE",
    "AWS_STORAGE_BUCKET_NAME",
    "AWS_S3_ENDPOINT_URL",
    "AWS_S3_REGION_NAME",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "MAIL_SECRET_KEY",
    "MAIL_SECRET_KEYS",
    "MAIL_POLL_SECONDS",
    "MAIL_MAX_BYTES",
    "ANYMAIL_WEBHOOK_SECRET",
    "MAILGUN_WEBHOOK_SIGNING_KEY",
]


@pytest.fixture(scope="module")
def services():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]


def test_only_the_proxy_publishes_a_port_so_web_can_be_scaled(services):
    published = {name for name, service in services.items() if service.get("ports")}

    assert published == {"proxy"}
    assert services["proxy"]["depends_on"]["web"]["condition"] == "service_healthy"


def test_the_proxy_spreads_requests_and_websockets_over_every_web_replica(services):
    (mount,) = services["proxy"]["volumes"]
    conf = (ROOT / mount.split(":")[0]).read_text()

    assert "resolver 127.0.0.11" in conf  # looks `web` up again as replicas come and go
    assert "proxy_pass $web;" in conf
    assert "set $web http://web:8000;" in conf
    assert "proxy_set_header Upgrade $http_upgrade;" in conf
    assert "X-Forwarded-Proto" in conf
    assert "X-Forwarded-For" in conf
    assert services["web"]["environment"]["FORWARDED_ALLOW_IPS"] == "*"


@pytest.mark.parametrize("service", APP_SERVICES)
def test_every_app_service_passes_the_optional_settings_through(services, service):
    environment = services[service]["environment"]

    missing = [name for name in PASSED_THROUGH if environment.get(name) != f"${{{name}:-}}"]

    assert missing == []


def test_every_long_running_service_has_a_health_check(services):
    unchecked = [
        name for name, s in services.items() if name != "migrate" and "healthcheck" not in s
    ]

    assert unchecked == []


def test_beat_is_healthy_while_its_schedule_file_is_fresh_not_by_asking_workers(services):
    test = " ".join(services["beat"]["healthcheck"]["test"])

    assert "inspect ping" not in test
    assert "celerybeat-schedule" in test
    assert "-mmin" in test
    assert "/tmp/celerybeat-schedule" in services["beat"]["command"]
