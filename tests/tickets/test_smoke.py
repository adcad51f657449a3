def test_api_lists_tickets(board, ticket, api_as):
    response = api_as("member").get(f"/api/boards/{board.pk}/tickets/")
    assert response.status_code == 200, response.content
    assert response.json()["results"][0]["reference"] == "CS-1"
