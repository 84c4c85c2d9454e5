"""The GeoReport v2 contract for the tests: the JSON Schemas and Swagger of the specification
(``../shared/open311-schemas``, from the public open311/schema-validation repository, read where
they lie, not copied) and a strict reading of the XML documents by the same schemas.

XML is checked by walking the document alongside the JSON Schema of the same document: a list
is an element whose children are all the list's item element (``<services><service>``, as the
specification's examples name them), an object's children must each be one of its schema's
properties (once), and leaves must parse as the schema's type (``true``/``false``, numbers; an
empty element is null). The result is then validated by the same JSON Schema.
"""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path
from xml.etree import ElementTree

import jsonschema
import pytest
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

ROOT = Path(__file__).resolve().parents[4]
SCHEMAS = Path(os.environ.get("OTKLIK_OPEN311_SCHEMAS", ROOT.parent / "shared" / "open311-schemas"))


# Documents the shared files do not describe, written from the specification's wiki pages.
ERRORS = {
    "type": "array",
    "minItems": 1,
    "items": {
        "type": "object",
        "required": ["code", "description"],
        "properties": {"code": {"type": "integer"}, "description": {"type": "string"}},
    },
}
DISCOVERY = {
    "type": "object",
    "required": ["changeset", "contact", "key_service", "endpoints"],
    "properties": {
        "changeset": {"type": "string"},
        "contact": {"type": "string"},
        "key_service": {"type": "string"},
        "endpoints": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["specification", "url", "changeset", "type", "formats"],
                "properties": {
                    "specification": {"type": "string"},
                    "url": {"type": "string", "format": "uri"},
                    "changeset": {"type": "string"},
                    "type": {"type": "string", "enum": ["production", "test"]},
                    "formats": {"type": "array", "items": {"type": "string"}},
                },
            },
        },
    },
}


def _load(name: str) -> dict:
    path = SCHEMAS / name
    if not path.exists():
        pytest.fail(
            f"Open311 schemas not found at {SCHEMAS} (set OTKLIK_OPEN311_SCHEMAS to the folder "
            "holding request.json, services.json … swagger.json)"
        )
    return json.loads(path.read_text())


@functools.cache
def item_names() -> dict[str, str]:
    """The item element of each list (``services`` → ``service``), read from the XML examples
    of the Swagger; the error and discovery documents are not in it (their wiki pages name
    them)."""
    names = {"errors": "error", "endpoints": "endpoint", "formats": "format"}

    def walk(value) -> None:
        if isinstance(value, dict):
            for key, sub in value.items():
                if isinstance(sub, dict) and len(sub) == 1:
                    ((child, inner),) = sub.items()
                    if isinstance(inner, dict):
                        names.setdefault(key, child)
                walk(sub)

    for operations in _load("swagger.json")["paths"].values():
        for operation in operations.values():
            for response in operation["responses"].values():
                walk(response.get("examples", {}).get("application/xml", {}))
    return names


def _registry() -> Registry:
    resources = [
        (name, Resource.from_contents(_load(name), default_specification=DRAFT7))
        for name in ("request.json", "service.json", "service-definition.json")
    ]
    return Registry().with_resources(resources)


def _swagger(definition: str) -> dict:
    """A Swagger 2.0 definition as a JSON Schema of a list of it (POST and token responses)."""
    return {
        "type": "array",
        "minItems": 1,
        "items": _load("swagger.json")["definitions"][definition],
    }


def schema(document: str) -> dict:
    return {
        "services": lambda: _load("services.json"),
        "service_definition": lambda: _load("service-definition.json"),
        "requests": lambda: _load("requests.json"),
        "post": lambda: _swagger("RequestResponse"),
        "token": lambda: _swagger("TokenResponse"),
        "errors": lambda: ERRORS,
        "discovery": lambda: DISCOVERY,
    }[document]()


ROOT_OF = {
    "services": "services",
    "service_definition": "service_definition",
    "requests": "service_requests",
    "post": "service_requests",
    "token": "service_requests",
    "errors": "errors",
    "discovery": "discovery",
}


def _resolve(node: dict) -> dict:
    if "$ref" in node:
        return _load(node["$ref"])
    return node


def _strict(node: dict, value, where: str = "$") -> None:
    """No property the schema does not name (the shared schemas allow any; we promise none)."""
    node = _resolve(node)
    if isinstance(value, dict) and "properties" in node:
        extra = set(value) - set(node["properties"])
        assert not extra, f"{where}: properties the specification does not name: {extra}"
        for key, sub in value.items():
            _strict(node["properties"][key], sub, f"{where}.{key}")
    elif isinstance(value, list) and "items" in node:
        for i, sub in enumerate(value):
            _strict(node["items"], sub, f"{where}[{i}]")


def validate(document: str, value) -> None:
    """``value`` (parsed JSON) is a valid ``document`` of the specification."""
    node = schema(document)
    validator = jsonschema.Draft7Validator(
        node, registry=_registry(), format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
    )
    errors = sorted(validator.iter_errors(value), key=lambda e: list(e.path))
    assert not errors, "; ".join(f"{list(e.path)}: {e.message}" for e in errors[:5])
    _strict(node, value)


def _types(node: dict) -> set[str]:
    if "type" in node:
        return {node["type"]} if isinstance(node["type"], str) else set(node["type"])
    return {t for sub in node.get("anyOf", []) for t in _types(sub)}


def _from_xml(element: ElementTree.Element, node: dict, where: str):
    node = _resolve(node)
    types = _types(node)
    if "array" in types or "items" in node:
        item = item_names()[element.tag]
        tags = {child.tag for child in element}
        assert tags <= {item}, f"{where}: <{element.tag}> may hold only <{item}>, found {tags}"
        return [_from_xml(child, node["items"], f"{where}/{item}") for child in element]
    if "properties" in node:
        result = {}
        for child in element:
            assert child.tag in node["properties"], f"{where}: unexpected <{child.tag}>"
            assert child.tag not in result, f"{where}: <{child.tag}> twice"
            result[child.tag] = _from_xml(
                child, node["properties"][child.tag], f"{where}/{child.tag}"
            )
        assert not (element.text or "").strip(), f"{where}: text beside elements"
        return result
    assert len(element) == 0, f"{where}: a value may not hold elements"
    text = element.text or ""
    if text == "" and "null" in types:
        return None
    if "boolean" in types:
        assert text in ("true", "false"), f"{where}: «{text}» is not true/false"
        return text == "true"
    if "integer" in types:
        return int(text)
    if "number" in types:
        return float(text)
    return text


def validate_xml(document: str, body: bytes):
    """``body`` is a valid XML ``document``: returns it read as JSON."""
    root = ElementTree.fromstring(body)  # noqa: S314 — our own server's answer in a test
    assert root.tag == ROOT_OF[document], f"root <{root.tag}>, expected <{ROOT_OF[document]}>"
    value = _from_xml(root, schema(document), f"/{root.tag}")
    validate(document, value)
    return value


def check(response, document: str, status: int = 200):
    """The response's status, content type and body per the specification; returns the body
    read as JSON (either format)."""
    assert response.status_code == status, response.content[:500]
    content_type = response.headers["Content-Type"]
    if content_type.startswith("text/xml"):
        return validate_xml(document, response.content)
    assert content_type.startswith("application/json"), content_type
    value = json.loads(response.content)
    validate(document, value)
    return value
