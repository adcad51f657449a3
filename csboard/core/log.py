"""Logging helpers for settings.LOGGING."""

import logging


class ClientErrors(logging.Filter):
    """A 4xx answer is the client's mistake, not the server's: one line, never a traceback
    (Django logs a PermissionDenied with its traceback, 40 lines for a 403). With `drop`, not even
    that line from django.request, where the server's access log already shows each request with
    its status (django.security's lines, such as a host missing from ALLOWED_HOSTS, stay)."""

    def __init__(self, drop: bool = False):
        super().__init__()
        self.drop = drop

    def filter(self, record: logging.LogRecord) -> bool:
        if not 400 <= getattr(record, "status_code", 0) < 500:
            return True
        record.exc_info, record.exc_text, record.stack_info = None, None, None
        return not (self.drop and record.name == "django.request")
