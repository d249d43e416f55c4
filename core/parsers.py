"""DRF's JSON parser with a bound on nesting.

Python's json recurses once per level: 100,000 nested `[` raised RecursionError (a 500) on every JSON
endpoint, and a few hundred levels still reach serializers and error flattening that recurse too. The
body is scanned before it is parsed; past JSON_MAX_DEPTH levels it is a 400 and never parsed."""
import json
import re

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

# A whole JSON string (escapes included, unrolled so it runs in linear time), a lone quote (an
# unterminated string: the parser reports it), or a bracket.
_TOKEN = re.compile(r'"[^"\\]*+(?:\\.[^"\\]*+)*+"|"|[\[\]{}]', re.S)
DEFAULT_MAX_DEPTH = 32


def json_max_depth() -> int:
    return getattr(settings, "JSON_MAX_DEPTH", DEFAULT_MAX_DEPTH)


def json_too_deep(text: str, limit: int) -> bool:
    """True if the brackets outside strings nest deeper than `limit`. Stops at the first level past it."""
    if text.count("[") + text.count("{") <= limit:
        return False  # the common case, at C speed: not enough brackets to nest that deep
    depth = 0
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token in ("[", "{"):
            depth += 1
            if depth > limit:
                return True
        elif token in ("]", "}"):
            depth -= 1
        elif token == '"':
            return False  # unterminated string: invalid JSON, json.loads says where
    return False


class BoundedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = stream.read().decode(encoding)
        except UnicodeDecodeError as exc:
            raise ParseError(_("JSON parse error - %(error)s") % {"error": exc}) from None
        limit = json_max_depth()
        if json_too_deep(text, limit):
            raise ParseError(_("JSON nested too deeply: at most %(max)d levels.") % {"max": limit})
        try:
            return json.loads(text, parse_constant=_refuse_constant if self.strict else None)
        except (ValueError, RecursionError) as exc:
            raise ParseError(_("JSON parse error - %(error)s") % {"error": exc}) from None


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not valid JSON")
