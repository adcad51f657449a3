"""The OpenAPI schema documents the errors every operation can answer, in one place."""

from drf_spectacular.openapi import AutoSchema as BaseAutoSchema
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

ErrorSerializer = inline_serializer(
    name="Error",
    fields={
        "detail": serializers.CharField(),
        "code": serializers.CharField(required=False),
    },
)
# Field errors come back as {"field": ["message", …]} beside or instead of "detail".
ValidationErrorSerializer = inline_serializer(
    name="ValidationError",
    fields={
        "detail": serializers.CharField(required=False),
        "code": serializers.CharField(required=False),
    },
)

ERRORS = {
    "400": (ValidationErrorSerializer, "Invalid input, with messages per field."),
    "401": (ErrorSerializer, "Not signed in."),
    "403": (ErrorSerializer, "Signed in, but the board role does not allow this."),
    "404": (ErrorSerializer, "No such object, or not visible to the caller."),
    "409": (
        ErrorSerializer,
        "Refused by a board rule (WIP limit, last admin, non-empty column), by a ticket "
        "moved meanwhile, or an Idempotency-Key already used with another body.",
    ),
    "415": (ErrorSerializer, "The body's content type is not one this operation reads."),
    "429": (ErrorSerializer, "Too many requests."),
    "503": (
        ErrorSerializer,
        "A service the server depends on (Redis) is away for the moment (`service_unavailable`); "
        "try again after the seconds in `Retry-After`.",
    ),
}
# 409 for any write; 415 where a body is read.
ONLY_FOR = {"409": ("POST", "PUT", "PATCH", "DELETE"), "415": ("POST", "PUT", "PATCH")}


class AutoSchema(BaseAutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code, (serializer, description) in ERRORS.items():
            if code in responses or self.method not in ONLY_FOR.get(code, (self.method,)):
                continue
            response = self._get_response_for_code(serializer, code, direction=direction)
            response["description"] = description
            responses[code] = response
        return responses
