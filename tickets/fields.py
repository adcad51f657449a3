"""The ticket fields a person edits, declared once. The services accept these names, the edit
form and the API's input serializer each build their fields from them, with the limits (length,
choices, whether a value may be empty) read from the model's columns, and offer the same people
as assignees: the board's team (boards.selectors.board_team)."""

# Edited by value. Assignees, tags and the column are relations: the services check each
# against the board (tickets.services).
EDITABLE_FIELDS = (
    "title",
    "description",
    "status",
    "priority",
    "customer_name",
    "customer_email",
    "customer_company",
    "customer_phone",
    "due_at",
)

# What the edit form calls a field, where the column's own name does not read well there.
LABELS = {
    "customer_name": "Name",
    "customer_email": "Email",
    "customer_company": "Company",
    "customer_phone": "Phone",
    "due_at": "Due",
}
