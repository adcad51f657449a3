import pytest

from boards.services import board_create, tag_create
from ticket_templates.services import template_create


@pytest.fixture
def tag(board):
    return tag_create(board=board, name="Onboarding")


@pytest.fixture
def other_board(outsider_user):
    """A second board, whose column, tag and template alice's board must not reach."""
    board = board_create(name="Elsewhere", key="EL", created_by=outsider_user)
    tag_create(board=board, name="Foreign")
    return board


@pytest.fixture
def template(board, columns, tag, member_user):
    return template_create(
        board=board,
        name="Onboarding",
        title_pattern="Onboarding: {customer} ({date})",
        description="Welcome **{customer}**",
        priority="high",
        column=columns[1],
        tags=[tag],
        assignees=[member_user],
        checklist=["Kick-off call", "Send the guide"],
    )
