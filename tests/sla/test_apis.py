"""/api/boards/{id}/sla/: the board's SLA policy over the API."""

from datetime import timedelta

import pytest

from sla.models import SlaPolicy
from sla.selectors import policy_for

URL = "/api/boards/{}/sla/"


def test_a_board_without_a_policy_answers_the_defaults(board, api_as):
    response = api_as("guest").get(URL.format(board.pk))

    assert response.status_code == 200
    body = response.json()
    assert body["is_default"] is True
    assert body["urgent_resolution_hours"] == 4
    assert body["due_soon_leads"] == [24, 1]
    assert body["working_days"] == [0, 1, 2, 3, 4]
    assert body["opens_at"] == "09:00"
    assert body["timezone"] == "UTC"


def test_an_admin_patches_only_what_is_sent(board, api_as):
    response = api_as("admin").patch(
        URL.format(board.pk),
        {"urgent_resolution_hours": 2, "due_soon_leads": [1, 4, 4]},
        format="json",
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["urgent_resolution_hours"], body["due_soon_leads"]) == (2, [4, 1])
    assert body["is_default"] is False
    policy = SlaPolicy.objects.get(board=board)
    assert policy.normal_resolution_hours == 72  # untouched


def test_put_sets_what_is_left_out_back_to_the_defaults(board, api_as):
    client = api_as("admin")
    client.patch(URL.format(board.pk), {"low_resolution_hours": 500}, format="json")

    response = client.put(
        URL.format(board.pk),
        {"business_hours": True, "opens_at": "08:30", "closes_at": "16:30"},
        format="json",
    )

    assert response.status_code == 200, response.content
    policy = SlaPolicy.objects.get(board=board)
    assert policy.low_resolution_hours == 120
    assert policy.business_hours
    assert str(policy.opens_at) == "08:30:00"


def test_new_tickets_follow_the_changed_policy(board, api_as):
    api_as("admin").patch(URL.format(board.pk), {"normal_resolution_hours": 2}, format="json")

    created = api_as("member").post(
        f"/api/boards/{board.pk}/tickets/", {"title": "Quick one"}, format="json"
    )

    ticket = created.json()
    from tickets.models import Ticket

    stored = Ticket.objects.get(board=board, number=ticket["number"])
    assert stored.due_at - stored.created_at <= timedelta(hours=2)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"opens_at": "18:00", "closes_at": "09:00"}, "detail"),
        ({"working_days": []}, "working_days"),
        ({"working_days": [7]}, "working_days"),
        ({"due_soon_leads": [0]}, "due_soon_leads"),
        ({"due_soon_leads": [1, 2, 3, 4, 5, 6]}, "due_soon_leads"),
        ({"urgent_first_response_hours": 0}, "urgent_first_response_hours"),
        ({"escalate_after_hours": "soon"}, "escalate_after_hours"),
        ({"opens_at": "25:00"}, "opens_at"),
    ],
)
def test_bad_input_is_refused_with_field_errors(board, api_as, body, field):
    response = api_as("admin").patch(URL.format(board.pk), body, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert policy_for(board).is_default


def test_a_target_longer_than_years_of_business_hours_is_refused(board, api_as):
    response = api_as("admin").patch(
        URL.format(board.pk),
        {
            "business_hours": True,
            "working_days": [0],
            "opens_at": "09:00",
            "closes_at": "09:30",
            "low_resolution_hours": 8000,
        },
        format="json",
    )

    assert response.status_code == 400
    assert "business_hours" in response.json()


def test_options_describes_the_policy_to_an_admin(board, api_as):
    response = api_as("admin").options(URL.format(board.pk))

    assert response.status_code == 200
    assert "urgent_resolution_hours" in response.json()["actions"]["PUT"]
