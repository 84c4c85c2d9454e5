"""The document kinds that travel the route. The app that owns a kind registers it in its
``ready()``; the approvals app calls back through this registry, never importing that app."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from otklik.core.permissions import Action

Hook = Callable[[Any, Any], None]  # (approval, actor), inside the transaction of the decision


@dataclass(frozen=True)
class DocumentKind:
    code: str
    label: str  # Russian, lower case: «паспорт проекта»
    view_action: Action  # who may see the document (its scope: the approval's sector)
    prepare_action: Action  # who may submit and resubmit it
    url: Callable[[Any], str]  # the document's page, from its approval
    submitted: Hook | None = None
    returned: Hook | None = None
    approved: Hook | None = None


_KINDS: dict[str, DocumentKind] = {}


def kind_register(kind: DocumentKind) -> None:
    _KINDS[kind.code] = kind


def kind_get(code: str) -> DocumentKind:
    try:
        return _KINDS[code]
    except KeyError:
        raise LookupError(f"document kind {code!r} is not registered") from None


def kinds() -> dict[str, DocumentKind]:
    return dict(_KINDS)


# Called for every approved document, of any kind, after the kind's own ``approved`` hook and
# inside the transaction of the decision: (approval, actor, event) where ``event`` is the
# sheet's line of the approval (with the signer's ``confirmation``). The registry of documents
# (``documents``) registers one to give the document its number; a listener that raises
# undoes the approval.
ApprovedListener = Callable[[Any, Any, Any], None]
_APPROVED_LISTENERS: list[ApprovedListener] = []


def approved_listeners_register(fn: ApprovedListener) -> None:
    if fn not in _APPROVED_LISTENERS:
        _APPROVED_LISTENERS.append(fn)


def approved_listeners() -> list[ApprovedListener]:
    return list(_APPROVED_LISTENERS)
