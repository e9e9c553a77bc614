"""JSON columns as text, written the same way by every path that stores them.

Kept free of SQLAlchemy so import workers can load it cheaply (see import_rows.py).
"""

from __future__ import annotations

import json
from typing import cast

_JSON_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


_TEXT_JSON: dict[tuple[type, tuple[object, ...]], str] = {}
_TEXT_JSON_MAX = 4096
_TEXT_JSON_LONGEST = 8


def dump_json(value: object) -> str:
    """Compact JSON; imports write several JSON columns per row, mostly empty.

    The same few small lists and dicts of text (a phone's zones, a custom field's
    value) recur on row after row of an import: their JSON is kept, not recomputed.
    Only lists and dicts holding nothing but strings are kept, so a value equal to a
    kept one also holds only strings (no number equals a string) and has its JSON.
    """
    key: tuple[type, tuple[object, ...]]
    if isinstance(value, list | tuple):
        if not value:
            return "[]"
        key = (list, tuple(value))  # a tuple's JSON is its list's
    elif isinstance(value, dict):
        if not value:
            return "{}"
        key = (dict, tuple(value.items()))
    else:
        return _JSON_ENCODER.encode(value)
    try:
        text = _TEXT_JSON.get(key)
    except TypeError:  # unhashable items (dicts in a list): not kept
        return _JSON_ENCODER.encode(value)
    if text is None:
        text = _JSON_ENCODER.encode(value)
        if len(_TEXT_JSON) < _TEXT_JSON_MAX and _only_text(key):
            _TEXT_JSON[key] = text
    return text


def _only_text(key: tuple[type, tuple[object, ...]]) -> bool:
    kind, items = key
    if len(items) > _TEXT_JSON_LONGEST:
        return False
    if kind is dict:
        pairs = cast("tuple[tuple[object, object], ...]", items)
        return all(type(name) is str and type(text) is str for name, text in pairs)
    return all(type(item) is str for item in items)
