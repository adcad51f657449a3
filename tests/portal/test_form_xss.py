"""A request carrying script in every field and in a file's name comes back escaped wherever
it shows: the team's board and ticket pages, the form shown again, the confirmation email."""

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.portal.conftest import PAYLOAD, html_of, request_data
from tests.test_security import assert_escaped
from tickets.models import Ticket


def test_a_poisoned_request_comes_back_escaped_everywhere(
    client, client_as, board, form_on, celery_eager, django_capture_on_commit_callbacks, mailoutbox
):
    form_on.ask_company = True
    form_on.save()
    data = request_data(
        board, name=PAYLOAD, subject=PAYLOAD, message=PAYLOAD, company=PAYLOAD,
        files=[SimpleUploadedFile(f"{PAYLOAD}.txt", b"x")],
    )  # fmt: skip

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/help/{board.key}/", data)

    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.customer_name == PAYLOAD[:150]
    assert ticket.customer_company == PAYLOAD
    team = client_as("member")
    for page in (f"/boards/{board.pk}/", ticket.get_absolute_url()):
        html = team.get(page).content.decode()
        assert_escaped(html, page)
        assert "&lt;script&gt;alert(1)" in html, page
    (sent,) = mailoutbox
    html = html_of(sent)
    assert_escaped(html, "confirmation")
    assert "&lt;script&gt;alert(1)" in html


def test_a_poisoned_refused_request_is_shown_again_escaped(client, board, form_on):
    data = request_data(board, name=PAYLOAD, subject=PAYLOAD, message=PAYLOAD, website="x")

    response = client.post(f"/help/{board.key}/", data)

    html = response.content.decode()
    assert response.status_code == 400
    assert_escaped(html, "the form again")
    assert "&lt;script&gt;alert(1)" in html
