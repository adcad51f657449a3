"""CSV import of past feedback: all rows or none, each wrong row named, a second import of the
same file adds nothing, past answers count in the scores and join their customers but make no
tickets."""

from datetime import UTC, date, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from customers.models import Customer
from feedback import services
from feedback.models import FeedbackResponse
from feedback.services import feedback_import
from metrics.selectors import Period, feedback_scores
from tickets.models import Ticket

GOOD = (
    "kind,score,email,name,comment,source,received_at\n"
    "nps,10,ada@example.com,Ada Lovelace,Love it,survey,2026-10-05T09:30:00Z\n"
    "NPS,3,bob@example.com,Bob,Too slow,survey,2026-10-06\n"
    "csat,5,Ada@Example.com,,,,2026-10-07 14:00\n"
)


def upload(text: str | bytes, name="responses.csv") -> SimpleUploadedFile:
    data = text.encode() if isinstance(text, str) else text
    return SimpleUploadedFile(name, data, content_type="text/csv")


def test_past_responses_are_imported_with_their_dates_and_customers(board):
    result = feedback_import(board=board, file=upload(GOOD))

    assert (result.created, result.skipped) == (3, 0)
    rows = {r.score: r for r in FeedbackResponse.objects.filter(board=board)}
    assert rows[10].received_at == datetime(2026, 10, 5, 9, 30, tzinfo=UTC)
    assert (rows[3].kind, rows[3].comment, rows[3].source) == ("nps", "Too slow", "survey")
    # Ada twice (any case) is one customer; Bob is another.
    assert Customer.objects.count() == 2
    assert rows[10].customer == rows[5].customer
    assert rows[10].name == "Ada Lovelace"  # on the board's response; the customer is the address


def test_an_existing_customer_is_joined_not_duplicated(board):
    known = Customer.objects.create(email="ADA@example.com")

    feedback_import(board=board, file=upload(GOOD))

    assert FeedbackResponse.objects.get(score=10).customer == known
    assert Customer.objects.filter(email__iexact="ada@example.com").count() == 1


def test_imported_detractors_make_no_tickets(board):
    feedback_import(board=board, file=upload(GOOD))

    assert not Ticket.objects.exists()


def test_imported_answers_count_in_the_scores_of_their_week(board):
    feedback_import(board=board, file=upload(GOOD))

    (week,) = feedback_scores(board, Period.of(board, date(2026, 10, 5), date(2026, 10, 11)))
    # One promoter, one detractor of two NPS answers: 0. One CSAT 5.
    assert (week["week"], week["nps"], week["nps_answers"]) == (date(2026, 10, 5), 0, 2)
    assert week["csat"] == 5.0


def test_a_date_without_a_zone_is_the_boards_local_time(board):
    board.timezone = "Europe/Berlin"
    board.save()

    feedback_import(
        board=board, file=upload("kind,score,email,received_at\nnps,9,a@x.io,2026-10-07 14:00\n")
    )

    assert FeedbackResponse.objects.get().received_at == datetime(2026, 10, 7, 12, 0, tzinfo=UTC)


def test_the_same_file_imported_twice_adds_nothing(board):
    feedback_import(board=board, file=upload(GOOD))

    again = feedback_import(board=board, file=upload(GOOD))

    assert (again.created, again.skipped) == (0, 3)
    assert FeedbackResponse.objects.count() == 3


def test_the_senders_own_keys_are_kept_and_repeated_keys_count_once(board):
    text = "kind,score,email,idempotency_key\nnps,9,a@x.io,typeform-1\nnps,9,a@x.io,typeform-1\n"

    result = feedback_import(board=board, file=upload(text))

    assert (result.created, result.skipped) == (1, 1)
    assert FeedbackResponse.objects.get().idempotency_key == "typeform-1"


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("nps,11,a@x.io,", "Row 3: score:"),
        ("csat,0,a@x.io,", "Row 3: score: A CSAT score is from 1 to 5."),
        ("nps,ten,a@x.io,", "Row 3: score: A valid integer is required."),
        ("stars,3,a@x.io,", "Row 3: kind:"),
        ("nps,3,not-an-email,", "Row 3: email:"),
        ("nps,3,a@x.io,yesterday", "Row 3: received_at: Use a date such as 2026-11-02"),
        ("nps,3,a@x.io,2999-01-01", "Row 3: received_at: This date is in the future."),
    ],
)
def test_a_wrong_row_is_named_and_nothing_is_imported(board, row, problem):
    text = f"kind,score,email,received_at\nnps,9,ok@x.io,\n{row}\n"

    with pytest.raises(services.InvalidInput) as refused:
        feedback_import(board=board, file=upload(text))

    assert refused.value.message == "1 row could not be read; nothing was imported."
    assert refused.value.fields["file"][0].startswith(problem)
    assert not FeedbackResponse.objects.exists()
    assert not Customer.objects.exists()


def test_many_wrong_rows_are_listed_twenty_at_a_time(board):
    text = "kind,score,email\n" + "nps,99,a@x.io\n" * 25

    with pytest.raises(services.InvalidInput) as refused:
        feedback_import(board=board, file=upload(text))

    shown = refused.value.fields["file"]
    assert len(shown) == 21
    assert shown[-1] == "… and 5 more rows."


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("score,email\n9,a@x.io\n", "The file has no kind column."),
        ("kind,score,email\n", "The file has no responses."),
        (b"kind,score,email\nnps,9,\xff@x.io\n", "The file is not UTF-8 text."),
    ],
)
def test_a_file_that_cannot_be_read_says_why(board, content, message):
    with pytest.raises(services.InvalidInput) as refused:
        feedback_import(board=board, file=upload(content))

    assert refused.value.message == message


# --- Over the API and on the settings page -----------------------------------------------------
@pytest.mark.parametrize(
    ("role", "expected"),
    [("admin", 201), ("member", 403), ("guest", 403), ("outsider", 404), ("anonymous", 401)],
)
def test_only_admins_import_over_the_api(board, api_as, role, expected):
    response = api_as(role).post(
        f"/api/boards/{board.pk}/feedback/import/", {"file": upload(GOOD)}, format="multipart"
    )

    assert response.status_code == expected
    assert FeedbackResponse.objects.count() == (3 if expected == 201 else 0)


def test_the_api_answers_with_what_it_imported_and_the_wrong_rows(board, api_as):
    client = api_as("admin")
    url = f"/api/boards/{board.pk}/feedback/import/"

    assert client.post(url, {"file": upload(GOOD)}, format="multipart").json() == {
        "created": 3,
        "skipped": 0,
    }
    refused = client.post(
        url, {"file": upload("kind,score,email\nnps,42,a@x.io\n")}, format="multipart"
    )
    assert refused.status_code == 400
    assert refused.json()["file"][0].startswith("Row 2: score:")


def test_a_file_over_the_limit_is_a_413(board, api_as, monkeypatch):
    monkeypatch.setattr(services, "IMPORT_MAX_BYTES", 100)

    response = api_as("admin").post(
        f"/api/boards/{board.pk}/feedback/import/", {"file": upload(GOOD)}, format="multipart"
    )

    assert response.status_code == 413
    assert not FeedbackResponse.objects.exists()


def test_an_admin_imports_on_the_settings_page(board, client_as):
    client = client_as("admin")

    response = client.post(
        f"/boards/{board.pk}/settings/feedback/import/", {"file": upload(GOOD)}, follow=True
    )

    assert "Imported 3 responses." in response.content.decode()
    assert FeedbackResponse.objects.count() == 3


def test_the_settings_page_names_the_wrong_rows(board, client_as):
    response = client_as("admin").post(
        f"/boards/{board.pk}/settings/feedback/import/",
        {"file": upload("kind,score,email\nnps,9,a@x.io\ncsat,9,b@x.io\n")},
        follow=True,
    )

    html = response.content.decode()
    assert "nothing was imported" in html
    assert "Row 3: score: A CSAT score is from 1 to 5." in html
    assert not FeedbackResponse.objects.exists()


@pytest.mark.parametrize(("role", "expected"), [("member", 403), ("guest", 403), ("outsider", 404)])
def test_only_admins_import_on_the_settings_page(board, client_as, role, expected):
    response = client_as(role).post(
        f"/boards/{board.pk}/settings/feedback/import/", {"file": upload(GOOD)}
    )

    assert response.status_code == expected
    assert not FeedbackResponse.objects.exists()


@override_settings(FILE_UPLOAD_MAX_MEMORY_SIZE=10)
def test_a_file_streamed_to_disk_imports_the_same(board, client_as):
    client_as("admin").post(f"/boards/{board.pk}/settings/feedback/import/", {"file": upload(GOOD)})

    assert FeedbackResponse.objects.count() == 3
