"""Column names are unique on a board, whatever their case: the service names the field at
fault, the API answers a 400 with it, and the database's constraint backs both up."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from boards.models import Column
from boards.services import board_create, column_create, column_update
from csboard.core.exceptions import InvalidInput

pytestmark = pytest.mark.django_db


def test_a_new_column_may_not_take_an_existing_name_in_another_case(board, columns):
    with pytest.raises(InvalidInput) as refused:
        column_create(board=board, name="  done ")

    assert refused.value.fields == {"name": ["This board already has a column named “done”."]}
    assert board.columns.count() == 5


def test_a_column_may_not_be_renamed_to_another_columns_name(board, columns):
    with pytest.raises(InvalidInput) as refused:
        column_update(column=columns[0], name="BUGS")

    assert "name" in refused.value.fields
    assert Column.objects.get(pk=columns[0].pk).name == "New tickets"


def test_a_column_may_change_the_case_of_its_own_name(board, columns):
    column_update(column=columns[-1], name="DONE")

    assert Column.objects.get(pk=columns[-1].pk).name == "DONE"


def test_another_board_may_use_the_same_column_names(board, columns, outsider_user):
    other_board = board_create(name="Other", key="OT", created_by=outsider_user)

    assert column_create(board=other_board, name="Bugs").name == "Bugs"


def test_the_database_refuses_a_duplicate_name_the_service_did_not_see(board, columns):
    with pytest.raises(IntegrityError), transaction.atomic():
        Column.objects.create(board=board, name="dONE", position=9)


def test_the_api_answers_a_duplicate_name_with_a_400_on_the_name(board, columns, api_as):
    response = api_as("admin").post(
        f"/api/boards/{board.pk}/columns/", {"name": "done"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["name"] == ["This board already has a column named “done”."]


def test_the_api_refuses_a_rename_onto_another_column(board, columns, api_as):
    response = api_as("admin").patch(
        f"/api/boards/{board.pk}/columns/{columns[0].pk}/", {"name": "Open Tickets"}, format="json"
    )

    assert response.status_code == 400
    assert "name" in response.json()


# --- The migration that made room for the constraint ------------------------------------------
BEFORE = [("boards", "0004_board_brand_color_board_logo_board_logo_type")]


@pytest.mark.django_db(transaction=True)
def test_the_migration_renames_duplicate_names_left_to_right():
    # Given boards made before names were unique: one with "Done" three times (in two cases)
    # and a column already called "Done (2)", one with "Done" once
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    OldBoard, OldColumn = old.get_model("boards", "Board"), old.get_model("boards", "Column")
    messy, tidy = OldBoard.objects.create(name="A", key="AA"), OldBoard.objects.create(key="BB")
    names = ["Done", "To do", "done", "Done (2)", "DONE", "x" * 80, "X" * 80]
    made = [
        OldColumn.objects.create(board=messy, name=name, position=index)
        for index, name in enumerate(names)
    ]
    OldColumn.objects.create(board=tidy, name="Done", position=0)

    # When the migrations run
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    # Then the first of each name keeps it, the others are numbered within the length, and
    # the other board's "Done" is untouched
    after = [Column.objects.get(pk=column.pk).name for column in made]
    assert after == [
        "Done",
        "To do",
        "done (3)",
        "Done (2)",
        "DONE (4)",
        "x" * 80,
        "X" * 76 + " (2)",
    ]
    assert Column.objects.get(board_id=tidy.pk).name == "Done"
    assert len({name.lower() for name in after}) == len(after)
