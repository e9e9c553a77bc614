"""Ringback: a follow-up engine that gets your calls returned."""

__version__ = "0.1.0"
