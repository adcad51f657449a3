import pytest
from django.contrib.auth import authenticate
from django.test import RequestFactory

from accounts.models import AuditEvent
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_a_failed_sign_in_is_recorded_with_the_username_tried_and_the_address():
    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR="203.0.113.7")

    authenticate(request, username="mallory", password="wrong")

    event = AuditEvent.objects.get()
    assert event.kind == AuditEvent.Kind.SIGN_IN_FAILED
    assert event.actor is None
    assert event.actor_username == "mallory"
    assert event.ip_address == "203.0.113.7"


def test_a_sign_in_is_recorded_against_the_user(client):
    user = UserFactory()

    client.force_login(user)

    event = AuditEvent.objects.get()
    assert event.kind == AuditEvent.Kind.SIGNED_IN
    assert event.actor == user


def test_a_successful_authentication_alone_records_nothing_failed():
    user = UserFactory()
    request = RequestFactory().post("/accounts/login/")

    assert authenticate(request, username=user.username, password=PASSWORD) == user

    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.SIGN_IN_FAILED).exists()
