import pytest
from rest_framework.throttling import UserRateThrottle

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_per_minute(monkeypatch):
    monkeypatch.setattr(UserRateThrottle, "rate", "3/minute", raising=False)


def test_the_api_throttles_each_user_on_their_own(board, api_as, three_per_minute):
    member, admin = api_as("member"), api_as("admin")
    for _ in range(3):
        assert member.get("/api/boards/").status_code == 200

    assert member.get("/api/boards/").status_code == 429
    assert admin.get("/api/boards/").status_code == 200
