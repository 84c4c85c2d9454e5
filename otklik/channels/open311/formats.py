"""GeoReport v2 documents in its two formats: JSON, and XML with the element names of the
specification (a list is an element holding one element per item: ``<services><service>``)."""

from __future__ import annotations

import json
import re
from xml.etree.ElementTree import Element, SubElement, tostring

from django.http import HttpResponse

FORMATS = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}

# Lists inside a document: the element of each item.
ITEM_OF = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
}


# Characters XML 1.0 does not allow (a citizen's text may carry them): left out of XML.
NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return NOT_IN_XML.sub("", str(value))


def _append(parent: Element, tag: str, value) -> None:
    node = SubElement(parent, tag)
    _fill(node, value, tag)


def _fill(node: Element, value, tag: str) -> None:
    if isinstance(value, dict):
        for key, sub in value.items():
            _append(node, key, sub)
    elif isinstance(value, list):
        for sub in value:
            _append(node, ITEM_OF[tag], sub)
    else:
        node.text = _text(value)


def as_xml(root: str, value) -> bytes:
    node = Element(root)
    _fill(node, value, root)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + tostring(node, encoding="utf-8")


def respond(fmt: str, root: str, value, *, status: int = 200) -> HttpResponse:
    """``value`` (a list for list documents) as JSON, or as XML under the element ``root``."""
    if fmt == "xml":
        body = as_xml(root, value)
    else:
        body = json.dumps(value, ensure_ascii=False).encode("utf-8")
    return HttpResponse(body, status=status, content_type=FORMATS.get(fmt, FORMATS["json"]))


def error(fmt: str, code: int, description: str) -> HttpResponse:
    """The specification's error document: ``[{"code": 404, "description": "…"}]`` or
    ``<errors><error><code>404</code><description>…</description></error></errors>``."""
    return respond(fmt, "errors", [{"code": code, "description": description}], status=code)
