"""The schema tells the truth about the errors: a body of a type the operation cannot read is a
415 that every operation with a body documents; board rules refuse writes only (409)."""

import pytest
from drf_spectacular.generators import SchemaGenerator


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def test_every_operation_with_a_body_documents_the_415_and_no_other_does(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            documented = "415" in operation["responses"]
            assert documented == (method in ("post", "put", "patch")), (method, path)


def test_writes_document_the_409_and_reads_do_not(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            documented = "409" in operation["responses"]
            assert documented == (method != "get"), (method, path)


def test_an_upload_sent_as_plain_text_is_a_415(board, api_as):
    response = api_as("member").post(
        f"/api/boards/{board.pk}/files/", "just text", content_type="text/plain"
    )

    assert response.status_code == 415
    assert response.json()["detail"]
