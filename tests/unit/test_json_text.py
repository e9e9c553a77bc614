"""dump_json: compact JSON, the same text whatever it kept from earlier values."""

from __future__ import annotations

import json

from ringback.adapters.db.json_text import dump_json
from ringback.domain.model import Channel


def reference(value: object) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def test_values_that_equal_kept_ones_still_get_their_own_json() -> None:
    values: list[object] = [
        ["call"],
        [Channel.CALL],  # equal to "call", and a str: same JSON
        ("Europe/Paris", "Europe/Berlin"),
        ["Europe/Paris", "Europe/Berlin"],
        {"Lead source": "web"},
        {"Lead source": 1},
        [1],
        [1.0],
        [True],
        ["1"],
        [["a"]],
        [("a", "b")],
        {"a": "b"},
        [{"days": ["mon"], "start": "09:00"}],
        ["Zoë", "ß"],
        [],
        {},
        (),
        "text",
        3,
        None,
    ]
    for _ in range(2):  # the second round answers from what the first one kept
        for value in values:
            assert dump_json(value) == reference(value), value
