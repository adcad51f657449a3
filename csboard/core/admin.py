"""Shared pieces of Django's admin."""


class ReadOnlyAdmin:
    """A record (the audit log, sent reminders) that staff may read and nobody adds, edits or
    deletes through the admin."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
