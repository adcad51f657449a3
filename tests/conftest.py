"""One fixture per role on one private board, plus helpers to act as each of them."""

import copy

import pytest
from rest_framework.test import APIClient

from accounts.services import token_create
from boards.models import Role, Visibility
from boards.services import board_create, membership_add
from tests.factories import PASSWORD, TicketFactory, UserFactory
from tests.mail_servers import ImapServer, SmtpSink
from tests.redis_server import RedisServer

# Each test starts with none of its process's Redis keys (and never wipes anyone else's).
pytest_plugins = ["tests.redis_db"]

ROLES = ["admin", "member", "guest", "outsider", "anonymous"]

# A test that serves the app for real or plays an outage is a system test, marked or not.
SYSTEM_FIXTURES = {"asgi_server", "live_server", "own_redis"}


def pytest_collection_modifyitems(items):
    for item in items:
        marked = {mark.name for mark in item.iter_markers()}
        if SYSTEM_FIXTURES & set(item.fixturenames) and not marked & {"browser", "system"}:
            item.add_marker(pytest.mark.system)


@pytest.fixture
def own_redis(tmp_path, settings):
    """The cache (sessions behind it) and the channel layer on a Redis of this test's own, which
    the test may stop and start again: an outage without touching the shared Redis."""
    server = RedisServer(tmp_path)
    server.start()
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": server.url}}
    layers = copy.deepcopy(settings.CHANNEL_LAYERS)
    config = layers["default"]["CONFIG"]
    config["hosts"] = [
        {**host, "address": server.url} if isinstance(host, dict) else server.url
        for host in config["hosts"]
    ]
    settings.CHANNEL_LAYERS = layers  # both settings reset their connections when they change
    try:
        yield server
    finally:
        server.stop()


# The mail servers start once a test process (each pytest-xdist worker has its own, on ports of
# its own) and only when a test asks for them; every test finds them empty. They are shared
# infrastructure like PostgreSQL, not an outage a test plays, so their tests stay unit tests.
@pytest.fixture(scope="session")
def imap_server():
    """This process's Dovecot (tests/mail_servers.py), as it was left: prefer `mailbox`."""
    with ImapServer() as server:
        yield server


@pytest.fixture
def mailbox(imap_server):
    """The Dovecot with every mailbox of its test user empty: where customer mail arrives."""
    imap_server.reset()
    return imap_server


@pytest.fixture(scope="session")
def smtp_sink_server():
    """This process's SMTP sink, as it was left: prefer `smtp_sink`."""
    with SmtpSink() as server:
        yield server


@pytest.fixture
def smtp_sink(smtp_sink_server):
    """This process's SMTP sink, with nothing received and no refusal pending."""
    smtp_sink_server.clear()
    yield smtp_sink_server
    smtp_sink_server.clear()


@pytest.fixture
def smtp_settings(smtp_sink, settings):
    """Django sends mail for real, over SMTP to the sink (no TLS, no login); returns the sink."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = smtp_sink.host
    settings.EMAIL_PORT = smtp_sink.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10
    return smtp_sink


@pytest.fixture
def admin_user(db):
    return UserFactory(username="alice", display_name="Alice Admin")


@pytest.fixture
def member_user(db):
    return UserFactory(username="mia", display_name="Mia Member")


@pytest.fixture
def guest_user(db):
    return UserFactory(username="gus", display_name="Gus Guest")


@pytest.fixture
def outsider_user(db):
    """Signed in, but not a member of `board`."""
    return UserFactory(username="olga", display_name="Olga Outsider")


@pytest.fixture
def board(admin_user, member_user, guest_user):
    """A private customer-success board: alice is admin, mia member, gus guest."""
    board = board_create(
        name="Customer Success",
        key="CS",
        created_by=admin_user,
        template="customer-success",
        visibility=Visibility.PRIVATE,
    )
    membership_add(board=board, user=member_user, role=Role.MEMBER)
    membership_add(board=board, user=guest_user, role=Role.GUEST)
    return board


@pytest.fixture
def columns(board):
    return list(board.columns.order_by("position"))


@pytest.fixture
def ticket(board, member_user):
    return TicketFactory(
        board=board,
        created_by=member_user,
        title="Team discount?",
        customer_name="Dana Scully",
        customer_email="dana@example.com",
        customer_company="FBI",
    )


@pytest.fixture
def user_for(admin_user, member_user, guest_user, outsider_user):
    """The user playing a role in the permission matrix (None for anonymous)."""
    users = {
        "admin": admin_user,
        "member": member_user,
        "guest": guest_user,
        "outsider": outsider_user,
        "anonymous": None,
    }
    return users.__getitem__


@pytest.fixture
def api_as(user_for):
    """An API client authenticated by token as the given role (anonymous: no credentials)."""

    def make(role: str) -> APIClient:
        client = APIClient()
        user = user_for(role)
        if user is not None:
            _, secret = token_create(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
        return client

    return make


@pytest.fixture
def address(board):
    """The board's support address: replies go out from it, mail to it opens tickets."""
    from mail.models import SupportAddress

    return SupportAddress.objects.create(board=board, address="support@example.com")


@pytest.fixture
def client_as(client, user_for):
    """A browser-like Django test client signed in as the given role (anonymous: signed out)."""

    def make(role: str):
        user = user_for(role)
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def asgi_server(transactional_db):
    """The real ASGI application (pages, API and WebSockets) under uvicorn, in this process and
    on the test database: pytest-django's live server speaks WSGI only, without sockets."""
    import socket
    import threading
    import time

    import uvicorn

    from csboard.asgi import application

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(
            application, host="127.0.0.1", port=port, log_level="warning", lifespan="off"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(100):
        if server.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def celery_eager():
    """Tasks run in the calling thread, as soon as they are enqueued (after commit)."""
    from csboard.celery import app

    saved = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield app
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved
