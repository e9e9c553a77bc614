"""Twilio: webhook signatures, TwiML answers, call status mapping and the REST client."""
