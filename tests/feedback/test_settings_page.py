"""The feedback settings page: admins only; routing, switches and the secret shown once."""

import pytest

from feedback.models import FeedbackSettings
from feedback.services import feedback_secret_matches
from tests.pages import MANAGE_PAGE, expect, matrix_cases

URL = "/boards/{board}/settings/feedback/"


@pytest.mark.parametrize(
    ("method", "path", "data", "role", "expected"),
    matrix_cases(
        [
            ("get", URL, None, MANAGE_PAGE),
            ("post", URL, {"rotate": "1"}, expect(200, 403, 403, 404)),
            # Without a file the admin is sent back with the reason (tests/feedback/test_import.py)
            ("post", URL + "import/", None, expect(302, 403, 403, 404)),
            ("get", URL + "import/", None, expect(405, 405, 405, 405)),
        ]
    ),
)
def test_only_admins_reach_the_feedback_settings(
    board, client_as, method, path, data, role, expected
):
    response = getattr(client_as(role), method)(path.format(board=board.pk), data or {})

    assert response.status_code == expected


def test_an_admin_routes_detractors_and_switches_csat_and_guest_metrics(
    board, columns, member_user, client_as
):
    response = client_as("admin").post(
        URL.format(board=board.pk),
        {"intake_column": columns[1].pk, "duty": [member_user.pk], "csat_on_resolve": "on",
         "guests_see_metrics": "on"},
    )  # fmt: skip

    assert response.status_code == 302
    config = FeedbackSettings.objects.get(board=board)
    assert (config.intake_column, list(config.duty.all())) == (columns[1], [member_user])
    assert config.csat_on_resolve
    assert config.guests_see_metrics


def test_a_rotated_secret_is_shown_once_and_works(board, client_as):
    html = client_as("admin").post(URL.format(board=board.pk), {"rotate": "1"}).content.decode()

    secret = html.split("data-secret>")[1].split("<")[0]
    assert feedback_secret_matches(board_id=board.pk, secret=secret)
    again = client_as("admin").get(URL.format(board=board.pk)).content.decode()
    assert secret not in again


def test_guests_cannot_take_feedback_duty_through_the_page(board, guest_user, client_as):
    client_as("admin").post(URL.format(board=board.pk), {"duty": [guest_user.pk]})

    assert not FeedbackSettings.objects.filter(board=board, duty=guest_user).exists()
