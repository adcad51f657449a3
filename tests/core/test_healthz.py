import pytest
from django.core.cache import cache

pytestmark = pytest.mark.django_db


def test_healthz_reports_the_database_and_redis(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "ok"}


def test_healthz_answers_503_when_redis_does_not(client, monkeypatch):
    def unreachable(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(cache, "set", unreachable)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["redis"] == "error: ConnectionError"
