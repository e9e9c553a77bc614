"""TwiML answers to Twilio's voice webhook (XML, escaped by ElementTree)."""

from __future__ import annotations

from xml.etree import ElementTree

NO_ONE_TO_DIAL = (
    "Thank you for calling. Nobody can take your call right now; we will call you back."
)


def dial(number: str, *, caller_id: str | None = None, timeout_s: int = 25) -> str:
    """Ring `number` and connect the caller to it."""
    response = ElementTree.Element("Response")
    attributes = {"timeout": str(timeout_s)}
    if caller_id:
        attributes["callerId"] = caller_id
    ElementTree.SubElement(response, "Dial", attributes).text = number
    return _document(response)


def say(text: str) -> str:
    response = ElementTree.Element("Response")
    ElementTree.SubElement(response, "Say").text = text
    return _document(response)


def _document(root: ElementTree.Element) -> str:
    return '<?xml version="1.0" encoding="UTF-8"?>' + ElementTree.tostring(root, encoding="unicode")
