"""JSON columns as text, written the same way by every path that stores them.

Kept free of SQLAlchemy so import workers can load it cheaply (see import_rows.py).
"""

from __future__ import annotations

import json

_JSON_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


_TEXT_JSON: dict[tuple[type, tuple[object, ...]], str] = {}
_TEXT_JSON_MAX = 4096


def dump_json(value: object) -> str:
    """Compact JSON; imports write several JSON columns per row, mostly empty.

    The same few small lists and dicts of text (a phone's zones, a custom field's
    value) recur on row after row of an import: their JSON is kept, not recomputed.
    """
    kind = type(value)
    if not value:
        if kind is list or kind is tuple:
            return "[]"
        if kind is dict:
            return "{}"
    key = _text_key(value, kind)
    if key is None:
        return _JSON_ENCODER.encode(value)
    text = _TEXT_JSON.get(key)
    if text is None:
        text = _JSON_ENCODER.encode(value)
        if len(_TEXT_JSON) < _TEXT_JSON_MAX:
            _TEXT_JSON[key] = text
    return text


def _text_key(value: object, kind: type) -> tuple[type, tuple[object, ...]] | None:
    """A cache key for a short list or dict holding only strings, else None."""
    if isinstance(value, list):
        items: tuple[object, ...] = tuple(value)
        strings = items
    elif isinstance(value, dict):
        items = tuple(value.items())
        strings = (*value.keys(), *value.values())
    else:
        return None
    if len(strings) > 8 or not all(type(item) is str for item in strings):
        return None
    return kind, items
