"""django-axes, switched on as in production (the test settings turn it off for client.login)."""

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def lockout(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3


def _sign_in(client, password):
    return client.post("/accounts/login/", {"username": "mia", "password": password})


def test_repeated_failed_sign_ins_lock_the_account_out(client, member_user, password, lockout):
    for _ in range(3):
        _sign_in(client, "wrong-password")

    response = _sign_in(client, password)

    assert response.status_code == 429
    assert b"Too many failed sign-ins" in response.content
    assert "_auth_user_id" not in client.session


def test_a_few_failures_do_not_lock_the_account(client, member_user, password, lockout):
    for _ in range(2):
        _sign_in(client, "wrong-password")

    response = _sign_in(client, password)

    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_the_token_endpoint_is_locked_out_too(member_user, password, lockout):
    api = APIClient()
    for _ in range(3):
        api.post("/api/auth/token/", {"username": "mia", "password": "wrong"}, format="json")

    response = api.post(
        "/api/auth/token/", {"username": "mia", "password": password}, format="json"
    )

    assert "token" not in response.json()
