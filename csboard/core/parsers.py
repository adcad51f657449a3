"""The API's JSON parser: DRF's, with a bound on how deeply a body may nest."""

from rest_framework import parsers
from rest_framework.exceptions import ParseError

# No request of this API nests more than a few levels; a body nested far deeper is an attack
# or a bug, and past Python's recursion limit the parser (or what reads its result) crashes.
MAX_DEPTH = 32


def _depth(value) -> int:
    """How deeply lists and objects nest in `value`, counted without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        value, level = stack.pop()
        if isinstance(value, dict):
            value = value.values()
        elif not isinstance(value, list):
            continue
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in value)
    return deepest


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError(f"JSON parse error - nested deeper than {MAX_DEPTH} levels.") from exc
        if _depth(data) > MAX_DEPTH:
            raise ParseError(f"JSON parse error - nested deeper than {MAX_DEPTH} levels.")
        return data
