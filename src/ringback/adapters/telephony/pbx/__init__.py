"""A generic PBX or dialer webhook (Asterisk, 3CX, …): JSON events signed with
HMAC-SHA256 over the timestamp and the body (see signature.py, docs/integrations.md)."""
