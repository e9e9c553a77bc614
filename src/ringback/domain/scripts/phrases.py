"""Phrasing that nags, apologises or raises the pressure (R13).

The linter flags each of these; users add their own in a phrase file (one phrase
a line, `#` starts a comment). Matching ignores case and runs of spaces and only
matches whole words, so "again" is flagged and "against" is not.
"""

from __future__ import annotations

import re

DEFAULT_FLAGGED_PHRASES: tuple[str, ...] = (
    "just following up",
    "just checking in",
    "just circling back",
    "haven't heard back",
    "have not heard back",
    "haven't heard from you",
    "no response",
    "still waiting",
    "sorry to bother",
    "sorry to bug",
    "sorry to chase",
    "as I said",
    "as I mentioned",
    "as mentioned",
    "again",
    "last chance",
    "final attempt",
    "one last time",
    "unfortunately",
    "I've tried",
    "I have tried",
    "several times",
    "did you get my",
    "in case you missed",
    "per my last",
    "ignoring",
    "urgent",
)


def parse_phrases(text: str) -> tuple[str, ...]:
    """Phrases from a phrase file: one per line; empty lines and `#` comments skipped."""
    lines = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return tuple(line for line in lines if line)


def fold(text: str) -> str:
    """Text as the linter compares it: case-folded, quotes straightened, spaces collapsed."""
    straight = text.replace("’", "'").replace("‘", "'")
    return " ".join(straight.casefold().split())


def phrase_pattern(phrase: str) -> re.Pattern[str]:
    """A whole-word, any-spacing pattern for `phrase`, to search folded text."""
    words = r"\s+".join(map(re.escape, fold(phrase).split()))
    return re.compile(rf"(?<!\w){words}(?!\w)")
