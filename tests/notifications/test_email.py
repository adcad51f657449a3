"""One email service (notifications/email.py): every message is built there, from its subject,
text and HTML templates with the site's URL and sender; a write's email goes out after commit,
best effort."""

import re
from pathlib import Path

import pytest
from django.core import mail
from django.db import transaction
from django.test.signals import template_rendered

from notifications.email import email_build, email_send_after_commit

ROOT = Path(__file__).resolve().parents[2]
# The project's packages: its apps and the project package (not the tests, nor the venv).
APPS = [path for path in ROOT.iterdir() if (path / "apps.py").exists() or path.name == "csboard"]


@pytest.fixture
def message(settings):
    settings.DEFAULT_FROM_EMAIL = "Support <support@example.com>"
    context = {"board": type("Board", (), {"name": "Tom & Jerry\nLtd"})()}
    return email_build(template="metrics/email/digest", to=["alice@example.com"], context=context)


def test_a_message_is_built_from_its_three_templates_with_the_sender(message):
    assert message.subject == "Tom & Jerry Ltd: your week in customer success"  # one line, as typed
    assert message.from_email == "Support <support@example.com>"
    assert message.to == ["alice@example.com"]
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert "Tom &amp; Jerry" in html  # the HTML part is escaped, the subject is not


def test_every_template_gets_the_site_url(settings):
    settings.SITE_URL = "https://support.example"
    rendered = []

    def seen(sender, template, context, **kwargs):
        rendered.append((template.name, context.get("site_url")))

    template_rendered.connect(seen)
    try:
        email_build(template="metrics/email/digest", to=["a@example.com"], context={"board": None})
    finally:
        template_rendered.disconnect(seen)

    assert dict(rendered) == {
        f"metrics/email/digest{part}": "https://support.example"
        for part in ("_subject.txt", ".txt", ".html")
    }


def test_a_writes_email_goes_out_once_it_commits_and_never_after_a_rollback(
    message, django_capture_on_commit_callbacks, db
):
    with transaction.atomic():
        email_send_after_commit(message)
        transaction.set_rollback(True)
    with django_capture_on_commit_callbacks(execute=True):
        email_send_after_commit(message)
        assert mail.outbox == []

    assert len(mail.outbox) == 1


def test_a_mail_server_away_is_logged_not_raised(
    message, settings, caplog, django_capture_on_commit_callbacks, db
):
    settings.EMAIL_BACKEND = "tests.reminders.failing_mail.Backend"

    with django_capture_on_commit_callbacks(execute=True):
        email_send_after_commit(message)

    assert "failed; the write stands" in caplog.text


def test_no_other_module_builds_or_sends_email_itself():
    """The reminders, the CSAT request and the digest all take their message from the one
    builder (their own mail tests check what each says)."""
    builders = re.compile(r"EmailMultiAlternatives\(|EmailMessage\(|\bsend_mail\(|send_mass_mail")
    found = [
        str(path.relative_to(ROOT))
        for app in APPS
        for path in app.rglob("*.py")
        if builders.search(path.read_text())
    ]
    assert found == ["notifications/email.py"]
