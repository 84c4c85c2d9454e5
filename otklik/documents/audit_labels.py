"""How the audit log names the registry of documents' events (see ``otklik/audit/registry.py``)."""

from __future__ import annotations

from django.urls import reverse

from otklik.audit.registry import TargetRef, actions_register, target_register
from otklik.documents.models import RegisteredDocument


def _documents(ids: list[str]) -> dict[str, TargetRef]:
    rows = RegisteredDocument.objects.filter(pk__in=ids).values_list("pk", "number", "title")
    return {
        str(pk): TargetRef(f"документ № {number} «{title}»", reverse("documents:detail", args=[pk]))
        for pk, number, title in rows
    }


actions_register(
    {
        "document.register": "Документ зарегистрирован",
        "document.export": "Документы выгружены с манифестом хешей",
        "document.sign_qualified": "К документу добавлена квалифицированная подпись",
    }
)
target_register(
    "documents.registereddocument", label="зарегистрированный документ", resolve=_documents
)
