"""django-axes, switched on as in production (the test settings turn it off for client.login)."""

from datetime import timedelta

import pytest
from rest_framework.test import APIClient

from accounts.lockout import lockout_message

pytestmark = pytest.mark.django_db


@pytest.fixture
def lockout(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3


def _sign_in(client, password):
    return client.post("/accounts/login/", {"username": "mia", "password": password})


LOCKED = (
    "Too many failed sign-ins: sign-in to this account from your address is locked for 15 "
    "minutes. Try again then, or reset your password."
)


def test_repeated_failed_sign_ins_lock_the_account_out(client, member_user, password, lockout):
    for _ in range(3):
        _sign_in(client, "wrong-password")

    response = _sign_in(client, password)

    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert response["Retry-After"] == "900"
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


def test_a_locked_account_is_told_so_by_the_token_endpoint_and_for_how_long(
    member_user, password, lockout, settings
):
    # Given an account locked out by failed attempts, with a 20-minute pause
    settings.AXES_COOLOFF_TIME = timedelta(minutes=20)
    api = APIClient()
    for _ in range(3):
        api.post("/api/auth/token/", {"username": "mia", "password": "wrong"}, format="json")

    # When its owner asks for a token with the right password
    response = api.post(
        "/api/auth/token/", {"username": "mia", "password": password}, format="json"
    )

    # Then the answer says that the account is locked, and for how long, as the sign-in page does
    assert response.status_code == 429
    assert response.json() == {
        "detail": LOCKED.replace("15 minutes", "20 minutes"),
        "code": "locked_out",
    }
    assert response["Retry-After"] == "1200"


def test_a_wrong_password_before_the_lockout_is_still_a_400(member_user, lockout):
    response = APIClient().post(
        "/api/auth/token/", {"username": "mia", "password": "wrong"}, format="json"
    )

    assert response.status_code == 400
    assert "code" not in response.json()


@pytest.mark.parametrize(
    ("minutes", "said"),
    [(1, "1 minute"), (15, "15 minutes"), (60, "1 hour"), (90, "1 hour 30 minutes")],
)
def test_the_lock_names_its_duration(rf, settings, minutes, said):
    settings.AXES_COOLOFF_TIME = timedelta(minutes=minutes)

    assert f"locked for {said}. Try" in lockout_message(rf.get("/"))
