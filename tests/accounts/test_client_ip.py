"""The client's address, read once for every per-IP rule (the request form's and the portal's
limits, the audit log, the API throttles, the sign-in lockout): REMOTE_ADDR, or behind our own
reverse proxies the address the outermost of them saw, never one the client wrote."""

import pytest
from django.test import RequestFactory

from accounts.services import client_ip


def request(forwarded=None, remote="172.18.0.5"):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


def test_without_a_proxy_a_forwarded_header_is_not_believed(settings):
    settings.TRUSTED_PROXIES = 0

    assert client_ip(request("203.0.113.7")) == "172.18.0.5"


@pytest.mark.parametrize(
    ("proxies", "forwarded", "client"),
    [
        (1, "203.0.113.7", "203.0.113.7"),  # nginx appended the client
        (1, "6.6.6.6, 203.0.113.7", "203.0.113.7"),  # the client's own claim is left of it
        (2, "6.6.6.6, 203.0.113.7, 10.0.0.2", "203.0.113.7"),  # a load balancer, then nginx
        (2, "203.0.113.7", "203.0.113.7"),  # fewer hops than proxies: the first
        (1, "", "172.18.0.5"),  # no header: the proxy itself
    ],
)
def test_behind_our_proxies_the_address_the_outermost_saw(settings, proxies, forwarded, client):
    settings.TRUSTED_PROXIES = proxies

    assert client_ip(request(forwarded)) == client


def test_the_compose_stack_trusts_its_nginx():
    from pathlib import Path

    from django.conf import settings as django_settings

    compose = (Path(django_settings.BASE_DIR) / "docker-compose.yml").read_text()
    assert "TRUSTED_PROXIES: ${TRUSTED_PROXIES:-1}" in compose


def test_the_throttles_and_the_lockout_read_the_same_address():
    from django.conf import settings as django_settings

    assert django_settings.AXES_CLIENT_IP_CALLABLE == "accounts.services.client_ip"
    assert django_settings.REST_FRAMEWORK["NUM_PROXIES"] == (
        django_settings.TRUSTED_PROXIES or None
    )
