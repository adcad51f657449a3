"""The audit log in Django's admin: every event, boardless ones included, read-only, staff only."""

import pytest
from django.contrib.auth import authenticate
from django.test import RequestFactory

from accounts.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/accounts/auditevent/"


@pytest.fixture
def failed_sign_in():
    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR="203.0.113.7")
    authenticate(request, username="mallory", password="wrong")
    return AuditEvent.objects.get(kind=AuditEvent.Kind.SIGN_IN_FAILED)


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_a_staff_user_sees_a_failed_sign_in_in_the_audit_log(staff_client, failed_sign_in):
    response = staff_client.get(CHANGELIST, {"kind__exact": "sign_in_failed"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "mallory" in html
    assert "203.0.113.7" in html


def test_the_audit_log_is_searched_by_username_or_address(staff_client, failed_sign_in):
    by_address = staff_client.get(CHANGELIST, {"q": "203.0.113.7"}).context["cl"]
    by_other_name = staff_client.get(CHANGELIST, {"q": "trudy"}).context["cl"]

    assert list(by_address.result_list) == [failed_sign_in]
    assert list(by_other_name.result_list) == []


def test_nobody_adds_edits_or_deletes_an_audit_event(staff_client, failed_sign_in):
    detail = f"{CHANGELIST}{failed_sign_in.pk}/change/"

    assert staff_client.get(f"{CHANGELIST}add/").status_code == 403
    assert staff_client.post(detail, {"actor_username": "someone"}).status_code == 403
    assert (
        staff_client.post(f"{detail.replace('change', 'delete')}", {"post": "yes"}).status_code
        == 403
    )
    failed_sign_in.refresh_from_db()
    assert failed_sign_in.actor_username == "mallory"


def test_a_user_who_is_not_staff_cannot_open_the_audit_log(client, failed_sign_in):
    client.force_login(UserFactory(is_staff=False))

    response = client.get(CHANGELIST)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
