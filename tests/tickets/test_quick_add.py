"""The board's quick add posted with htmx: the board's columns come back (filters kept) with the new
card, or a line saying why not with the refusal's status; never a redirect to a whole page."""

from boards.services import column_update
from tickets.models import Ticket
from tickets.services import ticket_create

HX = {"HTTP_HX_REQUEST": "true"}


def quick_add(client, board, data, **extra):
    return client.post(f"/boards/{board.pk}/tickets/new/", data, **extra)


def test_an_htmx_quick_add_is_sent_to_the_columns_with_the_boards_filters(
    board, columns, client_as
):
    data = {"title": "Refund?", "column": columns[0].pk, "next": f"/boards/{board.pk}/?q=Ref"}

    response = quick_add(client_as("member"), board, data, **HX)

    assert response.status_code == 302
    assert response["Location"] == f"/boards/{board.pk}/live/columns/?q=Ref"
    assert Ticket.objects.filter(title="Refund?").exists()


def test_the_columns_it_is_sent_to_hold_the_new_card_and_an_empty_quick_add_field(
    board, columns, client_as
):
    data = {"title": "Refund?", "column": columns[0].pk, "next": f"/boards/{board.pk}/"}

    response = quick_add(client_as("member"), board, data, follow=True, **HX)

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "Refund?" in html
    assert f'id="quick-add-{columns[0].pk}"' in html


def test_an_htmx_quick_add_leaves_no_message_for_the_next_page(board, columns, client_as):
    client = client_as("member")
    quick_add(client, board, {"title": "Refund?", "column": columns[0].pk}, follow=True, **HX)

    page = client.get(f"/boards/{board.pk}/")

    assert "added to" not in page.content.decode()


def test_a_blank_title_with_htmx_is_a_400_line_for_beside_the_field(board, columns, client_as):
    response = quick_add(client_as("member"), board, {"title": "", "column": columns[0].pk}, **HX)

    assert response.status_code == 400
    assert response.content.decode() == (
        '<p class="quick-add__error" role="alert">Title: This field is required.</p>'
    )


def test_a_full_column_with_htmx_is_a_409_naming_its_limit(board, columns, member_user, client_as):
    column_update(column=columns[1], wip_limit=1)
    ticket_create(board=board, created_by=member_user, title="Only", column=columns[1])

    response = quick_add(
        client_as("member"), board, {"title": "One more", "column": columns[1].pk}, **HX
    )

    assert response.status_code == 409
    assert "WIP limit of 1" in response.content.decode()
    assert not Ticket.objects.filter(title="One more").exists()


def test_a_guest_quick_add_with_htmx_is_still_refused(board, columns, client_as):
    response = quick_add(client_as("guest"), board, {"title": "x", "column": columns[0].pk}, **HX)

    assert response.status_code == 403
    assert not Ticket.objects.exists()
