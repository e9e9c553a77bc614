"""Telephony integrations, one folder each: twilio/ (webhooks, REST calls), pbx/ (a
generic signed webhook for Asterisk, 3CX or any dialer)."""
