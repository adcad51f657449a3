from datetime import timedelta

import pytest
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from accounts.models import AuditEvent
from accounts.services import api_tokens_purge, token_create

pytestmark = pytest.mark.django_db


def _issue(username, password):
    return APIClient().post(
        "/api/auth/token/", {"username": username, "password": password}, format="json"
    )


def test_an_issued_token_is_listed_for_its_owner(member_user, password):
    secret = _issue("mia", password).json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")

    tokens = client.get("/api/auth/tokens/").json()

    assert len(tokens) == 1
    assert secret.startswith(tokens[0]["token_key"])
    assert tokens[0]["current"] is True


def test_a_token_is_issued_for_a_form_post_as_curl_sends_it(member_user, password):
    client = APIClient()

    issued = client.post("/api/auth/token/", f"username=mia&password={password}",
                         content_type="application/x-www-form-urlencoded")  # fmt: skip
    empty = client.post("/api/auth/token/", "username=mia&password=",
                        content_type="application/x-www-form-urlencoded")  # fmt: skip

    assert issued.status_code == 200
    assert issued.json()["token"]
    assert empty.status_code == 400
    assert "password" in empty.json()


def test_the_secret_is_never_stored(member_user):
    token, secret = token_create(user=member_user)

    assert secret not in token.digest
    assert token.digest != secret


def test_a_revoked_token_no_longer_signs_in(member_user):
    token, secret = token_create(user=member_user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")

    assert client.delete(f"/api/auth/tokens/{token.token_key}/").status_code == 204

    assert client.get("/api/boards/").status_code == 401


def test_nobody_can_list_or_revoke_someone_elses_token(api_as, admin_user):
    token, secret = token_create(user=admin_user)
    client = api_as("member")

    assert client.get("/api/auth/tokens/").json()[0]["token_key"] != token.token_key
    assert client.delete(f"/api/auth/tokens/{token.token_key}/").status_code == 404

    other = APIClient()
    other.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    assert other.get("/api/boards/").status_code == 200


def test_creating_and_revoking_tokens_is_audited(member_user):
    token, _ = token_create(user=member_user)
    client = APIClient()
    client.force_authenticate(member_user)

    client.delete(f"/api/auth/tokens/{token.token_key}/")

    kinds = list(AuditEvent.objects.filter(actor=member_user).values_list("kind", flat=True))
    assert AuditEvent.Kind.TOKEN_CREATED in kinds
    assert AuditEvent.Kind.TOKEN_REVOKED in kinds


def test_anonymous_callers_cannot_list_tokens():
    assert APIClient().get("/api/auth/tokens/").status_code == 401


def test_issuing_tokens_is_throttled(member_user, settings):
    for _ in range(10):
        _issue("mia", "wrong-password")

    assert _issue("mia", "wrong-password").status_code == 429


def _expire(token):
    token.expiry = timezone.now() - timedelta(minutes=1)
    token.save(update_fields=["expiry"])


def test_an_expired_token_is_refused_and_deleted(member_user):
    token, secret = token_create(user=member_user)
    _expire(token)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")

    assert client.get("/api/boards/").status_code == 401
    assert not AuthToken.objects.filter(pk=token.pk).exists()


def test_other_expired_tokens_are_not_listed_and_the_purge_deletes_them(member_user):
    """A request checks the token it presents alone; the others wait for the hourly purge."""
    expired, _ = token_create(user=member_user)
    _expire(expired)
    current, secret = token_create(user=member_user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")

    listed = [row["token_key"] for row in client.get("/api/auth/tokens/").json()]

    assert listed == [current.token_key]
    assert api_tokens_purge() == 1
    assert list(AuthToken.objects.values_list("pk", flat=True)) == [current.pk]
