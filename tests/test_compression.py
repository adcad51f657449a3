"""Responses are gzip-encoded for a client that asks, decode to the same answer and vary on
Accept-Encoding; the responses that carry a secret are never compressed (README, "Compression
and BREACH")."""

import gzip
import json

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db
GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


def test_a_page_is_gzip_encoded_when_asked_and_varies_on_accept_encoding(
    client, board, member_user
):
    client.force_login(member_user)
    url = reverse("boards:detail", args=[board.pk])
    plain, packed = client.get(url), client.get(url, **GZIP)
    assert plain.status_code == packed.status_code == 200
    assert not plain.has_header("Content-Encoding")
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    assert b"Customer Success" in gzip.decompress(packed.content)
    assert len(packed.content) < len(plain.content) / 3


def test_an_api_answer_decodes_to_the_same_json(client, board, member_user):
    client.force_login(member_user)
    url = f"/api/boards/{board.pk}/"
    plain, packed = client.get(url), client.get(url, **GZIP)
    assert packed["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(packed.content)) == json.loads(plain.content)


def test_an_issued_api_token_is_not_compressed(client, member_user):
    member_user.set_password("a-long-password-1")
    member_user.save()
    response = client.post(
        "/api/auth/token/",
        {"username": member_user.username, "password": "a-long-password-1"},
        content_type="application/json",
        **GZIP,
    )
    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")
    assert response.json()["token"]


def test_a_new_feedback_secret_is_not_compressed(client, board, admin_user):
    client.force_login(admin_user)
    url = reverse("feedback:settings", args=[board.pk])
    assert client.get(url, **GZIP)["Content-Encoding"] == "gzip"  # the page without a secret
    response = client.post(url, {"rotate": "1"}, **GZIP)
    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")
    assert b"data-secret" in response.content
